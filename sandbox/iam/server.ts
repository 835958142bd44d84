/**
 * The IAM front of the emulated account: IAM's query protocol on its own loopback port (IAM is a service of its own
 * endpoint, as in AWS, so an `IAMClient` is pointed at it like at `iam.amazonaws.com`, and its refusals never mix with
 * STS's injected faults). Requests are SigV4-signed for `iam` in any region (IAM is global; the SDK signs for
 * us-east-1), authorized by IAM's decision over the caller's identity policies, and change the account's roles at once.
 */
import { createServer } from 'node:http';
import type { EmulatedAccount } from '../account/account';
import { closeServer, httpUrl, listenOnLoopback } from '../net/loopback-server';
import { serveGuarded } from '../net/request-handling';
import {
  isServiceRequest,
  receiveQueryRequest,
  sendNotFound,
  sendQueryReply,
  splitTarget,
} from '../query-protocol/http';
import { runQueryRequest } from '../query-protocol/request';
import { IAM_SERVICE, type IamContext } from './iam-service';

/** Options of `startIamEmulator`. */
export interface IamEmulatorOptions {
  /** The account whose roles, credentials and policies the front serves and changes. */
  readonly account: EmulatedAccount;
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** Largest accepted request body; larger ones get 413. @default 524288 */
  readonly maxBodyBytes?: number;
  /** Told about failures of the emulator itself, which the client sees as a 500 `ServiceFailure`. */
  readonly onInternalError?: (error: unknown) => void;
}

/** A running IAM emulator. */
export interface IamEmulator {
  /** `http://127.0.0.1:<port>`: the `endpoint` for an `IAMClient`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

/** Room for the largest policy document IAM takes (131,072 characters), URL-encoded, and the other parameters. */
const DEFAULT_MAX_BODY_BYTES = 512 * 1024;

/** Starts the IAM emulator; rejects for a non-loopback host or a port in use. */
export async function startIamEmulator(options: IamEmulatorOptions): Promise<IamEmulator> {
  const { account } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new Error(`IAM emulator: maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  }
  const context: IamContext = {
    account,
    // IAM is global: requests signed for any region are accepted.
    region: undefined,
    now: account.now,
    baseCredentials: account.baseCredentials,
    sessions: account.sessions,
    ...(options.onInternalError && { onInternalError: options.onInternalError }),
  };

  const server = createServer((request, response) => {
    const { path, query } = splitTarget(request.url ?? '/');
    if (!isServiceRequest(request, path)) {
      sendNotFound(response);
      return;
    }
    const serve = async () => {
      const iam = await receiveQueryRequest(request, response, query, { maxBodyBytes, nowMs: account.now });
      if (iam === undefined) return;
      sendQueryReply(response, await runQueryRequest(iam, IAM_SERVICE, context), account.now());
    };
    serveGuarded(request, response, serve, options.onInternalError);
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listenOnLoopback(server, options.port ?? 0, host);
  return { url: httpUrl(host, port), port, close: () => closeServer(server) };
}
