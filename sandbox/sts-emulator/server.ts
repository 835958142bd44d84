/**
 * The emulator's HTTP server: loopback only, bounded bodies, STS requests at `/` (GET or POST), the inspect
 * endpoint under `/_emulator/`, injected latency and faults, and a `close()` that leaves no socket behind.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, httpUrl } from '../net/loopback-server';
import { PendingDelays, serveGuarded } from '../net/request-handling';
import {
  isServiceRequest,
  receiveQueryRequest,
  sendNotFound,
  sendQueryReply,
  splitTarget,
} from '../query-protocol/http';
import { type QueryReply, runQueryRequest } from '../query-protocol/request';
import { renderError } from '../query-protocol/xml';
import { FaultInjector } from './faults';
import { INSPECT_PREFIX, serveInspect } from './inspect-endpoint';
import { accountOf, buildContext } from './setup';
import { STS_SERVICE } from './sts-request';
import type { StsCallRecord, StsEmulator, StsEmulatorOptions } from './types';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** Calls kept for accounting; a long-running sandbox must not grow without bound. */
const MAX_CALL_RECORDS = 100_000;

/** Starts an STS emulator; rejects for a non-loopback host, invalid options, or a port already in use. */
export async function startStsEmulator(options: StsEmulatorOptions): Promise<StsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const account = accountOf(options);
  const { now, sessions } = account;
  const context = buildContext(options, host, account);
  const faults = new FaultInjector(options.faults);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const calls: StsCallRecord[] = [];
  const delays = new PendingDelays();

  const serveSts = async (request: IncomingMessage, response: ServerResponse, query: string) => {
    const sts = await receiveQueryRequest(request, response, query, { maxBodyBytes, nowMs: now });
    if (sts === undefined) {
      calls.push({ action: '', status: 413 });
      return;
    }
    const record = (status: number) => {
      calls.push({
        action: sts.action,
        ...(sts.accessKeyId === undefined ? {} : { accessKeyId: sts.accessKeyId }),
        status,
      });
      // Dropping a tenth at once keeps the splice rare.
      if (calls.length > MAX_CALL_RECORDS) calls.splice(0, MAX_CALL_RECORDS / 10);
    };
    const fault = faults.next();
    if (faults.latencyMs > 0) await delays.wait(faults.latencyMs);
    if (fault.kind === 'hang') {
      record(0);
      return; // Never answered; close() destroys the socket.
    }
    let reply: QueryReply;
    if (fault.kind === 'error') {
      const requestId = randomUUID();
      reply = {
        status: fault.error.status,
        requestId,
        body: renderError(fault.error, requestId, STS_SERVICE.namespace),
      };
    } else {
      reply = await runQueryRequest(sts, STS_SERVICE, context);
    }
    sendQueryReply(response, reply, now());
    record(reply.status);
  };

  const server = createServer((request, response) => {
    const { path, query } = splitTarget(request.url ?? '/');
    if (path.startsWith(INSPECT_PREFIX)) {
      serveInspect(request, response, sessions);
      return;
    }
    if (!isServiceRequest(request, path)) {
      sendNotFound(response);
      return;
    }
    serveGuarded(request, response, () => serveSts(request, response, query), options.onInternalError);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    account,
    url: httpUrl(host, port),
    port,
    setFaults: (config) => faults.set(config),
    inspect: (accessKeyId) => sessions.inspect(accessKeyId),
    calls,
    resetCalls: () => {
      calls.length = 0;
    },
    close: () => {
      // Ends keep-alive, in-flight, delayed and hanging requests alike.
      closed ??= (async () => {
        delays.clear();
        await closeServer(server);
      })();
      return closed;
    },
  };
}
