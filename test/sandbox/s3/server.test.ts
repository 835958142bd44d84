/**
 * The S3 front's HTTP layer: CORS preflight and response headers for the sandbox's origins, request ids on every
 * answer, HEAD errors without a body, and refusals that happen before a body is read.
 */
import { createLocalAccount, vendFunctionCredentials } from '../../../sandbox/account/local-account';
import { createObjectStore } from '../../../sandbox/s3/object-store';
import { type S3Emulator, startS3Emulator } from '../../../sandbox/s3/server';

const BUCKET = 'credvend-local-data';
let s3: S3Emulator;

beforeAll(async () => {
  const account = createLocalAccount({
    dataBuckets: [BUCKET],
    functionCredentials: vendFunctionCredentials(),
  });
  s3 = await startS3Emulator({ account, store: createObjectStore({ buckets: [BUCKET] }) });
});
afterAll(() => s3.close());

const preflight = (origin: string, method: string, headers = 'content-type,x-amz-date') =>
  fetch(`${s3.url}/${BUCKET}/tenants/acme/uploads/a.txt`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

describe('startS3Emulator', () => {
  it('answers a preflight from a sandbox origin with the allowed methods and the asked-for headers', async () => {
    const response = await preflight('http://localhost:5173', 'PUT');

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-date');
    expect(response.headers.get('access-control-expose-headers')).toContain('ETag');
  });

  it('refuses a preflight from another origin, or without one, as S3 does', async () => {
    const foreign = await preflight('https://evil.example', 'GET');
    const bare = await fetch(`${s3.url}/${BUCKET}/a`, { method: 'OPTIONS' });

    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain('<Code>AccessForbidden</Code>');
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain('Insufficient information. Origin request header needed.');
  });

  it('puts CORS headers on actual answers for a sandbox origin, errors included, and none for others', async () => {
    const own = await fetch(`${s3.url}/${BUCKET}/tenants/acme/a.txt`, {
      headers: { origin: 'http://127.0.0.1:8080' },
    });
    const foreign = await fetch(`${s3.url}/${BUCKET}/tenants/acme/a.txt`, {
      headers: { origin: 'https://evil.example' },
    });

    expect(own.status).toBe(403);
    expect(own.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gives every answer a request id that its error body repeats, and HEAD errors no body', async () => {
    const get = await fetch(`${s3.url}/${BUCKET}/tenants/acme/a.txt`);
    const head = await fetch(`${s3.url}/${BUCKET}/tenants/acme/a.txt`, { method: 'HEAD' });
    const requestId = get.headers.get('x-amz-request-id') ?? 'missing';

    expect(requestId).toMatch(/^[0-9A-F]{16}$/);
    expect(await get.text()).toContain(`<RequestId>${requestId}</RequestId>`);
    expect([head.status, await head.text()]).toEqual([403, '']);
    expect(head.headers.get('x-amz-id-2')).toBeTruthy();
  });

  it('refuses a declared length above the bound before reading the body, and closes the connection', async () => {
    const response = await fetch(`${s3.url}/${BUCKET}/tenants/acme/uploads/big`, {
      method: 'PUT',
      headers: { 'x-amz-decoded-content-length': String(s3.store.maxObjectBytes + 1) },
      body: 'x',
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>EntityTooLarge</Code>');
    expect(response.headers.get('connection')).toBe('close');
  });

  it('answers an unknown bucket with NoSuchBucket, even for a preflight', async () => {
    const response = await preflight('http://localhost:3000', 'GET');
    const missing = await fetch(`${s3.url}/no-such-bucket/x`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' },
    });

    expect(response.status).toBe(200);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<Code>NoSuchBucket</Code>');
  });
});
