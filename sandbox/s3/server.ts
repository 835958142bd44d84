/**
 * The S3 front of the emulated account: path-style S3 on loopback. Every request is authenticated against the
 * account's credentials and sessions (SigV4 header, presigned URL, chunked uploads), authorized by IAM's decision
 * over the caller's role and session policies, and served from the object store; every refusal is S3-shaped XML.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EmulatedAccount } from '../account/account';
import { closeServer, httpUrl, listenOnLoopback } from '../net/loopback-server';
import { readBoundedBody } from '../net/request-body';
import { authenticateS3 } from './authenticate';
import { type CorsRule, corsResponseHeaders, defaultCorsRules, preflight } from './cors';
import { entityTooLarge, noSuchBucket, renderS3Error, S3Error } from './errors';
import { headerMap } from './header-map';
import type { ObjectStore } from './object-store';
import { requestIdHeaders, runS3Call, s3ErrorResponse } from './operations';
import { type ParsedTarget, parseTarget } from './request-target';
import type { S3Response } from './types';

/** Options of `startS3Emulator`. */
export interface S3EmulatorOptions {
  /** The account whose credentials, sessions and policies decide every request. */
  readonly account: EmulatedAccount;
  /** Where buckets and objects live. */
  readonly store: ObjectStore;
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** The buckets' CORS rules. @default defaultCorsRules() */
  readonly cors?: readonly CorsRule[];
  /** Told about failures of the emulator itself, which the client sees as a 500 `InternalError`. */
  readonly onInternalError?: (error: unknown) => void;
}

/** A running S3 emulator. */
export interface S3Emulator {
  /** `http://127.0.0.1:<port>`: the endpoint for S3 clients (path-style addressing). */
  readonly url: string;
  readonly port: number;
  readonly store: ObjectStore;
  /** Stops listening and ends every connection. */
  close(): Promise<void>;
}

/** S3 refuses a request whose header section exceeds 8 KiB; node's own limit is set above it so S3's answer wins. */
const MAX_HEADER_SECTION_BYTES = 8 * 1024;
const NODE_MAX_HEADER_SIZE = 64 * 1024;
/** Room for `aws-chunked` framing (a chunk header and CRLFs per chunk, trailers) above the payload bound. */
const FRAMING_ALLOWANCE = (bytes: number) => Math.ceil(bytes / 100) + 64 * 1024;

/** Starts the S3 emulator; rejects for a non-loopback host or a port in use. */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const { account, store } = options;
  const cors = options.cors ?? defaultCorsRules();
  const maxBodyBytes = store.maxObjectBytes + FRAMING_ALLOWANCE(store.maxObjectBytes);

  const serve = async (request: IncomingMessage, requestId: string): Promise<S3Response> => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
    const rawQuery = queryStart === -1 ? '' : url.slice(queryStart + 1);
    const headers = headerMap(request.rawHeaders);
    const target: ParsedTarget = parseTarget(rawPath, rawQuery);
    if (request.method === 'OPTIONS') {
      await drain(request);
      if (!store.hasBucket(target.bucket)) throw noSuchBucket(target.bucket);
      return { status: 200, headers: preflight(cors, headers) };
    }
    checkHeaderSection(request.rawHeaders);
    const body = await readBody(request, headers, maxBodyBytes, store.maxObjectBytes);
    const auth = await authenticateS3(
      { method: request.method ?? 'GET', rawPath, rawQuery, rawHeaders: request.rawHeaders, body },
      (accessKeyId) => account.signingKey(accessKeyId),
      account.now(),
    );
    const accessKeyId = auth.kind === 'signed' ? auth.accessKeyId : undefined;
    const response = await runS3Call(
      {
        method: request.method ?? 'GET',
        bucket: target.bucket,
        key: target.key,
        query: target.query,
        headers,
        payload: auth.payload,
        trailers: auth.trailers,
        // Loopback HTTP: `aws:SecureTransport` is false, as it would be for plain HTTP to S3.
        authorize: async (iamRequest) =>
          (await account.authorize(accessKeyId, iamRequest, { secure: false })) === 'Allowed',
        requestId,
      },
      store,
    );
    return {
      ...response,
      headers: { ...response.headers, ...corsResponseHeaders(cors, request.method ?? 'GET', headers) },
    };
  };

  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_SIZE }, (request, response) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    serve(request, requestId)
      .then((answer) => send(request, response, requestId, answer))
      .catch((error: unknown) => {
        if (!(error instanceof S3Error) && !request.destroyed) options.onInternalError?.(error);
        const s3Error =
          error instanceof S3Error
            ? error
            : new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
        send(request, response, requestId, s3ErrorResponse(s3Error, request.method ?? 'GET', requestId));
      });
  });
  // Requests node cannot parse (e.g. a header section above its own limit) still get an S3-shaped answer.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return;
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const s3Error = tooLarge
      ? headerSectionTooLarge()
      : new S3Error('BadRequest', 400, 'An error occurred when parsing the HTTP request.');
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const body = renderS3Error(s3Error, requestId);
    // S3 puts its request ids on every answer, these included.
    const ids = Object.entries(requestIdHeaders(requestId))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 ${s3Error.status} Bad Request\r\ncontent-type: application/xml\r\n${ids}` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  const host = options.host ?? '127.0.0.1';
  const port = await listenOnLoopback(server, options.port ?? 0, host);
  return { url: httpUrl(host, port), port, store, close: () => closeServer(server) };
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  answer: S3Response,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
  const head = request.method === 'HEAD';
  response.writeHead(answer.status, {
    ...requestIdHeaders(requestId),
    server: 'AmazonS3',
    ...answer.headers,
    ...(answer.headers?.['content-length'] === undefined && { 'content-length': String(body.length) }),
  });
  response.end(head ? undefined : body);
}

function headerSectionTooLarge(): S3Error {
  return new S3Error(
    'RequestHeaderSectionTooLarge',
    400,
    'Your request header section exceeds the maximum allowed size.',
    { MaxSizeAllowed: String(MAX_HEADER_SECTION_BYTES) },
  );
}

function checkHeaderSection(rawHeaders: readonly string[]): void {
  let size = 0;
  for (const part of rawHeaders) size += Buffer.byteLength(part) + 2;
  if (size > MAX_HEADER_SECTION_BYTES) throw headerSectionTooLarge();
}

/**
 * The request body, refused before it is read when its declared length is too large (`Content-Length`, or an
 * `aws-chunked` body's `x-amz-decoded-content-length`) and while it is read once it grows past the bound.
 */
async function readBody(
  request: IncomingMessage,
  headers: ReadonlyMap<string, string>,
  maxBodyBytes: number,
  maxPayloadBytes: number,
): Promise<Buffer> {
  const declared = declaredLength(headers.get('content-length'));
  const decoded = declaredLength(headers.get('x-amz-decoded-content-length'));
  if (declared === 'invalid' || decoded === 'invalid') {
    await drain(request);
    throw new S3Error('BadRequest', 400, 'An error occurred when parsing the HTTP request.');
  }
  if ((decoded ?? 0) > maxPayloadBytes || (declared ?? 0) > maxBodyBytes) {
    request.resume();
    throw closing(entityTooLarge(decoded ?? declared ?? 0, maxPayloadBytes));
  }
  if (declared === undefined && headers.get('transfer-encoding') !== undefined && request.method === 'PUT') {
    await drain(request);
    throw new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');
  }
  const body = await readBoundedBody(request, maxBodyBytes);
  if (body === undefined) throw closing(entityTooLarge(maxBodyBytes + 1, maxPayloadBytes));
  return body;
}

/** The error with `connection: close`: the client may still be sending a body the server will not read. */
function closing(error: S3Error): S3Error {
  return new S3Error(error.code, error.status, error.s3Message, error.details, {
    ...error.headers,
    connection: 'close',
  });
}

function declaredLength(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  return /^\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : 'invalid';
}

function drain(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    request.on('end', resolve).on('error', resolve).resume();
  });
}
