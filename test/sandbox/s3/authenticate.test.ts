/**
 * S3 authentication against AWS's published SigV4 examples, requests signed by @smithy/signature-v4, URLs from
 * @aws-sdk/s3-request-presigner, and requests captured from a real S3Client: each must be accepted, and every
 * change to what was signed refused with the error S3 answers.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { authenticateS3 } from '../../../sandbox/s3/authenticate';
import { renderS3Error, S3Error } from '../../../sandbox/s3/errors';
import type { ReceivedS3Request, S3Authentication, SigningKey } from '../../../sandbox/s3/types';
import { registerSecret } from '../../support/leak-scan';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const HOST = '127.0.0.1:3004';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

interface TestKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiresAtMs?: number;
}
const LONG_TERM: TestKey = {
  accessKeyId: 'AKIAS3AUTHTESTUSER01',
  secretAccessKey: 'long-term-secret-key-0000000000000000001',
};
const SESSION: TestKey = {
  accessKeyId: 'ASIAS3AUTHTESTSESS01',
  secretAccessKey: 'session-secret-key-00000000000000000001',
  sessionToken: 'IQoJb3JpZ2luX2VjEsession-token-000000000000000000000001',
  expiresAtMs: NOW + 60 * 60 * 1000,
};
// The example credentials of the AWS documentation ("sig-v4-header-based-auth", "sigv4-query-string-auth").
const DOC_KEY: TestKey = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const DOC_NOW = Date.parse('2013-05-24T00:00:00Z');
for (const key of [LONG_TERM, SESSION, DOC_KEY]) {
  registerSecret(key.secretAccessKey);
  if (key.sessionToken !== undefined) registerSecret(key.sessionToken);
}

const KEYS = new Map<string, SigningKey>(
  [LONG_TERM, SESSION, DOC_KEY].map((key) => [
    key.accessKeyId,
    { secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken, expiresAtMs: key.expiresAtMs },
  ]),
);
const lookup = (accessKeyId: string) => KEYS.get(accessKeyId);
const authenticate = (request: ReceivedS3Request, nowMs = NOW) => authenticateS3(request, lookup, nowMs);

/** The error authentication refuses with; fails the test when it accepts. */
async function refusal(request: ReceivedS3Request, nowMs = NOW): Promise<S3Error> {
  const outcome = await authenticate(request, nowMs).then(
    () => new Error('the request was authenticated'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof S3Error)) throw outcome;
  for (const key of [LONG_TERM, SESSION]) {
    const rendered = `${JSON.stringify(outcome.details)} ${outcome.message} ${renderS3Error(outcome, 'r')}`;
    expect(rendered).not.toContain(key.secretAccessKey);
    expect(rendered).not.toContain(key.sessionToken ?? key.secretAccessKey);
  }
  return outcome;
}

function signedResult(auth: S3Authentication): Extract<S3Authentication, { kind: 'signed' }> {
  if (auth.kind !== 'signed') throw new Error('the request was not authenticated as signed');
  return auth;
}

/** A key encoded for a path as the AWS SDK encodes it: every segment escaped, `/` kept. */
const encodeKey = (key: string) =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
const escapeQuery = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What the HTTP front would hand over for a request the SDK built. */
interface BuiltRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
}

function received(request: BuiltRequest, body: Buffer = Buffer.alloc(0)): ReceivedS3Request {
  const rawQuery = Object.entries(request.query ?? {})
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) =>
        v === null ? escapeQuery(name) : `${escapeQuery(name)}=${escapeQuery(v)}`,
      ),
    )
    .join('&');
  return {
    method: request.method,
    rawPath: request.path,
    rawQuery,
    rawHeaders: Object.entries(request.headers).flat(),
    body,
  };
}

function signerFor(key: TestKey, region = 'eu-west-1'): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region,
    credentials: key,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: true,
  });
}

interface Unsigned {
  readonly method?: string;
  readonly path?: string;
  readonly query?: Record<string, string | string[] | null>;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer;
  readonly key?: TestKey;
  readonly region?: string;
  readonly signingDate?: Date;
  readonly unsignableHeaders?: Set<string>;
}

function unsignedRequest(input: Unsigned): HttpRequest {
  return new HttpRequest({
    method: input.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 3004,
    path: input.path ?? '/bucket/key',
    query: input.query ?? {},
    headers: { host: HOST, ...input.headers },
    body: input.body,
  });
}

/** A request signed by @smithy/signature-v4 the way the S3 client signs: S3 paths, payload hash header. */
async function sdkSigned(input: Unsigned = {}): Promise<ReceivedS3Request> {
  const signed = await signerFor(input.key ?? LONG_TERM, input.region).sign(unsignedRequest(input), {
    signingDate: input.signingDate ?? new Date(NOW),
    unsignableHeaders: input.unsignableHeaders,
  });
  return received(signed, input.body);
}

/** A presigned URL from @smithy/signature-v4, prepared as @aws-sdk/s3-request-presigner prepares one. */
async function sdkPresigned(
  input: Unsigned & { readonly expiresIn?: number; readonly unhoistableHeaders?: Set<string> } = {},
): Promise<ReceivedS3Request> {
  const hasHash = Object.keys(input.headers ?? {}).some(
    (name) => name.toLowerCase() === 'x-amz-content-sha256',
  );
  const request = unsignedRequest({
    ...input,
    headers: { ...(hasHash ? {} : { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' }), ...input.headers },
  });
  const signed = await signerFor(input.key ?? LONG_TERM, input.region).presign(request, {
    signingDate: input.signingDate ?? new Date(NOW),
    expiresIn: input.expiresIn ?? 900,
    unhoistableHeaders: input.unhoistableHeaders,
  });
  return received(signed, input.body);
}

const withHeader = (request: ReceivedS3Request, name: string, value: string): ReceivedS3Request => ({
  ...request,
  rawHeaders: [...request.rawHeaders, name, value],
});
const replaceHeader = (
  request: ReceivedS3Request,
  name: string,
  value: string | undefined,
): ReceivedS3Request => {
  const rawHeaders: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const header = request.rawHeaders[i] ?? '';
    if (header.toLowerCase() !== name) rawHeaders.push(header, request.rawHeaders[i + 1] ?? '');
  }
  return { ...request, rawHeaders: value === undefined ? rawHeaders : [...rawHeaders, name, value] };
};
const headerOf = (request: ReceivedS3Request, name: string) => {
  const at = request.rawHeaders.findIndex((header, i) => i % 2 === 0 && header.toLowerCase() === name);
  return at === -1 ? undefined : request.rawHeaders[at + 1];
};
const queryParam = (request: ReceivedS3Request, name: string) =>
  new URLSearchParams(request.rawQuery).get(name) ?? undefined;
const withQueryParam = (request: ReceivedS3Request, name: string, value: string): ReceivedS3Request => {
  const params = new URLSearchParams(request.rawQuery);
  params.set(name, value);
  return { ...request, rawQuery: params.toString() };
};

function fromUrl(url: string, headers: readonly string[] = ['Host', HOST], body = Buffer.alloc(0)) {
  const parsed = new URL(url);
  return (method: string): ReceivedS3Request => ({
    method,
    rawPath: parsed.pathname,
    rawQuery: parsed.search.slice(1),
    rawHeaders: headers,
    body,
  });
}

/** Sends one command from a real S3Client to a throwaway server and returns the request as the front received it. */
async function captured(
  send: (client: S3Client) => Promise<unknown>,
  config: Partial<S3ClientConfig> = {},
): Promise<ReceivedS3Request> {
  let request: ReceivedS3Request | undefined;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = incoming.url ?? '/';
      const q = url.indexOf('?');
      request = {
        method: incoming.method ?? 'GET',
        rawPath: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        rawHeaders: incoming.rawHeaders,
        body: Buffer.concat(chunks),
      };
      response.writeHead(200, { ETag: '"d41d8cd98f00b204e9800998ecf8427e"', 'Content-Length': '0' });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new S3Client({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forcePathStyle: true,
    credentials: LONG_TERM,
    maxAttempts: 1,
    ...config,
  });
  try {
    // Only the request matters: a command whose (empty) answer does not parse may fail.
    await send(client).catch(() => undefined);
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  if (request === undefined) throw new Error('the S3Client sent nothing');
  return request;
}

const ODD_KEY = 'dir/a b+c=d~e%f ü €/日本.txt';

describe('authenticateS3', () => {
  describe('the examples of the AWS documentation', () => {
    const docHeaders = (signedHeaders: string, signature: string) =>
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
      `SignedHeaders=${signedHeaders},Signature=${signature}`;

    it('authenticates the GET Object example (a Range header)', async () => {
      const auth = await authenticate(
        {
          method: 'GET',
          rawPath: '/test.txt',
          rawQuery: '',
          rawHeaders: [
            'Host',
            'examplebucket.s3.amazonaws.com',
            'Range',
            'bytes=0-9',
            'x-amz-content-sha256',
            EMPTY_SHA256,
            'x-amz-date',
            '20130524T000000Z',
            'Authorization',
            docHeaders(
              'host;range;x-amz-content-sha256;x-amz-date',
              'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
            ),
          ],
          body: Buffer.alloc(0),
        },
        DOC_NOW,
      );
      expect(auth).toMatchObject({ kind: 'signed', accessKeyId: DOC_KEY.accessKeyId, via: 'header' });
      expect(signedResult(auth).signedAtMs).toBe(DOC_NOW);
    });

    it('authenticates the PUT Object example (Date and x-amz-date both signed, a $ in the key)', async () => {
      const body = Buffer.from('Welcome to Amazon S3.');
      const auth = await authenticate(
        {
          method: 'PUT',
          rawPath: '/test%24file.text',
          rawQuery: '',
          rawHeaders: [
            'Host',
            'examplebucket.s3.amazonaws.com',
            'Date',
            'Fri, 24 May 2013 00:00:00 GMT',
            'x-amz-date',
            '20130524T000000Z',
            'x-amz-storage-class',
            'REDUCED_REDUNDANCY',
            'x-amz-content-sha256',
            createHash('sha256').update(body).digest('hex'),
            'Authorization',
            docHeaders(
              'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
              '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
            ),
          ],
          body,
        },
        DOC_NOW,
      );
      expect(auth.payload.equals(body)).toBe(true);
    });

    it.each([
      [
        'GET Bucket Lifecycle (a name without a value)',
        'lifecycle',
        'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
      ],
      [
        'GET Bucket (two parameters)',
        'max-keys=2&prefix=J',
        '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
      ],
    ])('authenticates the %s example', async (_, rawQuery, signature) => {
      const auth = await authenticate(
        {
          method: 'GET',
          rawPath: '/',
          rawQuery,
          rawHeaders: [
            'Host',
            'examplebucket.s3.amazonaws.com',
            'x-amz-date',
            '20130524T000000Z',
            'x-amz-content-sha256',
            EMPTY_SHA256,
            'Authorization',
            docHeaders('host;x-amz-content-sha256;x-amz-date', signature),
          ],
          body: Buffer.alloc(0),
        },
        DOC_NOW,
      );
      expect(auth.kind).toBe('signed');
    });

    it('authenticates the presigned URL example for as long as it lives (86400 s), and no longer', async () => {
      const request = fromUrl(
        'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
          '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
          '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
          '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
        ['Host', 'examplebucket.s3.amazonaws.com'],
      )('GET');
      expect(await authenticate(request, DOC_NOW)).toMatchObject({ kind: 'signed', via: 'presigned' });
      expect((await authenticate(request, DOC_NOW + 86400 * 1000)).kind).toBe('signed');
      const error = await refusal(request, DOC_NOW + 86400 * 1000 + 1000);
      expect(error).toMatchObject({ code: 'AccessDenied', status: 403, s3Message: 'Request has expired' });
      expect(error.details).toEqual({
        'X-Amz-Expires': '86400',
        Expires: '2013-05-25T00:00:00Z',
        ServerTime: '2013-05-25T00:00:01Z',
      });
    });

    const chunkedDoc = (trailer: boolean) => {
      const signatures = trailer
        ? [
            'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
            '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
            '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
          ]
        : [
            'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
            '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
            'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
          ];
      const trailerLines = trailer
        ? 'x-amz-checksum-crc32c:sOO8/Q==\r\n' +
          'x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n'
        : '';
      const body = Buffer.concat([
        Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`),
        Buffer.alloc(65536, 'a'),
        Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`),
        Buffer.alloc(1024, 'a'),
        Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n${trailerLines}\r\n`),
      ]);
      const signedHeaders = trailer
        ? 'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer'
        : 'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class';
      const seed = trailer
        ? '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e'
        : '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
      const request: ReceivedS3Request = {
        method: 'PUT',
        rawPath: '/examplebucket/chunkObject.txt',
        rawQuery: '',
        rawHeaders: [
          'Host',
          's3.amazonaws.com',
          'x-amz-date',
          '20130524T000000Z',
          'x-amz-storage-class',
          'REDUCED_REDUNDANCY',
          'Authorization',
          docHeaders(signedHeaders, seed),
          'x-amz-content-sha256',
          trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'Content-Encoding',
          'aws-chunked',
          'x-amz-decoded-content-length',
          '66560',
          'Content-Length',
          String(body.length),
          ...(trailer ? ['x-amz-trailer', 'x-amz-checksum-crc32c'] : []),
        ],
        body,
      };
      return request;
    };

    it('authenticates the chunked upload example, decoding its signed chunks', async () => {
      const auth = await authenticate(chunkedDoc(false), DOC_NOW);
      expect(auth.payload.equals(Buffer.alloc(66560, 'a'))).toBe(true);
      expect(auth.trailers.size).toBe(0);
    });

    it('authenticates the chunked upload example with a trailer, delivering the trailer', async () => {
      const auth = await authenticate(chunkedDoc(true), DOC_NOW);
      expect(auth.payload).toHaveLength(66560);
      expect([...auth.trailers]).toEqual([['x-amz-checksum-crc32c', 'sOO8/Q==']]);
    });

    it('refuses the chunked upload example once a chunk is altered', async () => {
      const request = chunkedDoc(false);
      const body = Buffer.from(request.body);
      body[100] = 'b'.charCodeAt(0);
      expect(await refusal({ ...request, body }, DOC_NOW)).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
    });
  });

  describe('requests without a signature', () => {
    it('passes them on as anonymous, the body untouched, for authorization to decide', async () => {
      const body = Buffer.from('3\r\nabc\r\n0\r\n\r\n');
      const auth = await authenticate({
        method: 'PUT',
        rawPath: '/b/k',
        rawQuery: 'acl',
        rawHeaders: ['Host', HOST],
        body,
      });
      expect(auth).toEqual({ kind: 'anonymous', payload: body, trailers: new Map() });
    });

    it('decodes an unsigned aws-chunked body (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', async () => {
      const auth = await authenticate({
        method: 'PUT',
        rawPath: '/b/k',
        rawQuery: '',
        rawHeaders: [
          'x-amz-content-sha256',
          'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'x-amz-decoded-content-length',
          '3',
          'x-amz-trailer',
          'x-amz-checksum-crc32',
        ],
        body: Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n'),
      });
      expect(auth.kind).toBe('anonymous');
      expect(auth.payload.toString()).toBe('abc');
      expect(auth.trailers.get('x-amz-checksum-crc32')).toBe('NSRBwg==');
    });

    it('refuses signed chunks without a request signature to chain them from', async () => {
      const error = await refusal({
        method: 'PUT',
        rawPath: '/b/k',
        rawQuery: '',
        rawHeaders: [
          'x-amz-content-sha256',
          'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'x-amz-decoded-content-length',
          '0',
        ],
        body: Buffer.from(`0;chunk-signature=${'0'.repeat(64)}\r\n\r\n`),
      });
      expect(error).toMatchObject({ code: 'AccessDenied', status: 403 });
    });
  });

  describe('the Authorization header (SigV4)', () => {
    it('authenticates what @smithy/signature-v4 signs as the SDK does: odd keys, a query of several parameters', async () => {
      const body = Buffer.from('payload bytes');
      const request = await sdkSigned({
        method: 'PUT',
        path: `/bucket/${encodeKey(ODD_KEY)}`,
        query: {
          'x-id': 'PutObject',
          tagging: '',
          'response-content-type': 'text/plain; charset=utf-8',
          b: ['2', '1'],
        },
        headers: {
          'content-type': 'text/plain',
          'x-amz-meta-note': '  spaced   out  ',
          'x-amz-storage-class': 'STANDARD',
        },
        body,
      });
      const auth = signedResult(await authenticate(request));
      expect(auth).toMatchObject({ accessKeyId: LONG_TERM.accessKeyId, via: 'header', signedAtMs: NOW });
      expect(auth.payload.equals(body)).toBe(true);
    });

    it('authenticates every region: the sandbox does not emulate bucket regions', async () => {
      for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'local']) {
        expect((await authenticate(await sdkSigned({ region }))).kind).toBe('signed');
      }
    });

    it('authenticates UNSIGNED-PAYLOAD, returning the body as sent', async () => {
      const body = Buffer.from('not hashed');
      const request = await sdkSigned({
        method: 'PUT',
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        body,
      });
      expect((await authenticate(request)).payload.equals(body)).toBe(true);
    });

    it('authenticates a request dated by the HTTP Date header alone', async () => {
      const body = Buffer.alloc(0);
      const signer = signerFor(LONG_TERM);
      const date = 'Sun, 01 Mar 2026 12:00:00 GMT';
      const stringToSign = (canonical: string) =>
        [
          'AWS4-HMAC-SHA256',
          '20260301T120000Z',
          '20260301/eu-west-1/s3/aws4_request',
          sha256(canonical),
        ].join('\n');
      const canonical = [
        'GET',
        '/bucket/key',
        '',
        `date:${date}`,
        `host:${HOST}`,
        `x-amz-content-sha256:${EMPTY_SHA256}`,
        '',
        'date;host;x-amz-content-sha256',
        EMPTY_SHA256,
      ].join('\n');
      const signature = await signer.sign(stringToSign(canonical), { signingDate: new Date(NOW) });
      const auth = await authenticate({
        method: 'GET',
        rawPath: '/bucket/key',
        rawQuery: '',
        rawHeaders: [
          'Host',
          HOST,
          'Date',
          date,
          'x-amz-content-sha256',
          EMPTY_SHA256,
          'Authorization',
          `AWS4-HMAC-SHA256 Credential=${LONG_TERM.accessKeyId}/20260301/eu-west-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256, Signature=${signature}`,
        ],
        body,
      });
      expect(auth.kind).toBe('signed');
    });

    it('refuses any change to the method, the path, a signed header, the query or the body', async () => {
      const request = await sdkSigned({
        method: 'PUT',
        path: `/bucket/${encodeKey(ODD_KEY)}`,
        query: { 'x-id': 'PutObject', versionId: 'v1' },
        headers: { 'x-amz-meta-a': 'one' },
        body: Buffer.from('signed body'),
      });
      expect((await authenticate(request)).kind).toBe('signed');
      const changes: ReadonlyArray<readonly [string, ReceivedS3Request, string]> = [
        ['method', { ...request, method: 'POST' }, 'SignatureDoesNotMatch'],
        ['path', { ...request, rawPath: `${request.rawPath}x` }, 'SignatureDoesNotMatch'],
        [
          'path encoding',
          { ...request, rawPath: request.rawPath.replace('%20', '+') },
          'SignatureDoesNotMatch',
        ],
        ['signed header', replaceHeader(request, 'x-amz-meta-a', 'two'), 'SignatureDoesNotMatch'],
        ['host', replaceHeader(request, 'host', 'localhost:3004'), 'SignatureDoesNotMatch'],
        [
          'query value',
          { ...request, rawQuery: request.rawQuery.replace('v1', 'v2') },
          'SignatureDoesNotMatch',
        ],
        ['query added', { ...request, rawQuery: `${request.rawQuery}&acl` }, 'SignatureDoesNotMatch'],
        ['query removed', { ...request, rawQuery: 'x-id=PutObject' }, 'SignatureDoesNotMatch'],
        ['body', { ...request, body: Buffer.from('other body!') }, 'XAmzContentSHA256Mismatch'],
      ];
      for (const [what, changed, code] of changes) {
        const error = await refusal(changed);
        expect({ what, code: error.code, status: error.status }).toEqual({
          what,
          code,
          status: code === 'SignatureDoesNotMatch' ? 403 : 400,
        });
      }
    });

    it('reads a + in the query as a space, as S3 does', async () => {
      const request = await sdkSigned({ path: '/bucket', query: { 'list-type': '2', prefix: 'a b' } });
      expect(request.rawQuery).toBe('list-type=2&prefix=a%20b');
      expect((await authenticate({ ...request, rawQuery: 'list-type=2&prefix=a+b' })).kind).toBe('signed');
      expect(await refusal({ ...request, rawQuery: 'list-type=2&prefix=a%2Bb' })).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
    });

    it('throws nothing but S3Errors, whatever the headers, the query and the body say', async () => {
      const base = await sdkSigned({ method: 'PUT', key: SESSION, body: Buffer.from('x') });
      const token = fc.constantFrom(
        'AWS4-HMAC-SHA256 ',
        'AWS ',
        'Credential=',
        `${SESSION.accessKeyId}/20260301/eu-west-1/s3/aws4_request`,
        'SignedHeaders=',
        'host;x-amz-date',
        'Signature=',
        'f'.repeat(64),
        ', ',
        ',',
        '=',
        '/',
        ';',
        ' ',
        '%',
        '%E0%A4',
        '+',
        '&',
        'X-Amz-Algorithm=AWS4-HMAC-SHA256',
        'X-Amz-Expires=',
        'X-Amz-Date=20260301T120000Z',
        'X-Amz-Credential=',
        'X-Amz-SignedHeaders=',
        'X-Amz-Signature=',
        'X-Amz-Security-Token=',
        '99999999999999999999',
        '-1',
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'UNSIGNED-PAYLOAD',
        'x-amz-checksum-crc32',
        '\u00ff\u0100',
      );
      const text = fc.array(token, { maxLength: 12 }).map((parts) => parts.join(''));
      const header = fc.constantFrom(
        'authorization',
        'x-amz-date',
        'date',
        'x-amz-content-sha256',
        'x-amz-decoded-content-length',
        'x-amz-trailer',
        'x-amz-security-token',
        'host',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(header, fc.option(text)), { maxLength: 4 }),
          fc.option(text),
          fc.option(fc.uint8Array({ maxLength: 64 })),
          async (headerChanges, rawQuery, body) => {
            let request: ReceivedS3Request = base;
            for (const [name, value] of headerChanges)
              request = replaceHeader(request, name, value ?? undefined);
            if (rawQuery !== null) request = { ...request, rawQuery };
            if (body !== null) request = { ...request, body: Buffer.from(body) };
            const outcome = await authenticate(request).then(
              () => undefined,
              (error: unknown) => error,
            );
            expect(outcome === undefined || outcome instanceof S3Error).toBe(true);
          },
        ),
        { numRuns: 400 },
      );
    });

    it('refuses a path whose encoding differs from the one signed (%2F for a slash)', async () => {
      const request = await sdkSigned({ path: '/bucket/a%2Fb' });
      expect(await refusal({ ...request, rawPath: '/bucket/a/b' })).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
    });

    it('refuses a wrong signature with the key id, string to sign and signature provided, never a secret', async () => {
      const request = await sdkSigned({
        key: { ...LONG_TERM, secretAccessKey: 'not-the-secret-key-000000000000000000000' },
      });
      const error = await refusal(request);
      expect(error).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
        s3Message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      });
      expect(Object.keys(error.details)).toEqual(['AWSAccessKeyId', 'StringToSign', 'SignatureProvided']);
      expect(error.details.AWSAccessKeyId).toBe(LONG_TERM.accessKeyId);
      expect(headerOf(request, 'authorization')).toContain(`Signature=${error.details.SignatureProvided}`);
      expect(error.details.StringToSign).toMatch(
        /^AWS4-HMAC-SHA256\n20260301T120000Z\n20260301\/eu-west-1\/s3\/aws4_request\n[0-9a-f]{64}$/,
      );
    });

    it('refuses a signature in upper-case hex and a signed header the request lacks', async () => {
      const request = await sdkSigned();
      const authorization = headerOf(request, 'authorization') ?? '';
      const upper = authorization.replace(
        /Signature=([0-9a-f]+)/,
        (_, sig: string) => `Signature=${sig.toUpperCase()}`,
      );
      expect(await refusal(replaceHeader(request, 'authorization', upper))).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      const lacking = authorization.replace('SignedHeaders=', 'SignedHeaders=content-md5;');
      expect(await refusal(replaceHeader(request, 'authorization', lacking))).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
    });

    it('refuses an x-amz-* header that the signature does not cover, naming it', async () => {
      const request = await sdkSigned({ method: 'PUT', body: Buffer.from('x') });
      const error = await refusal(
        withHeader(withHeader(request, 'X-Amz-Acl', 'public-read'), 'x-amz-tagging', 'a=b'),
      );
      expect(error).toMatchObject({
        code: 'AccessDenied',
        status: 403,
        s3Message: 'There were headers present in the request which were not signed',
      });
      expect(error.details).toEqual({ HeadersNotSigned: 'x-amz-acl, x-amz-tagging' });
    });

    it('lets other unsigned headers through, and an unsigned x-amz-content-sha256 as S3 does', async () => {
      const request = await sdkSigned({ unsignableHeaders: new Set(['x-amz-content-sha256']) });
      expect(headerOf(request, 'authorization')).not.toContain('x-amz-content-sha256');
      const extra = withHeader(withHeader(request, 'User-Agent', 'curl/8'), 'X-Forwarded-For', '10.0.0.1');
      expect((await authenticate(extra)).kind).toBe('signed');
    });

    it('refuses an unknown access key with InvalidAccessKeyId', async () => {
      const error = await refusal(
        await sdkSigned({ key: { accessKeyId: 'AKIAUNKNOWNKEY000001', secretAccessKey: 'x' } }),
      );
      expect(error).toMatchObject({
        code: 'InvalidAccessKeyId',
        status: 403,
        s3Message: 'The AWS Access Key Id you provided does not exist in our records.',
        details: { AWSAccessKeyId: 'AKIAUNKNOWNKEY000001' },
      });
    });

    describe('the credential scope', () => {
      const withCredential = async (credential: (scope: string) => string) => {
        const request = await sdkSigned();
        const authorization = (headerOf(request, 'authorization') ?? '').replace(
          /Credential=([^,]+)/,
          (_, scope: string) => `Credential=${credential(scope)}`,
        );
        return replaceHeader(request, 'authorization', authorization);
      };

      it.each([
        [
          'another service',
          (s: string) => s.replace('/s3/', '/sts/'),
          'The authorization header is malformed; incorrect service "sts". This endpoint belongs to "s3".',
        ],
        [
          'another terminal',
          (s: string) => s.replace('aws4_request', 'aws5_request'),
          'The authorization header is malformed; incorrect terminal "aws5_request". This endpoint uses "aws4_request".',
        ],
        [
          'a date other than X-Amz-Date',
          (s: string) => s.replace('20260301', '20260302'),
          'Invalid credential date "20260302". This date is not the same as X-Amz-Date: "20260301".',
        ],
        [
          'too few parts',
          (s: string) => s.replace('/aws4_request', ''),
          'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        ],
        [
          'no access key id',
          (s: string) => s.replace(LONG_TERM.accessKeyId, ''),
          'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        ],
      ])('refuses %s with AuthorizationHeaderMalformed', async (_, change, message) => {
        expect(await refusal(await withCredential(change))).toMatchObject({
          code: 'AuthorizationHeaderMalformed',
          status: 400,
          s3Message: message,
        });
      });
    });

    it.each([
      ['without a Signature', (a: string) => a.replace(/, Signature=[0-9a-f]+/, '')],
      ['without SignedHeaders', (a: string) => a.replace(/SignedHeaders=[^,]+, /, '')],
      ['without a Credential', (a: string) => a.replace(/Credential=[^,]+, /, '')],
      [
        'with a component that is not name=value',
        (a: string) => a.replace('SignedHeaders=', 'SignedHeaders'),
      ],
      ['with the algorithm alone', () => 'AWS4-HMAC-SHA256'],
    ])('refuses a header %s with AuthorizationHeaderMalformed', async (_, change) => {
      const request = await sdkSigned();
      const error = await refusal(
        replaceHeader(request, 'authorization', change(headerOf(request, 'authorization') ?? '')),
      );
      expect(error).toMatchObject({
        code: 'AuthorizationHeaderMalformed',
        status: 400,
        s3Message:
          'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      });
    });

    it('refuses Signature Version 2 and SigV4a as mechanisms the emulator does not support', async () => {
      for (const authorization of [
        `AWS ${LONG_TERM.accessKeyId}:frJIUN8DYpKDtOLCwo//yllqDzg=`,
        'AWS4-ECDSA-P256-SHA256 Credential=x',
      ]) {
        const request = replaceHeader(await sdkSigned(), 'authorization', authorization);
        expect(await refusal(request)).toMatchObject({
          code: 'InvalidRequest',
          status: 400,
          s3Message:
            'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
        });
      }
      const v2Query = {
        method: 'GET',
        rawPath: '/b/k',
        rawQuery: `AWSAccessKeyId=${LONG_TERM.accessKeyId}&Expires=1&Signature=x`,
        rawHeaders: [],
        body: Buffer.alloc(0),
      };
      expect(await refusal(v2Query)).toMatchObject({ code: 'InvalidRequest', status: 400 });
    });

    it('refuses another authorization scheme as an Unsupported Authorization Type', async () => {
      const request = replaceHeader(await sdkSigned(), 'authorization', 'Bearer abc.def');
      expect(await refusal(request)).toMatchObject({
        code: 'InvalidArgument',
        status: 400,
        s3Message: 'Unsupported Authorization Type',
        details: { ArgumentName: 'Authorization', ArgumentValue: 'Bearer abc.def' },
      });
    });

    it('refuses a request that carries both the header and query-string authentication', async () => {
      const request = await sdkSigned();
      for (const param of [
        'X-Amz-Algorithm=AWS4-HMAC-SHA256',
        'X-Amz-Signature=00',
        'X-Amz-Credential=a',
        'Signature=x',
      ]) {
        const error = await refusal({ ...request, rawQuery: param });
        expect(error).toMatchObject({
          code: 'InvalidArgument',
          status: 400,
          s3Message:
            'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
          details: { ArgumentName: 'Authorization' },
        });
      }
    });

    describe('the request time', () => {
      it('accepts a signature made up to 15 minutes either side of the server clock', async () => {
        const request = await sdkSigned();
        expect((await authenticate(request, NOW + 15 * 60 * 1000)).kind).toBe('signed');
        expect((await authenticate(request, NOW - 15 * 60 * 1000)).kind).toBe('signed');
      });

      it('refuses one more than 15 minutes off with RequestTimeTooSkewed', async () => {
        const request = await sdkSigned();
        for (const nowMs of [NOW + 15 * 60 * 1000 + 1000, NOW - 16 * 60 * 1000]) {
          const error = await refusal(request, nowMs);
          expect(error).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
          expect(error.details).toMatchObject({
            RequestTime: '20260301T120000Z',
            MaxAllowedSkewMilliseconds: '900000',
          });
        }
        expect((await refusal(request, NOW + 20 * 60 * 1000)).details.ServerTime).toBe(
          '2026-03-01T12:20:00Z',
        );
      });

      it('refuses a request without a valid X-Amz-Date or Date with AccessDenied', async () => {
        const request = await sdkSigned();
        for (const changed of [
          replaceHeader(request, 'x-amz-date', undefined),
          replaceHeader(request, 'x-amz-date', '2026-03-01T12:00:00Z'),
        ]) {
          expect(await refusal(changed)).toMatchObject({
            code: 'AccessDenied',
            status: 403,
            s3Message: 'AWS authentication requires a valid Date or x-amz-date header',
          });
        }
      });
    });

    describe('x-amz-content-sha256', () => {
      it('is required: InvalidRequest without it', async () => {
        const request = replaceHeader(await sdkSigned(), 'x-amz-content-sha256', undefined);
        expect(await refusal(request)).toMatchObject({
          code: 'InvalidRequest',
          status: 400,
          s3Message: 'Missing required header for this request: x-amz-content-sha256',
        });
      });

      it('must be a SHA-256, UNSIGNED-PAYLOAD or a STREAMING- value: InvalidArgument otherwise', async () => {
        for (const value of [
          'GIBBERISH',
          'e3b0c442',
          'STREAMING-PAYLOAD',
          `${EMPTY_SHA256}0`,
          'constructor',
          '__proto__',
        ]) {
          const error = await refusal(replaceHeader(await sdkSigned(), 'x-amz-content-sha256', value));
          expect(error).toMatchObject({ code: 'InvalidArgument', status: 400 });
          expect(error.s3Message).toMatch(/^x-amz-content-sha256 must be UNSIGNED-PAYLOAD, /);
          expect(error.details).toEqual({ ArgumentName: 'x-amz-content-sha256', ArgumentValue: value });
        }
      });

      it('must be the hash of the body: XAmzContentSHA256Mismatch with both hashes', async () => {
        const request = await sdkSigned({ method: 'PUT', body: Buffer.from('signed') });
        const error = await refusal({ ...request, body: Buffer.from('sent') });
        expect(error).toMatchObject({
          code: 'XAmzContentSHA256Mismatch',
          status: 400,
          details: {
            ClientComputedContentSHA256: sha256('signed'),
            S3ComputedContentSHA256: sha256('sent'),
          },
        });
      });

      it('answers NotImplemented for SigV4a-signed chunks', async () => {
        const request = await sdkSigned({
          method: 'PUT',
          headers: {
            'x-amz-content-sha256': 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
            'x-amz-decoded-content-length': '0',
          },
        });
        expect(await refusal(request)).toMatchObject({ code: 'NotImplemented', status: 501 });
      });

      it('refuses a declared trailer on a body that is not aws-chunked', async () => {
        const request = await sdkSigned({
          method: 'PUT',
          headers: { 'x-amz-trailer': 'x-amz-checksum-crc32' },
          body: Buffer.from('x'),
        });
        expect(await refusal(request)).toMatchObject({ code: 'MalformedTrailerError', status: 400 });
      });

      it('refuses a chunked upload without x-amz-decoded-content-length with MissingContentLength', async () => {
        const request = await sdkSigned({
          method: 'PUT',
          headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' },
          body: Buffer.from('0\r\n\r\n'),
        });
        expect(await refusal(request)).toMatchObject({ code: 'MissingContentLength', status: 411 });
      });
    });
  });

  describe('session credentials', () => {
    it('authenticates a session key that sends its token, signed', async () => {
      const request = await sdkSigned({ key: SESSION });
      expect(headerOf(request, 'x-amz-security-token')).toBe(SESSION.sessionToken);
      expect(signedResult(await authenticate(request)).accessKeyId).toBe(SESSION.accessKeyId);
    });

    it('does not recognize a session key sent without its token: InvalidAccessKeyId', async () => {
      const request = await sdkSigned({ key: { ...SESSION, sessionToken: undefined } });
      expect(await refusal(request)).toMatchObject({
        code: 'InvalidAccessKeyId',
        status: 403,
        details: { AWSAccessKeyId: SESSION.accessKeyId },
      });
    });

    it('refuses another token with InvalidToken', async () => {
      const request = await sdkSigned({ key: { ...SESSION, sessionToken: `${SESSION.sessionToken}x` } });
      expect(await refusal(request)).toMatchObject({
        code: 'InvalidToken',
        status: 400,
        s3Message: 'The provided token is malformed or otherwise invalid.',
      });
    });

    it('refuses a token sent with long-term credentials with InvalidToken', async () => {
      const request = await sdkSigned({ key: { ...LONG_TERM, sessionToken: 'some-token-0000000001' } });
      expect(await refusal(request)).toMatchObject({ code: 'InvalidToken', status: 400 });
    });

    it('refuses the session once it has expired with ExpiredToken', async () => {
      const expiresAt = SESSION.expiresAtMs ?? 0;
      const request = await sdkSigned({ key: SESSION, signingDate: new Date(expiresAt - 60 * 1000) });
      expect((await authenticate(request, expiresAt - 1)).kind).toBe('signed');
      expect(await refusal(request, expiresAt)).toMatchObject({
        code: 'ExpiredToken',
        status: 400,
        s3Message: 'The provided token has expired.',
      });
    });

    it('refuses a token added to a request signed without it', async () => {
      const request = await sdkSigned({ key: { ...SESSION, sessionToken: undefined } });
      const error = await refusal(withHeader(request, 'x-amz-security-token', SESSION.sessionToken ?? ''));
      expect(error).toMatchObject({
        code: 'AccessDenied',
        status: 403,
        details: { HeadersNotSigned: 'x-amz-security-token' },
      });
    });
  });

  describe('presigned URLs (query-string SigV4)', () => {
    it('authenticates a URL presigned by @smithy/signature-v4, an odd key and parameters included', async () => {
      const request = await sdkPresigned({
        path: `/bucket/${encodeKey(ODD_KEY)}`,
        query: { 'response-content-disposition': 'attachment; filename="ü.txt"', versionId: 'null' },
      });
      expect(queryParam(request, 'X-Amz-Content-Sha256')).toBe('UNSIGNED-PAYLOAD');
      const auth = signedResult(await authenticate(request));
      expect(auth).toMatchObject({ accessKeyId: LONG_TERM.accessKeyId, via: 'presigned', signedAtMs: NOW });
    });

    it('authenticates URLs from getSignedUrl with an S3Client, for GetObject and PutObject', async () => {
      const client = new S3Client({
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:3004',
        forcePathStyle: true,
        credentials: LONG_TERM,
      });
      const get = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key: ODD_KEY }), {
        expiresIn: 3600,
        signingDate: new Date(NOW),
      });
      expect(await authenticate(fromUrl(get)('GET'))).toMatchObject({ kind: 'signed', via: 'presigned' });
      const body = Buffer.from('uploaded through a presigned URL');
      const put = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'bucket', Key: 'up/load.txt' }), {
        expiresIn: 60,
        signingDate: new Date(NOW),
      });
      const auth = await authenticate(
        fromUrl(put, ['Host', HOST, 'Content-Length', String(body.length)], body)('PUT'),
      );
      expect(auth.payload.equals(body)).toBe(true);
      expect(await refusal(fromUrl(put)('GET'))).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      client.destroy();
    });

    it('authenticates a URL up to its last second, and refuses it once X-Amz-Expires has passed', async () => {
      const request = await sdkPresigned({ expiresIn: 300 });
      expect((await authenticate(request, NOW + 300 * 1000)).kind).toBe('signed');
      const error = await refusal(request, NOW + 301 * 1000);
      expect(error).toMatchObject({ code: 'AccessDenied', status: 403, s3Message: 'Request has expired' });
      expect(error.details).toEqual({
        'X-Amz-Expires': '300',
        Expires: '2026-03-01T12:05:00Z',
        ServerTime: '2026-03-01T12:05:01Z',
      });
    });

    it('authenticates a URL used long after it was signed, within its lifetime (no skew check)', async () => {
      const request = await sdkPresigned({ expiresIn: 604800 });
      expect((await authenticate(request, NOW + 6 * 24 * 3600 * 1000)).kind).toBe('signed');
    });

    it('refuses a URL dated more than 15 minutes ahead as not yet valid', async () => {
      const request = await sdkPresigned({ signingDate: new Date(NOW + 16 * 60 * 1000) });
      const error = await refusal(request);
      expect(error).toMatchObject({
        code: 'AccessDenied',
        status: 403,
        s3Message: 'Request is not yet valid',
      });
      expect(error.details).toEqual({
        'X-Amz-Date': String(NOW + 16 * 60 * 1000),
        Expires: '2026-03-01T12:31:00Z',
        ServerTime: '2026-03-01T12:00:00Z',
      });
    });

    it.each([
      ['0', 'X-Amz-Expires must be non-negative'],
      ['-1', 'X-Amz-Expires must be non-negative'],
      [
        '604801',
        'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
      ],
      ['soon', 'X-Amz-Expires should be a number'],
      ['1.5', 'X-Amz-Expires should be a number'],
    ])('refuses X-Amz-Expires=%s with AuthorizationQueryParametersError', async (expires, message) => {
      const request = withQueryParam(await sdkPresigned(), 'X-Amz-Expires', expires);
      expect(await refusal(request)).toMatchObject({
        code: 'AuthorizationQueryParametersError',
        status: 400,
        s3Message: message,
      });
    });

    it('accepts X-Amz-Expires=604800, the longest lifetime', async () => {
      expect((await authenticate(await sdkPresigned({ expiresIn: 604800 }))).kind).toBe('signed');
    });

    it.each([
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Signature',
      'X-Amz-Date',
      'X-Amz-SignedHeaders',
      'X-Amz-Expires',
    ])('refuses a URL without %s with AuthorizationQueryParametersError', async (name) => {
      const request = await sdkPresigned();
      const params = new URLSearchParams(request.rawQuery);
      params.delete(name);
      expect(await refusal({ ...request, rawQuery: params.toString() })).toMatchObject({
        code: 'AuthorizationQueryParametersError',
        status: 400,
        s3Message:
          'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      });
    });

    it.each([
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA1', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'],
      [
        'X-Amz-Date',
        '2026-03-01T12:00:00Z',
        `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
      ],
      [
        'X-Amz-Credential',
        `${LONG_TERM.accessKeyId}/20260301/eu-west-1/iam/aws4_request`,
        'Error parsing the X-Amz-Credential parameter; incorrect service "iam". This endpoint belongs to "s3".',
      ],
      [
        'X-Amz-Credential',
        `${LONG_TERM.accessKeyId}/20260301/eu-west-1/s3`,
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      ],
      [
        'X-Amz-Credential',
        `${LONG_TERM.accessKeyId}/20260228/eu-west-1/s3/aws4_request`,
        'Invalid credential date "20260228". This date is not the same as X-Amz-Date: "20260301".',
      ],
    ])('refuses %s=%s with AuthorizationQueryParametersError', async (name, value, message) => {
      const request = withQueryParam(await sdkPresigned(), name, value);
      expect(await refusal(request)).toMatchObject({
        code: 'AuthorizationQueryParametersError',
        status: 400,
        s3Message: message,
      });
    });

    it('refuses any change to the method, path, query or a signed header', async () => {
      const request = await sdkPresigned({
        path: '/bucket/k',
        query: { versionId: 'v1' },
        headers: { 'x-amz-meta-a': 'one' },
      });
      expect(queryParam(request, 'x-amz-meta-a')).toBe('one');
      expect((await authenticate(request)).kind).toBe('signed');
      for (const changed of [
        { ...request, method: 'DELETE' },
        { ...request, rawPath: '/bucket/k2' },
        withQueryParam(request, 'versionId', 'v2'),
        withQueryParam(request, 'x-amz-meta-a', 'two'),
        { ...request, rawQuery: `${request.rawQuery}&tagging` },
        replaceHeader(request, 'host', 'example.com'),
      ]) {
        expect(await refusal(changed)).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      }
    });

    it('refuses an unknown key, and an unsigned x-amz-* header', async () => {
      const unknown = await sdkPresigned({
        key: { accessKeyId: 'AKIAUNKNOWNKEY000002', secretAccessKey: 'x' },
      });
      expect(await refusal(unknown)).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
      const request = await sdkPresigned({ method: 'PUT' });
      expect(await refusal(withHeader(request, 'x-amz-acl', 'public-read'))).toMatchObject({
        code: 'AccessDenied',
        status: 403,
        details: { HeadersNotSigned: 'x-amz-acl' },
      });
    });

    it('authenticates session credentials through X-Amz-Security-Token, until the session expires', async () => {
      const expiresAt = SESSION.expiresAtMs ?? 0;
      const request = await sdkPresigned({ key: SESSION, expiresIn: 7200 });
      expect(queryParam(request, 'X-Amz-Security-Token')).toBe(SESSION.sessionToken);
      expect((await authenticate(request, expiresAt - 1)).kind).toBe('signed');
      expect(await refusal(request, expiresAt)).toMatchObject({ code: 'ExpiredToken', status: 400 });
      const params = new URLSearchParams(request.rawQuery);
      params.delete('X-Amz-Security-Token');
      expect(await refusal({ ...request, rawQuery: params.toString() })).toMatchObject({
        code: 'InvalidAccessKeyId',
        status: 403,
      });
      expect(await refusal(withQueryParam(request, 'X-Amz-Security-Token', 'forged-token'))).toMatchObject({
        code: 'InvalidToken',
        status: 400,
      });
    });

    it('checks a body hash the URL signed, and refuses aws-chunked bodies (XAmzContentSHA256Mismatch)', async () => {
      const presignedWith = (hash: string) =>
        sdkPresigned({
          method: 'PUT',
          headers: { 'x-amz-content-sha256': hash },
          unhoistableHeaders: new Set(['x-amz-content-sha256']),
          body,
        });
      const body = Buffer.from('body');
      expect((await authenticate(await presignedWith(sha256('body')))).payload.equals(body)).toBe(true);
      for (const value of [sha256('other'), 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']) {
        const error = await refusal(await presignedWith(value));
        expect(error).toMatchObject({
          code: 'XAmzContentSHA256Mismatch',
          status: 400,
          details: { ClientComputedContentSHA256: value, S3ComputedContentSHA256: sha256('body') },
        });
      }
    });
  });

  describe('aws-chunked uploads', () => {
    /** Signs the head of a chunked PUT with smithy, then frames `chunks` with chunk signatures chained from it. */
    async function signedChunkedUpload(chunks: readonly Buffer[], trailer?: readonly [string, string]) {
      const length = chunks.reduce((n, chunk) => n + chunk.length, 0);
      const head = await sdkSigned({
        method: 'PUT',
        path: '/bucket/chunked.bin',
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-content-sha256': trailer
            ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'
            : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          'x-amz-decoded-content-length': String(length),
          ...(trailer ? { 'x-amz-trailer': trailer[0] } : {}),
        },
      });
      const seed = /Signature=([0-9a-f]{64})/.exec(headerOf(head, 'authorization') ?? '')?.[1] ?? '';
      let key: Buffer = Buffer.from(`AWS4${LONG_TERM.secretAccessKey}`);
      for (const part of ['20260301', 'eu-west-1', 's3', 'aws4_request'])
        key = createHmac('sha256', key).update(part).digest();
      const scope = '20260301/eu-west-1/s3/aws4_request';
      const parts: Buffer[] = [];
      let previous = seed;
      for (const chunk of [...chunks, Buffer.alloc(0)]) {
        const stringToSign = [
          'AWS4-HMAC-SHA256-PAYLOAD',
          '20260301T120000Z',
          scope,
          previous,
          EMPTY_SHA256,
          sha256(chunk),
        ];
        previous = createHmac('sha256', key).update(stringToSign.join('\n')).digest('hex');
        parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), chunk);
        if (chunk.length > 0) parts.push(Buffer.from('\r\n'));
      }
      if (trailer) {
        const stringToSign = [
          'AWS4-HMAC-SHA256-TRAILER',
          '20260301T120000Z',
          scope,
          previous,
          sha256(`${trailer[0]}:${trailer[1]}\n`),
        ];
        const signature = createHmac('sha256', key).update(stringToSign.join('\n')).digest('hex');
        parts.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\nx-amz-trailer-signature:${signature}\r\n`));
      }
      parts.push(Buffer.from('\r\n'));
      return { ...head, body: Buffer.concat(parts) };
    }

    it('authenticates a signed chunked upload, verifying every chunk signature, and delivers its signed trailer', async () => {
      const chunks = [Buffer.alloc(10000, 1), Buffer.alloc(9000, 2), Buffer.from('end')];
      const request = await signedChunkedUpload(chunks, ['x-amz-checksum-sha256', 'b64value==']);
      const auth = await authenticate(request);
      expect(auth.payload.equals(Buffer.concat(chunks))).toBe(true);
      expect([...auth.trailers]).toEqual([['x-amz-checksum-sha256', 'b64value==']]);
    });

    it('refuses a signed chunked upload whose chunks were altered, reordered or cut short', async () => {
      const chunks = [Buffer.alloc(8192, 1), Buffer.alloc(8192, 2), Buffer.from('end')];
      const request = await signedChunkedUpload(chunks);
      // Each frame: `2000;chunk-signature=<64 hex>\r\n`, 8192 bytes, CRLF.
      const frame = 87 + 8192 + 2;
      const { body } = request;
      const swapped = {
        ...request,
        body: Buffer.concat([
          body.subarray(frame, 2 * frame),
          body.subarray(0, frame),
          body.subarray(2 * frame),
        ]),
      };
      const altered = Buffer.from(request.body);
      altered[9000] = 9;
      expect(await refusal(swapped)).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      expect(await refusal({ ...request, body: altered })).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      expect(await refusal({ ...request, body: request.body.subarray(0, 8300) })).toMatchObject({
        code: 'IncompleteBody',
        status: 400,
      });
    });

    it('decodes a PutObject with a Readable body from a real S3Client (STREAMING-UNSIGNED-PAYLOAD-TRAILER, CRC32)', async () => {
      const data = Buffer.from(Array.from({ length: 50000 }, (_, i) => i % 251));
      const request = await captured((client) =>
        client.send(
          new PutObjectCommand({
            Bucket: 'bucket',
            Key: ODD_KEY,
            Body: Readable.from([data.subarray(0, 20000), data.subarray(20000, 40000), data.subarray(40000)]),
            ContentLength: data.length,
          }),
        ),
      );
      expect(headerOf(request, 'x-amz-content-sha256')).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
      const auth = signedResult(await authenticate(request, Date.now()));
      expect(auth.payload.equals(data)).toBe(true);
      const crc = crc32(data) >>> 0;
      const expected = Buffer.alloc(4);
      expected.writeUInt32BE(crc);
      expect([...auth.trailers]).toEqual([['x-amz-checksum-crc32', expected.toString('base64')]]);
    });

    it('refuses small chunks from a stream as S3 does, unless the client buffers them (requestStreamBufferSize)', async () => {
      const data = Buffer.alloc(5000, 'x');
      const body = () =>
        Readable.from([data.subarray(0, 1000), data.subarray(1000, 2000), data.subarray(2000)]);
      const put = (client: S3Client) =>
        client.send(
          new PutObjectCommand({ Bucket: 'bucket', Key: 'small', Body: body(), ContentLength: data.length }),
        );
      const error = await refusal(await captured(put), Date.now());
      expect(error).toMatchObject({
        code: 'InvalidChunkSizeError',
        status: 403,
        details: { Chunk: '2', BadChunkSize: '1000' },
      });
      const buffered = await captured(put, { requestStreamBufferSize: 64 * 1024 });
      expect((await authenticate(buffered, Date.now())).payload.equals(data)).toBe(true);
    });

    it('refuses a tampered chunk of a real S3Client upload with IncompleteBody', async () => {
      const data = Buffer.alloc(9000, 'y');
      const request = await captured((client) =>
        client.send(
          new PutObjectCommand({
            Bucket: 'bucket',
            Key: 'k',
            Body: Readable.from([data]),
            ContentLength: data.length,
          }),
        ),
      );
      const body = Buffer.from(request.body.toString('latin1').replace('2328\r\n', '2329\r\n'), 'latin1');
      expect(await refusal({ ...request, body }, Date.now())).toMatchObject({
        code: 'IncompleteBody',
        status: 400,
      });
    });
  });

  describe('requests captured from a real S3Client', () => {
    it.each([
      [
        'GetObject of an odd key',
        (c: S3Client) => c.send(new GetObjectCommand({ Bucket: 'bucket', Key: ODD_KEY })),
      ],
      [
        'ListObjectsV2 with a prefix, a delimiter and a page size',
        (c: S3Client) =>
          c.send(
            new ListObjectsV2Command({
              Bucket: 'bucket',
              Prefix: 'a b/ü+=~%',
              Delimiter: '/',
              MaxKeys: 5,
              StartAfter: 'a b/ü',
            }),
          ),
      ],
      [
        'PutObject of a string body',
        (c: S3Client) =>
          c.send(
            new PutObjectCommand({
              Bucket: 'bucket',
              Key: ODD_KEY,
              Body: 'hello',
              ContentType: 'text/plain',
            }),
          ),
      ],
    ])('authenticates %s', async (_, send) => {
      const request = await captured(send);
      const auth = signedResult(await authenticate(request, Date.now()));
      expect(auth).toMatchObject({ accessKeyId: LONG_TERM.accessKeyId, via: 'header' });
    });

    it('authenticates a session client, and refuses it once the session has expired', async () => {
      const request = await captured((c) => c.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k' })), {
        credentials: SESSION,
      });
      const session = (expiresAtMs: number): SigningKey => ({
        secretAccessKey: SESSION.secretAccessKey,
        sessionToken: SESSION.sessionToken,
        expiresAtMs,
      });
      try {
        KEYS.set(SESSION.accessKeyId, session(Date.now() + 60 * 60 * 1000));
        expect((await authenticate(request, Date.now())).kind).toBe('signed');
        KEYS.set(SESSION.accessKeyId, session(Date.now() - 1));
        expect(await refusal(request, Date.now())).toMatchObject({ code: 'ExpiredToken', status: 400 });
      } finally {
        KEYS.set(SESSION.accessKeyId, {
          secretAccessKey: SESSION.secretAccessKey,
          sessionToken: SESSION.sessionToken,
          expiresAtMs: SESSION.expiresAtMs,
        });
      }
    });
  });
});

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
