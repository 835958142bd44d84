/**
 * The local stand-in for API Gateway: a node:http server on loopback that turns each request into the REST proxy
 * event (`toRestEvent`), runs it through the same app the Lambda handler runs, and writes the proxy result back.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { RequestTooLargeError } from '../../lambda/core/errors';
import { errorResponse, outcomeOf } from '../../lambda/http/error-response';
import { closeServer, httpUrl, LOOPBACK_HOST, listenOnLoopback } from '../net/loopback-server';
import { toRestEvent } from './rest-event';

/** Options of `startLocalApi`. */
export interface LocalApiOptions {
  /** The API: `composeApp(...).handle`. */
  readonly handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Largest request body read; larger ones get 413 without reaching the handler. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Time the handler has, like API Gateway's integration timeout; then 504. @default 29000 */
  readonly integrationTimeoutMs?: number;
}

/** A running local API. */
export interface LocalApi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/** What API Gateway answers itself when the integration fails or times out, or (here) a request is misdirected. */
const GATEWAY_ERRORS = {
  failed: { statusCode: 502, body: '{"message":"Internal server error"}' },
  timedOut: { statusCode: 504, body: '{"message":"Endpoint request timed out"}' },
  forbiddenHost: {
    statusCode: 403,
    body: '{"message":"Forbidden: this server answers loopback host names only"}',
  },
} as const;

/** `127.x.x.x`, `localhost` or `[::1]`, with an optional port. */
const LOOPBACK_HOST_HEADER = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d{1,5})?$/i;

/** Starts the server; every request gets a fresh request id, echoed in `x-amzn-RequestId` as API Gateway does. */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
  const host = options.host ?? LOOPBACK_HOST;

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    // A web page that rebinds its own DNS name to 127.0.0.1 reaches this port with its name in Host: refuse it.
    if (!LOOPBACK_HOST_HEADER.test(request.headers.host ?? '')) {
      writeResult(response, requestId, { ...GATEWAY_ERRORS.forbiddenHost }, { close: true });
      return;
    }
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      const tooLarge = new RequestTooLargeError(`The request body must not exceed ${maxBodyBytes} bytes.`);
      // The rest of the body is not read: close the connection rather than leave it half-consumed.
      writeResult(response, requestId, errorResponse(outcomeOf(tooLarge), requestId), { close: true });
      return;
    }
    const event = toRestEvent({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      headers: request.headersDistinct,
      body,
      sourceIp: request.socket.remoteAddress ?? LOOPBACK_HOST,
      requestId,
    });
    writeResult(response, requestId, await runWithin(timeoutMs, () => options.handle(event)));
  };

  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) writeResult(response, 'unknown', { ...GATEWAY_ERRORS.failed });
      else response.destroy();
    });
  });
  const port = await listenOnLoopback(server, options.port ?? 0, host);
  return { url: httpUrl(host, port), port, close: () => closeServer(server) };
}

/** The whole body, or `undefined` once it exceeds `limit` bytes (announced or actual). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const announced = Number(request.headers['content-length'] ?? 0);
  if (announced > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The handler's result, or API Gateway's own 502/504 when it throws or takes too long. */
async function runWithin(
  timeoutMs: number,
  run: () => Promise<APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<APIGatewayProxyResult>((resolve) => {
    timer = setTimeout(() => resolve({ ...GATEWAY_ERRORS.timedOut }), timeoutMs);
  });
  try {
    return await Promise.race([run().catch(() => ({ ...GATEWAY_ERRORS.failed })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function writeResult(
  response: ServerResponse,
  requestId: string,
  result: APIGatewayProxyResult,
  options: { close?: boolean } = {},
): void {
  const body = Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map(String);
  }
  headers['x-amzn-RequestId'] = requestId;
  headers['content-length'] = String(body.length);
  if (options.close) headers.connection = 'close';
  response.writeHead(result.statusCode, lowerCaseKeys(headers)).end(body);
}

/** One entry per header name whatever its case in the result (the last one wins, like a header map would). */
function lowerCaseKeys(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
