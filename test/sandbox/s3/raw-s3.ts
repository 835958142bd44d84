/**
 * Raw S3 requests for the hostile tests: sent with `node:http` exactly as given (path, escapes, headers and body
 * untouched), signed with `@smithy/signature-v4` as an SDK signs them, `aws-chunked` bodies framed by hand.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Credentials to sign with; a session's carry their token. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request as it goes on the wire. */
export interface RawRequest {
  readonly method: string;
  /** The request target exactly as sent: path and query string, escapes as given. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** An answer, with the `<Code>` and `<Message>` of an XML error body. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

export const REGION = 'eu-west-1';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** The text of the first `<tag>` element of an XML body. */
export function xmlElement(body: Buffer | string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body.toString())?.[1];
}

/** Sends `request` over a connection of its own and reads the whole answer. */
export function sendRaw(endpoint: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      host: hostname,
      port,
      method: request.method,
      path: request.target,
      headers: request.headers,
      agent: false,
    });
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, ...errorOf(body) });
      });
    });
    outgoing.end(request.body);
  });
}

/** An answer read off a socket, and whether the server closed the connection after it. */
export interface SocketResponse extends RawResponse {
  readonly closedByServer: boolean;
}

/**
 * Writes `head` (the request line and headers, `\r\n\r\n` included) and `body` on a plain TCP connection, so
 * that even what `node:http` would refuse to send goes out; reads one answer, then waits up to `waitMs` for the
 * server to close the connection (the client never does).
 */
export function sendOverSocket(
  endpoint: string,
  head: string,
  body: Buffer = Buffer.alloc(0),
  waitMs = 500,
): Promise<SocketResponse> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let closedByServer = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const split = received.indexOf('\r\n\r\n');
      const headText = received.subarray(0, split === -1 ? received.length : split).toString('latin1');
      const [statusLine = '', ...lines] = headText.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const answer = split === -1 ? Buffer.alloc(0) : received.subarray(split + 4);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        body: answer,
        ...errorOf(answer),
        closedByServer,
      });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  });
}

function errorOf(body: Buffer): { code: string | undefined; message: string | undefined } {
  return { code: xmlElement(body, 'Code'), message: xmlElement(body, 'Message') };
}

/** RFC 3986 escaping as SigV4 does it (`encodeURIComponent` plus `!'()*`). */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A SigV4 signer for S3 that signs paths as given, as S3 clients do. */
export function s3Signer(credentials: S3Credentials): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: REGION,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
}

/** What to sign. */
export interface SignSpec {
  readonly method: string;
  /** The path as sent, escapes included; signed as is (S3 does not normalize paths). */
  readonly path: string;
  /** Query parameters, decoded; sent and signed in canonical form. */
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** The `x-amz-content-sha256` to sign and send. @default the body's SHA-256 */
  readonly payloadHash?: string;
  /** @default now */
  readonly signingDate?: Date;
}

/** `spec` signed with `credentials` in the `Authorization` header, ready for `sendRaw`. */
export async function signedRequest(
  endpoint: string,
  credentials: S3Credentials,
  spec: SignSpec,
): Promise<RawRequest> {
  const { host, hostname, port } = new URL(endpoint);
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  const query = spec.query ?? {};
  const signed = await s3Signer(credentials).sign(
    new HttpRequest({
      method: spec.method,
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: spec.path,
      query: { ...query },
      headers: {
        host,
        'x-amz-content-sha256': spec.payloadHash ?? sha256Hex(body),
        ...spec.headers,
      },
    }),
    { signingDate: spec.signingDate ?? new Date() },
  );
  const search = Object.keys(query)
    .sort()
    .map((name) => `${escapeUri(name)}=${escapeUri(query[name] ?? '')}`)
    .join('&');
  return {
    method: spec.method,
    target: search === '' ? spec.path : `${spec.path}?${search}`,
    headers: { ...signed.headers, 'content-length': String(body.length) },
    body,
  };
}

/** The `Signature=` of a signed request's `Authorization` header. */
export function signatureOf(request: RawRequest): string {
  return /Signature=([0-9a-f]{64})/.exec(request.headers.authorization ?? '')?.[1] ?? '';
}

/** `hex` with its first digit changed, so that it is well-formed but wrong. */
export function flipHexDigit(hex: string): string {
  return `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`;
}

/** A signed `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` upload of `payload` in one chunk, and its parts to tamper with. */
export interface ChunkedUpload {
  readonly request: RawRequest;
  /** The data chunk's header line (`<hex size>;chunk-signature=<sig>`). */
  readonly chunkHeader: string;
  readonly chunkSignature: string;
}

/**
 * A PUT of `payload` framed as one signed chunk and the final empty chunk, each chunk signature chained from the
 * seed signature; `decodedLength` is what `x-amz-decoded-content-length` claims (and what the seed signs).
 */
export async function signedChunkedUpload(
  endpoint: string,
  credentials: S3Credentials,
  path: string,
  payload: Buffer,
  decodedLength = payload.length,
): Promise<ChunkedUpload> {
  const signingDate = new Date();
  const seed = await signedRequest(endpoint, credentials, {
    method: 'PUT',
    path,
    payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(decodedLength) },
    signingDate,
  });
  const amzDate = seed.headers['x-amz-date'] ?? '';
  const scope = `${amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
  const signer = s3Signer(credentials);
  const chunkSignature = (previous: string, data: Buffer) =>
    signer.sign(
      ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, sha256Hex(data)].join('\n'),
      { signingDate },
    );
  const first = await chunkSignature(signatureOf(seed), payload);
  const last = await chunkSignature(first, Buffer.alloc(0));
  const chunkHeader = `${payload.length.toString(16)};chunk-signature=${first}`;
  const body = Buffer.concat([
    Buffer.from(`${chunkHeader}\r\n`),
    payload,
    Buffer.from(`\r\n0;chunk-signature=${last}\r\n\r\n`),
  ]);
  return {
    request: { ...seed, headers: { ...seed.headers, 'content-length': String(body.length) }, body },
    chunkHeader,
    chunkSignature: first,
  };
}

/** `request` with another body (and its `Content-Length`), headers and signature kept. */
export function withBody(request: RawRequest, body: Buffer): RawRequest {
  return { ...request, headers: { ...request.headers, 'content-length': String(body.length) }, body };
}

/** `body` with the first occurrence of `from` replaced (latin1, so any bytes survive). */
export function replaceInBody(body: Buffer | undefined, from: string, to: string): Buffer {
  const text = (body ?? Buffer.alloc(0)).toString('latin1');
  if (!text.includes(from)) throw new Error(`the body holds no '${from}'`);
  return Buffer.from(text.replace(from, to), 'latin1');
}

/**
 * A header-signed PUT of `payload` framed as `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: one chunk, the final empty
 * chunk, then `trailer` (e.g. `x-amz-checksum-crc32:<base64>`) if given; `x-amz-trailer` always declares
 * `x-amz-checksum-crc32`.
 */
export async function unsignedTrailerUpload(
  endpoint: string,
  credentials: S3Credentials,
  path: string,
  payload: Buffer,
  trailer: string | undefined,
): Promise<RawRequest> {
  const request = await signedRequest(endpoint, credentials, {
    method: 'PUT',
    path,
    payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    headers: {
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(payload.length),
      'x-amz-trailer': 'x-amz-checksum-crc32',
    },
  });
  const body = Buffer.concat([
    Buffer.from(`${payload.length.toString(16)}\r\n`),
    payload,
    Buffer.from(`\r\n0\r\n${trailer === undefined ? '' : `${trailer}\r\n`}\r\n`),
  ]);
  return withBody(request, body);
}
