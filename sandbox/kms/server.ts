/**
 * The KMS front of the emulated account: KMS's JSON protocol (`POST /`, `X-Amz-Target: TrentService.<Operation>`,
 * `application/x-amz-json-1.1`) on its own loopback port, so that the real `KMSClient` is pointed at it like at
 * `kms.<region>.amazonaws.com`. Requests are SigV4-signed for `kms` in the front's region by credentials the account
 * knows, authorized by the key policy with IAM's decision, and answered with the account's keys; latency and
 * throttling can be injected for tests and benchmarks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EmulatedAccount } from '../account/account';
import { isRegionName } from '../account/signing-keys';
import { closeServer, httpUrl, listenOnLoopback } from '../net/loopback-server';
import { readBoundedBody } from '../net/request-body';
import { PendingDelays, serveGuarded } from '../net/request-handling';
import { decodeForm, toMultiValueQuery } from '../query-protocol/form';
import { splitTarget } from '../query-protocol/http';
import type { ReceivedRequest } from '../query-protocol/sigv4';
import { unknownOperation } from './errors';
import { type KmsFaultConfig, KmsFaultInjector } from './faults';
import { errorReply, type KmsContext, type KmsReply, runKmsRequest } from './kms-request';

/** Options of `startKmsEmulator`. */
export interface KmsEmulatorOptions {
  /** The account whose keys, credentials and policies the front serves. */
  readonly account: EmulatedAccount;
  /** The region the front is the endpoint of: requests are signed for it, and only its keys are found. */
  readonly region: string;
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to bind; anything else is refused. @default '127.0.0.1' */
  readonly host?: string;
  /** Latency and faults from the start (also `setFaults`). @default none */
  readonly faults?: KmsFaultConfig;
  /** Largest accepted request body; larger ones get 413. @default 65536 */
  readonly maxBodyBytes?: number;
  /** Told about failures of the emulator itself, which the client sees as a 500 `KMSInternalException`. */
  readonly onInternalError?: (error: unknown) => void;
}

/** A running KMS emulator. */
export interface KmsEmulator {
  /** `http://127.0.0.1:<port>`: the `endpoint` for a `KMSClient`. */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  /** Replaces the fault configuration (all of it, `failNext` included). */
  setFaults(faults: KmsFaultConfig): void;
  /** Stops listening and ends every connection, delayed requests included. */
  close(): Promise<void>;
}

/** A Sign request is under 6 KiB (a 4096-byte message, base64); the rest is room for headers' sake. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Starts the KMS emulator; rejects for a non-loopback host, invalid options, or a port in use. */
export async function startKmsEmulator(options: KmsEmulatorOptions): Promise<KmsEmulator> {
  const { account, region } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new Error(`KMS emulator: maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  }
  if (!isRegionName(region)) throw new Error(`KMS emulator: '${region}' is not a region name`);
  const faults = new KmsFaultInjector(options.faults);
  const context: KmsContext = {
    account,
    region,
    now: account.now,
    baseCredentials: account.baseCredentials,
    sessions: account.sessions,
    ...(options.onInternalError && { onInternalError: options.onInternalError }),
  };
  const delays = new PendingDelays();

  const serve = async (request: IncomingMessage, response: ServerResponse, query: string) => {
    const body = await readBoundedBody(request, maxBodyBytes);
    if (body === undefined) {
      response.writeHead(413, { connection: 'close', date: new Date(account.now()).toUTCString() }).end();
      return;
    }
    if (faults.latencyMs > 0) await delays.wait(faults.latencyMs);
    const fault = faults.next();
    const received: ReceivedRequest = {
      method: 'POST',
      path: '/',
      query: toMultiValueQuery(decodeForm(query) ?? []),
      rawHeaders: request.rawHeaders,
      body,
    };
    sendReply(
      response,
      fault === undefined ? await runKmsRequest(received, context) : errorReply(fault),
      account.now(),
    );
  };

  const server = createServer((request, response) => {
    const { path, query } = splitTarget(request.url ?? '/');
    if (request.method !== 'POST' || path !== '/') {
      // The JSON protocol has one resource, `POST /`.
      sendReply(response, { ...errorReply(unknownOperation()), status: 404 }, account.now());
      return;
    }
    serveGuarded(request, response, () => serve(request, response, query), options.onInternalError);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listenOnLoopback(server, options.port ?? 0, host);
  let closed: Promise<void> | undefined;
  return {
    url: httpUrl(host, port),
    port,
    region,
    setFaults: (config) => faults.set(config),
    close: () => {
      closed ??= (async () => {
        delays.clear();
        await closeServer(server);
      })();
      return closed;
    },
  };
}

/** Sends an answer with the front's own clock in `Date`: the SDKs correct their clock skew from it, as against AWS. */
function sendReply(response: ServerResponse, reply: KmsReply, nowMs: number): void {
  response.writeHead(reply.status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': reply.requestId,
    date: new Date(nowMs).toUTCString(),
  });
  response.end(reply.body);
}
