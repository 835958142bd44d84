/**
 * Hostile requests to the sandbox's S3 endpoint, sent raw with node:http (nothing normalizes them) and signed by hand
 * where needed: forged and replayed signatures, presigned URLs past their time or tampered with, path traversal in
 * keys, copies and deletes naming another tenant's objects, oversized headers and lengths, malformed `aws-chunked`
 * bodies. Each gets S3's status and `<Code>`, never a crash or a 5xx (but S3's own 501 for an operation it does not
 * know), the server answers normally afterwards, and no answer or write ever reaches another tenant's data.
 */
import { createHash } from 'node:crypto';
import { crc32 as crc32Of } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DEMO_OBJECTS } from '../../sandbox/s3/seed';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import {
  flipHexDigit,
  type RawRequest,
  type RawResponse,
  replaceInBody,
  type S3Credentials,
  sendOverSocket,
  sendRaw,
  sha256Hex,
  signatureOf,
  signedChunkedUpload,
  signedRequest,
  unsignedTrailerUpload,
  withBody,
  xmlElement,
} from './s3/raw-s3';
import { useSandbox, vendCredentials } from './sandbox-harness';

const sandbox = useSandbox();
const BUCKET = LOCAL_DATA_BUCKET;
const ACME_README = 'tenants/acme/README.txt';
const GLOBEX_README = 'tenants/globex/README.txt';
const UPLOADS = 'tenants/acme/uploads/';
/** The key every spelling of `uploads/../../globex/README.txt` decodes to: a literal key under acme's uploads. */
const DOTTED_KEY = `${UPLOADS}../../globex/README.txt`;

const seeded = (key: string): Buffer => {
  const object = DEMO_OBJECTS.find((candidate) => candidate.key === key);
  if (object === undefined) throw new Error(`no demo object ${key}`);
  return Buffer.from(object.text, 'utf8');
};
const path = (key: string): string => `/${BUCKET}/${key}`;

let acme: S3Credentials;

beforeAll(async () => {
  acme = await vendCredentials(sandbox(), 'acme', 'alice');
});

const endpoint = (): string => sandbox().s3Url;
const signed = (spec: Parameters<typeof signedRequest>[2], credentials = acme): Promise<RawRequest> =>
  signedRequest(endpoint(), credentials, spec);
const send = (request: RawRequest): Promise<RawResponse> => sendRaw(endpoint(), request);
const getSigned = async (key: string, credentials = acme): Promise<RawResponse> =>
  send(await signed({ method: 'GET', path: path(key) }, credentials));
const putSigned = async (rawPath: string, body: string): Promise<RawResponse> =>
  send(await signed({ method: 'PUT', path: rawPath, body }));

/** `request` with one header replaced (or added), the signature left as it was. */
const withHeader = (request: RawRequest, name: string, value: string): RawRequest => ({
  ...request,
  headers: { ...request.headers, [name]: value },
});

/** The bytes the store holds under `key` of the data bucket, or undefined. */
async function stored(key: string): Promise<Buffer | undefined> {
  const store = sandbox().s3.store;
  const info = store.head(BUCKET, key);
  return info === undefined ? undefined : store.read(info);
}

/** An S3 error answer: the status and `<Code>`, an XML body, and no server error. */
function expectS3Error(response: RawResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toBe('application/xml');
  expect(response.status).toBeLessThan(500);
}

/** The server still serves a plain signed GET of acme's README. */
async function expectStillServing(): Promise<void> {
  const response = await getSigned(ACME_README);
  expect(response.status).toBe(200);
  expect(response.body).toEqual(seeded(ACME_README));
}

/** A refused request: what it sends, the answer S3 gives, and a key it must leave unwritten. */
interface HostileCase {
  readonly name: string;
  readonly send: () => Promise<RawResponse>;
  readonly status: number;
  readonly code: string;
  readonly message?: RegExp;
  readonly writesNothingAt?: string;
}

/** One case per kind of refusal; `$name` reads as the request. */
function expectRefusals(cases: readonly HostileCase[]): void {
  it.each(cases)('refuses $name with $status $code', async (hostile) => {
    const response = await hostile.send();

    expectS3Error(response, hostile.status, hostile.code);
    if (hostile.message !== undefined) expect(response.message).toMatch(hostile.message);
    if (hostile.writesNothingAt !== undefined) expect(await stored(hostile.writesNothingAt)).toBeUndefined();
    await expectStillServing();
  });
}

describe('the S3 endpoint, on forged, replayed and unsigned requests', () => {
  const signedGet = () => signed({ method: 'GET', path: path(ACME_README) });

  it('serves acme a plain signed GET of its README (the control every refusal below is measured against)', async () => {
    await expectStillServing();
  });

  expectRefusals([
    {
      name: 'a signature with one hex digit flipped',
      send: async () => {
        const request = await signedGet();
        const signature = signatureOf(request);
        const authorization = request.headers.authorization ?? '';
        return send(
          withHeader(request, 'authorization', authorization.replace(signature, flipHexDigit(signature))),
        );
      },
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a signature made for another body',
      send: async () => {
        const request = await signed({
          method: 'PUT',
          path: path(`${UPLOADS}other-body.txt`),
          body: 'signed',
        });
        const sent = Buffer.from('swapped');
        return send(withHeader(withBody(request, sent), 'x-amz-content-sha256', sha256Hex(sent)));
      },
      status: 403,
      code: 'SignatureDoesNotMatch',
      writesNothingAt: `${UPLOADS}other-body.txt`,
    },
    {
      name: 'a body that does not match the x-amz-content-sha256 it signed',
      send: async () => {
        const request = await signed({ method: 'PUT', path: path(`${UPLOADS}swapped.txt`), body: 'signed' });
        return send(withBody(request, Buffer.from('swapped')));
      },
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
      writesNothingAt: `${UPLOADS}swapped.txt`,
    },
    {
      name: 'a signature made with the wrong secret',
      send: async () =>
        send(
          await signed(
            { method: 'GET', path: path(ACME_README) },
            { ...acme, secretAccessKey: `${acme.secretAccessKey}x` },
          ),
        ),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a valid signature replayed on another path',
      send: async () => send({ ...(await signedGet()), target: path('tenants/acme/reports/2026-q3.csv') }),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a valid signature replayed with another query',
      send: async () => {
        const request = await signed({
          method: 'GET',
          path: path(ACME_README),
          query: { 'response-content-type': 'text/plain' },
        });
        return send({ ...request, target: request.target.replace('text%2Fplain', 'text%2Fhtml') });
      },
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a valid signature replayed with a signed header changed',
      send: async () => {
        const request = await signed({
          method: 'GET',
          path: path(ACME_README),
          headers: { range: 'bytes=0-3' },
        });
        return send(withHeader(request, 'range', 'bytes=0-400'));
      },
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a valid signature with an unsigned x-amz- header added',
      send: async () => send(withHeader(await signedGet(), 'x-amz-meta-added', 'later')),
      status: 403,
      code: 'AccessDenied',
      message: /headers present in the request which were not signed/,
    },
    {
      name: 'an access key id the account does not know',
      send: async () =>
        send(
          await signed(
            { method: 'GET', path: path(ACME_README) },
            { ...acme, accessKeyId: 'ASIAUNKNOWNKEY000000' },
          ),
        ),
      status: 403,
      code: 'InvalidAccessKeyId',
    },
    {
      name: "a session's key sent without its session token",
      send: async () =>
        send(
          await signed(
            { method: 'GET', path: path(ACME_README) },
            { accessKeyId: acme.accessKeyId, secretAccessKey: acme.secretAccessKey },
          ),
        ),
      status: 403,
      code: 'InvalidAccessKeyId',
    },
    {
      name: "a session's key sent with another session token",
      send: async () =>
        send(
          await signed(
            { method: 'GET', path: path(ACME_README) },
            { ...acme, sessionToken: `${acme.sessionToken}x` },
          ),
        ),
      status: 400,
      code: 'InvalidToken',
    },
    {
      name: 'an anonymous GET of an existing object',
      send: () => send({ method: 'GET', target: path(ACME_README), headers: {} }),
      status: 403,
      code: 'AccessDenied',
    },
    {
      name: 'an X-Amz-Date 20 minutes in the past',
      send: async () =>
        send(
          await signed({
            method: 'GET',
            path: path(ACME_README),
            signingDate: new Date(Date.now() - 20 * 60_000),
          }),
        ),
      status: 403,
      code: 'RequestTimeTooSkewed',
    },
    {
      name: 'an X-Amz-Date 20 minutes in the future',
      send: async () =>
        send(
          await signed({
            method: 'GET',
            path: path(ACME_README),
            signingDate: new Date(Date.now() + 20 * 60_000),
          }),
        ),
      status: 403,
      code: 'RequestTimeTooSkewed',
    },
  ]);
});

describe('the S3 endpoint, on presigned URLs', () => {
  let client: S3Client;
  beforeAll(() => {
    client = new S3Client({
      region: 'eu-west-1',
      endpoint: sandbox().s3Url,
      forcePathStyle: true,
      credentials: acme,
      maxAttempts: 1,
    });
  });
  afterAll(() => client.destroy());

  /** The request target of a presigned GET of `key` by acme. */
  const presigned = async (key: string, expiresIn = 900): Promise<string> => {
    const url = new URL(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn }),
    );
    return `${url.pathname}${url.search}`;
  };
  const open = (target: string) => send({ method: 'GET', target, headers: {} });

  it("serves acme's README on a presigned URL made from acme's credentials", async () => {
    const response = await open(await presigned(ACME_README));

    expect(response.status).toBe(200);
    expect(response.body).toEqual(seeded(ACME_README));
  });

  it('refuses a presigned URL once its X-Amz-Expires has passed with 403 AccessDenied "Request has expired"', async () => {
    const target = await presigned(ACME_README, 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));

    const response = await open(target);

    expectS3Error(response, 403, 'AccessDenied');
    expect(response.message).toBe('Request has expired');
    await expectStillServing();
  });

  expectRefusals([
    {
      name: 'a presigned URL whose key was changed',
      send: async () => open((await presigned(ACME_README)).replace('README.txt', 'reports/2026-q3.csv')),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: 'a presigned URL whose X-Amz-Expires was raised',
      send: async () =>
        open((await presigned(ACME_README, 900)).replace('X-Amz-Expires=900', 'X-Amz-Expires=901')),
      status: 403,
      code: 'SignatureDoesNotMatch',
    },
    {
      name: "a presigned URL for globex's README made from acme's credentials",
      send: async () => open(await presigned(GLOBEX_README)),
      status: 403,
      code: 'AccessDenied',
    },
  ]);
});

describe('the S3 endpoint, on keys that look like paths', () => {
  const globexBefore = () => sandbox().s3.store.head(BUCKET, GLOBEX_README);

  /** Globex's README is the object the sandbox seeded, byte for byte. */
  async function expectGlobexUntouched(etag: string | undefined): Promise<void> {
    expect(globexBefore()?.etag).toBe(etag);
    expect(await stored(GLOBEX_README)).toEqual(seeded(GLOBEX_README));
  }

  /** Whether an answer carries the bytes the store holds for globex's README. */
  async function leaksGlobex(response: RawResponse): Promise<boolean> {
    const globex = await stored(GLOBEX_README);
    return globex !== undefined && response.body.includes(globex);
  }

  it.each([
    ['raw `..` segments', `${UPLOADS}../../globex/README.txt`, DOTTED_KEY],
    ['`%2e%2e%2f` escapes', `${UPLOADS}%2e%2e%2f%2e%2e%2fglobex%2fREADME.txt`, DOTTED_KEY],
    ['`..%2F` escapes', `${UPLOADS}..%2F..%2Fglobex%2FREADME.txt`, DOTTED_KEY],
    ['upper-case `%2E%2E` segments', `${UPLOADS}%2E%2E/%2E%2E/globex/README.txt`, DOTTED_KEY],
    [
      '`//` then `..` segments',
      `${UPLOADS}//../../../globex/README.txt`,
      `${UPLOADS}//../../../globex/README.txt`,
    ],
    ['raw backslashes', `${UPLOADS}..\\..\\globex\\README.txt`, `${UPLOADS}..\\..\\globex\\README.txt`],
    ['`%5C` escapes', `${UPLOADS}..%5C..%5Cglobex%5CREADME.txt`, `${UPLOADS}..\\..\\globex\\README.txt`],
  ])(
    "stores acme's write through %s under the literal key, and globex's README stays as seeded",
    async (_, rawKey, literalKey) => {
      const etag = globexBefore()?.etag;
      const body = `written by acme through ${rawKey}`;

      const response = await putSigned(path(rawKey), body);

      expect(response.status).toBe(200);
      expect(await stored(literalKey)).toEqual(Buffer.from(body));
      await expectGlobexUntouched(etag);
      const readBack = await getSigned(rawKey);
      expect(readBack.status).toBe(200);
      expect(readBack.body.toString()).toBe(body);
      await expectStillServing();
    },
  );

  it("reads a leading `/` as part of the key, which puts it outside acme's prefix: 403 AccessDenied", async () => {
    const etag = globexBefore()?.etag;

    const read = await getSigned(`/${GLOBEX_README}`);
    const write = await putSigned(path(`/${UPLOADS}slash.txt`), 'slash');

    expectS3Error(read, 403, 'AccessDenied');
    expect(await leaksGlobex(read)).toBe(false);
    expectS3Error(write, 403, 'AccessDenied');
    expect(await stored(`/${UPLOADS}slash.txt`)).toBeUndefined();
    await expectGlobexUntouched(etag);
    await expectStillServing();
  });

  it.each([
    'tenants/acme/../globex/README.txt',
    'tenants/acme/%2e%2e/globex/README.txt',
    'tenants/acme/%2E%2E%2Fglobex%2FREADME.txt',
    'tenants/acme//../globex/README.txt',
    'tenants/acme//globex/README.txt',
    'tenants/acme/.\\..\\globex\\README.txt',
    `${UPLOADS}..%2F..%2F..%2Fglobex%2FREADME.txt`,
  ])(
    "answers a GET of %s as acme's own missing key (404 NoSuchKey), never with globex's bytes",
    async (key) => {
      const response = await getSigned(key);

      expectS3Error(response, 404, 'NoSuchKey');
      expect(await leaksGlobex(response)).toBe(false);
      await expectStillServing();
    },
  );

  it.each([
    'tenants/globex/README.txt',
    'tenants/globex/./README.txt',
    'tenants/globex//README.txt',
    'tenants/acme-x/../globex/README.txt',
    'tenants/globex/../acme/README.txt',
  ])(
    "refuses acme a GET of %s, outside its prefix, with 403 AccessDenied and none of globex's bytes",
    async (key) => {
      const response = await getSigned(key);

      expectS3Error(response, 403, 'AccessDenied');
      expect(await leaksGlobex(response)).toBe(false);
      await expectStillServing();
    },
  );

  expectRefusals([
    {
      name: 'a key of 1025 bytes',
      send: () => putSigned(path(`${UPLOADS}${'k'.repeat(1025 - UPLOADS.length)}`), 'long'),
      status: 400,
      code: 'KeyTooLongError',
      writesNothingAt: `${UPLOADS}${'k'.repeat(1025 - UPLOADS.length)}`,
    },
  ]);
});

describe('the S3 endpoint, on malformed requests', () => {
  expectRefusals([
    {
      name: 'a header section of 10 KiB',
      send: async () =>
        send(
          await signed({
            method: 'GET',
            path: path(ACME_README),
            headers: { 'x-amz-meta-pad': 'p'.repeat(10240) },
          }),
        ),
      status: 400,
      code: 'RequestHeaderSectionTooLarge',
    },
    {
      name: "a header of 100 KiB, above node's own limit",
      send: () =>
        send({ method: 'GET', target: path(ACME_README), headers: { 'x-pad': 'p'.repeat(102400) } }),
      status: 400,
      code: 'RequestHeaderSectionTooLarge',
    },
    {
      name: 'a malformed percent-escape in the path',
      send: () => send({ method: 'GET', target: path('tenants/acme/%zz'), headers: {} }),
      status: 400,
      code: 'InvalidURI',
    },
  ]);

  it("gives a request node itself cannot parse S3's request ids too, the body's matching the header", async () => {
    const response = await send({
      method: 'GET',
      target: path(ACME_README),
      headers: { 'x-pad': 'p'.repeat(102400) },
    });
    const requestId = String(response.headers['x-amz-request-id']);

    expect(requestId).toMatch(/^[0-9A-F]{16}$/);
    expect(response.body.toString()).toContain(`<RequestId>${requestId}</RequestId>`);
    expect(response.headers['x-amz-id-2']).toBeTruthy();
  });

  it('answers an operation S3 has but the emulator does not with 501 NotImplemented, and keeps serving', async () => {
    const response = await send(
      await signed({ method: 'GET', path: path(ACME_README), query: { torrent: '' } }),
    );

    expect({ status: response.status, code: response.code }).toEqual({ status: 501, code: 'NotImplemented' });
    expect(response.headers['content-type']).toBe('application/xml');
    await expectStillServing();
  });
});

describe('the S3 endpoint, on malformed aws-chunked bodies', () => {
  const payload = Buffer.from('twenty-one bytes here');
  const chunked = (key: string, decodedLength?: number) =>
    signedChunkedUpload(endpoint(), acme, path(key), payload, decodedLength);
  /** The trailer line of `data`'s CRC32, computed here rather than by the emulator's own checksum code. */
  const crc32 = (data: Buffer) => {
    const raw = Buffer.alloc(4);
    raw.writeUInt32BE(crc32Of(data));
    return `x-amz-checksum-crc32:${raw.toString('base64')}`;
  };

  it('stores a well-formed signed chunked upload and an unsigned one with a matching trailer (the controls)', async () => {
    const signedUpload = await chunked(`${UPLOADS}chunked-ok.txt`);
    const trailed = await unsignedTrailerUpload(
      endpoint(),
      acme,
      path(`${UPLOADS}trailer-ok.txt`),
      payload,
      crc32(payload),
    );

    expect((await send(signedUpload.request)).status).toBe(200);
    expect((await send(trailed)).status).toBe(200);
    expect(await stored(`${UPLOADS}chunked-ok.txt`)).toEqual(payload);
    expect(await stored(`${UPLOADS}trailer-ok.txt`)).toEqual(payload);
  });

  /** A signed chunked upload to `key`, its body tampered with by `tamper`. */
  const tampered =
    (key: string, tamper: (upload: Awaited<ReturnType<typeof chunked>>) => Buffer) => async () => {
      const upload = await chunked(key);
      return send(withBody(upload.request, tamper(upload)));
    };

  expectRefusals([
    {
      name: 'a chunk whose signature is wrong',
      send: tampered(`${UPLOADS}bad-chunk-signature.txt`, (upload) =>
        replaceInBody(upload.request.body, upload.chunkSignature, flipHexDigit(upload.chunkSignature)),
      ),
      status: 403,
      code: 'SignatureDoesNotMatch',
      writesNothingAt: `${UPLOADS}bad-chunk-signature.txt`,
    },
    {
      name: 'a chunk size that is not hex',
      send: tampered(`${UPLOADS}bad-hex.txt`, (upload) =>
        replaceInBody(
          upload.request.body,
          upload.chunkHeader,
          upload.chunkHeader.replace(/^[0-9a-f]+/, 'zz'),
        ),
      ),
      status: 400,
      code: 'IncompleteBody',
      writesNothingAt: `${UPLOADS}bad-hex.txt`,
    },
    {
      name: 'a body cut off inside its first chunk',
      send: tampered(`${UPLOADS}truncated.txt`, (upload) =>
        (upload.request.body ?? Buffer.alloc(0)).subarray(0, upload.chunkHeader.length + 2 + 5),
      ),
      status: 400,
      code: 'IncompleteBody',
      writesNothingAt: `${UPLOADS}truncated.txt`,
    },
    {
      name: 'a decoded length one more than the chunks hold',
      send: async () => send((await chunked(`${UPLOADS}length-mismatch.txt`, payload.length + 1)).request),
      status: 400,
      code: 'IncompleteBody',
      writesNothingAt: `${UPLOADS}length-mismatch.txt`,
    },
    {
      name: 'a chunk size of ffffffffffff',
      send: tampered(`${UPLOADS}huge-chunk.txt`, (upload) =>
        replaceInBody(
          upload.request.body,
          upload.chunkHeader,
          upload.chunkHeader.replace(/^[0-9a-f]+/, 'ffffffffffff'),
        ),
      ),
      status: 400,
      code: 'IncompleteBody',
      writesNothingAt: `${UPLOADS}huge-chunk.txt`,
    },
    {
      name: 'bytes after the final chunk',
      send: tampered(`${UPLOADS}extra-bytes.txt`, (upload) =>
        Buffer.concat([upload.request.body ?? Buffer.alloc(0), Buffer.from('extra')]),
      ),
      status: 400,
      code: 'IncompleteBody',
      writesNothingAt: `${UPLOADS}extra-bytes.txt`,
    },
    {
      name: 'an unsigned trailer whose checksum does not match the payload',
      send: async () =>
        send(
          await unsignedTrailerUpload(
            endpoint(),
            acme,
            path(`${UPLOADS}bad-trailer.txt`),
            payload,
            crc32(Buffer.from('something else')),
          ),
        ),
      status: 400,
      code: 'BadDigest',
      writesNothingAt: `${UPLOADS}bad-trailer.txt`,
    },
    {
      name: 'a declared trailer that never comes',
      send: async () =>
        send(
          await unsignedTrailerUpload(endpoint(), acme, path(`${UPLOADS}no-trailer.txt`), payload, undefined),
        ),
      status: 400,
      code: 'MalformedTrailerError',
      writesNothingAt: `${UPLOADS}no-trailer.txt`,
    },
  ]);
});

describe('the S3 endpoint, on huge or broken declared lengths', () => {
  const head = (key: string, headers: Record<string, string>): string =>
    `PUT ${path(key)} HTTP/1.1\r\nHost: ${new URL(endpoint()).host}\r\n` +
    `${Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;

  expectRefusals([
    {
      name: 'a Content-Length of 100000000000, before reading any body',
      send: () =>
        sendOverSocket(endpoint(), head(`${UPLOADS}huge.txt`, { 'Content-Length': '100000000000' })),
      status: 400,
      code: 'EntityTooLarge',
      writesNothingAt: `${UPLOADS}huge.txt`,
    },
    {
      name: 'an x-amz-decoded-content-length above the largest object',
      send: async () => {
        const upload = await signedChunkedUpload(
          endpoint(),
          acme,
          path(`${UPLOADS}decoded-huge.txt`),
          Buffer.from('small'),
          sandbox().s3.store.maxObjectBytes + 1,
        );
        return send(upload.request);
      },
      status: 400,
      code: 'EntityTooLarge',
      writesNothingAt: `${UPLOADS}decoded-huge.txt`,
    },
    {
      name: 'a Content-Length that is not a number',
      send: () => sendOverSocket(endpoint(), head(`${UPLOADS}nan.txt`, { 'Content-Length': 'twelve' })),
      status: 400,
      code: 'BadRequest',
      writesNothingAt: `${UPLOADS}nan.txt`,
    },
  ]);

  it('closes the connection after refusing a Content-Length of 100000000000', async () => {
    const response = await sendOverSocket(
      endpoint(),
      head(`${UPLOADS}huge.txt`, { 'Content-Length': '100000000000', Connection: 'keep-alive' }),
    );

    expectS3Error(response, 400, 'EntityTooLarge');
    expect(response.closedByServer).toBe(true);
  });
});

describe("the S3 endpoint, on acme's copies and deletes that name globex's objects", () => {
  it.each([
    ['a plain copy source', `/${BUCKET}/${GLOBEX_README}`],
    ['a copy source without its leading slash', `${BUCKET}/${GLOBEX_README}`],
    ['an escaped copy source', `/${BUCKET}/tenants%2Fglobex%2FREADME.txt`],
    ['a copy source with `./` in it', `/${BUCKET}/tenants/globex/./README.txt`],
  ])("refuses CopyObject from %s into acme's uploads with 403 AccessDenied", async (_, source) => {
    const key = `${UPLOADS}copied.txt`;

    const response = await send(
      await signed({ method: 'PUT', path: path(key), headers: { 'x-amz-copy-source': source } }),
    );

    expectS3Error(response, 403, 'AccessDenied');
    expect(await stored(key)).toBeUndefined();
    await expectStillServing();
  });

  it("refuses UploadPartCopy from globex's README into acme's own upload with 403 AccessDenied", async () => {
    const key = `${UPLOADS}multipart-copy.txt`;
    const created = await send(await signed({ method: 'POST', path: path(key), query: { uploads: '' } }));
    const uploadId = xmlElement(created.body, 'UploadId') ?? '';
    expect(created.status).toBe(200);

    const response = await send(
      await signed({
        method: 'PUT',
        path: path(key),
        query: { partNumber: '1', uploadId },
        headers: { 'x-amz-copy-source': `/${BUCKET}/${GLOBEX_README}` },
      }),
    );

    expectS3Error(response, 403, 'AccessDenied');
    expect(sandbox().s3.store.upload(uploadId)?.parts.size).toBe(0);
    await expectStillServing();
  });

  it("answers DeleteObjects naming globex's README with an AccessDenied entry for it, and deletes only acme's key", async () => {
    const own = `${UPLOADS}to-delete.txt`;
    expect((await putSigned(path(own), 'mine')).status).toBe(200);
    const xml =
      `<Delete><Object><Key>${GLOBEX_README}</Key></Object>` +
      `<Object><Key>${UPLOADS}../../globex/reports/2026-q3.csv</Key></Object>` +
      `<Object><Key>${own}</Key></Object></Delete>`;

    const response = await send(
      await signed({
        method: 'POST',
        path: `/${BUCKET}`,
        query: { delete: '' },
        headers: { 'content-md5': createHash('md5').update(xml).digest('base64') },
        body: xml,
      }),
    );

    expect(response.status).toBe(200);
    const errors = [...response.body.toString().matchAll(/<Error><Key>([^<]*)<\/Key><Code>([^<]*)<\/Code>/g)];
    expect(errors.map(([, key, code]) => [key, code])).toEqual([[GLOBEX_README, 'AccessDenied']]);
    expect(await stored(own)).toBeUndefined();
    expect(await stored(GLOBEX_README)).toEqual(seeded(GLOBEX_README));
    await expectStillServing();
  });
});

describe("globex's data, after all of the above", () => {
  it('holds exactly the objects the sandbox seeded under tenants/globex/, byte for byte', async () => {
    const store = sandbox().s3.store;
    const held = await Promise.all(
      [...store.list(BUCKET, 'tenants/globex/')].map(async (info) => [info.key, await store.read(info)]),
    );
    const expected = DEMO_OBJECTS.filter((object) => object.key.startsWith('tenants/globex/')).map(
      (object) => [object.key, Buffer.from(object.text, 'utf8')],
    );

    expect(held).toEqual(expected);
  });
});
