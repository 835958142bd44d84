/** The S3 operations: routing, the IAM request each makes first, and S3's answers for objects and buckets. */
import { createHash } from 'node:crypto';
import { checksumOf } from '../../../sandbox/s3/checksums';
import { identifyOperation } from '../../../sandbox/s3/operations';
import {
  BUCKET,
  type CallSpec,
  element,
  FakeAuthorizer,
  putText,
  run,
  s3Call,
  testStore,
  text,
} from './s3-call';

const ARN = `arn:aws:s3:::${BUCKET}`;
const md5Base64 = (body: string) => createHash('md5').update(body).digest('base64');

describe('identifyOperation', () => {
  it.each<[CallSpec, string]>([
    [{ method: 'GET', bucket: '' }, 'ListBuckets'],
    [{ method: 'GET', query: { 'list-type': '2', prefix: 'a' } }, 'ListObjectsV2'],
    [{ method: 'GET' }, 'ListObjects'],
    [{ method: 'GET', query: { location: '' } }, 'GetBucketLocation'],
    [{ method: 'HEAD' }, 'HeadBucket'],
    [{ method: 'POST', query: { delete: '' } }, 'DeleteObjects'],
    [{ method: 'GET', query: { acl: '' } }, 'GetBucketAcl'],
    [{ method: 'PUT', query: { versioning: '' } }, 'PutBucketVersioning'],
    [{ method: 'PUT' }, 'CreateBucket'],
    [{ method: 'DELETE' }, 'DeleteBucket'],
    [{ method: 'GET', query: { uploads: '' } }, 'ListMultipartUploads'],
    [{ method: 'GET', key: 'k', query: { 'x-id': 'GetObject' } }, 'GetObject'],
    [{ method: 'HEAD', key: 'k' }, 'HeadObject'],
    [{ method: 'PUT', key: 'k' }, 'PutObject'],
    [{ method: 'PUT', key: 'k', headers: { 'x-amz-copy-source': '/b/s' } }, 'CopyObject'],
    [{ method: 'PUT', key: 'k', query: { acl: '' } }, 'PutObjectAcl'],
    [{ method: 'GET', key: 'k', query: { tagging: '' } }, 'GetObjectTagging'],
    [{ method: 'GET', key: 'k', query: { attributes: '' } }, 'GetObjectAttributes'],
    [{ method: 'DELETE', key: 'k' }, 'DeleteObject'],
    [{ method: 'POST', key: 'k', query: { uploads: '' } }, 'CreateMultipartUpload'],
    [{ method: 'PUT', key: 'k', query: { partNumber: '1', uploadId: 'u' } }, 'UploadPart'],
    [
      {
        method: 'PUT',
        key: 'k',
        query: { partNumber: '1', uploadId: 'u' },
        headers: { 'x-amz-copy-source': 'b/s' },
      },
      'UploadPartCopy',
    ],
    [{ method: 'POST', key: 'k', query: { uploadId: 'u' } }, 'CompleteMultipartUpload'],
    [{ method: 'DELETE', key: 'k', query: { uploadId: 'u' } }, 'AbortMultipartUpload'],
    [{ method: 'GET', key: 'k', query: { uploadId: 'u' } }, 'ListParts'],
    [{ method: 'POST', key: 'k', query: { restore: '' } }, 'RestoreObject'],
  ])('names %j %s', (spec, name) => {
    expect(identifyOperation(s3Call(spec))).toBe(name);
  });
});

describe('runS3Call: before any operation', () => {
  it('answers 501 NotImplemented naming the operation, before authorization', async () => {
    const authorizer = new FakeAuthorizer();
    const response = await run(testStore(), { method: 'PUT', key: 'k', query: { acl: '' } }, authorizer);
    expect(response.status).toBe(501);
    expect(element(response, 'Code')).toBe('NotImplemented');
    expect(element(response, 'Message')).toBe('PutObjectAcl is not implemented by the credvend S3 emulator.');
    expect(authorizer.requests).toEqual([]);
  });

  it('answers 404 NoSuchBucket before authorization, and 400 InvalidBucketName for a name S3 refuses', async () => {
    const authorizer = new FakeAuthorizer();
    const missing = await run(testStore(), { method: 'GET', bucket: 'no-such-bucket', key: 'k' }, authorizer);
    expect(missing.status).toBe(404);
    expect(element(missing, 'Code')).toBe('NoSuchBucket');
    expect(element(missing, 'BucketName')).toBe('no-such-bucket');
    const invalid = await run(testStore(), { method: 'GET', bucket: 'Bad_Name', key: 'k' }, authorizer);
    expect(invalid.status).toBe(400);
    expect(element(invalid, 'Code')).toBe('InvalidBucketName');
    expect(authorizer.requests).toEqual([]);
  });

  it('answers 400 KeyTooLongError above 1024 UTF-8 bytes', async () => {
    const response = await run(testStore(), { method: 'PUT', key: 'é'.repeat(513), payload: 'x' });
    expect(response.status).toBe(400);
    expect(element(response, 'Code')).toBe('KeyTooLongError');
  });

  it('puts the request id and a host id on every answer, and no body on a HEAD error', async () => {
    const ok = await run(testStore(), { method: 'GET', bucket: '' });
    expect(ok.headers).toMatchObject({
      'x-amz-request-id': 'REQUEST0000000001',
      'content-type': 'application/xml',
    });
    expect(ok.headers?.['x-amz-id-2']).toEqual(expect.any(String));
    const head = await run(testStore(), { method: 'HEAD', bucket: 'no-such-bucket', key: 'k' });
    expect(head.status).toBe(404);
    expect(head.body).toBeUndefined();
    expect(head.headers?.['x-amz-request-id']).toBe('REQUEST0000000001');
  });
});

describe('bucket operations', () => {
  it('ListBuckets authorizes s3:ListAllMyBuckets on * and lists every bucket', async () => {
    const authorizer = new FakeAuthorizer();
    const response = await run(testStore(), { method: 'GET', bucket: '' }, authorizer);
    expect(authorizer.requests).toEqual([{ action: 's3:ListAllMyBuckets', resource: '*' }]);
    expect(text(response)).toContain(`<Name>${BUCKET}</Name>`);
    expect(text(response)).toContain('<Name>other-bucket</Name>');
  });

  it('GetBucketLocation authorizes s3:GetBucketLocation and answers the region', async () => {
    const authorizer = new FakeAuthorizer();
    const response = await run(testStore(), { method: 'GET', query: { location: '' } }, authorizer);
    expect(authorizer.requests).toEqual([{ action: 's3:GetBucketLocation', resource: ARN }]);
    expect(text(response)).toContain('>eu-west-1</LocationConstraint>');
  });

  it('HeadBucket authorizes s3:ListBucket without a prefix and answers x-amz-bucket-region', async () => {
    const authorizer = new FakeAuthorizer();
    const response = await run(testStore(), { method: 'HEAD' }, authorizer);
    expect(authorizer.requests).toEqual([{ action: 's3:ListBucket', resource: ARN }]);
    expect(response.status).toBe(200);
    expect(response.headers?.['x-amz-bucket-region']).toBe('eu-west-1');
  });

  it('answers 403 AccessDenied when the caller may not', async () => {
    const response = await run(testStore(), { method: 'HEAD' }, new FakeAuthorizer([]));
    expect(response.status).toBe(403);
    expect(response.body).toBeUndefined();
  });
});

describe('PutObject', () => {
  it('authorizes s3:PutObject on the literal key and answers the MD5 ETag', async () => {
    const authorizer = new FakeAuthorizer();
    const response = await run(
      testStore(),
      { method: 'PUT', key: '../../etc/passwd', payload: 'hello world' },
      authorizer,
    );
    expect(authorizer.requests).toEqual([{ action: 's3:PutObject', resource: `${ARN}/../../etc/passwd` }]);
    expect(response.status).toBe(200);
    expect(response.headers?.etag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
  });

  it('keeps content type (default binary/octet-stream), system headers and user metadata, dropping aws-chunked', async () => {
    const store = testStore();
    await putText(store, 'plain', 'x');
    await putText(store, 'rich', 'x', {
      'content-type': 'text/csv',
      'content-encoding': 'aws-chunked,gzip',
      'cache-control': 'no-cache',
      'x-amz-meta-owner': 'acme',
    });
    const plain = await run(store, { method: 'HEAD', key: 'plain' });
    expect(plain.headers?.['content-type']).toBe('binary/octet-stream');
    expect(plain.headers?.['content-encoding']).toBeUndefined();
    const rich = await run(store, { method: 'HEAD', key: 'rich' });
    expect(rich.headers).toMatchObject({
      'content-type': 'text/csv',
      'content-encoding': 'gzip',
      'cache-control': 'no-cache',
      'x-amz-meta-owner': 'acme',
      'content-length': '1',
      'accept-ranges': 'bytes',
    });
  });

  it('answers BadDigest for a wrong Content-MD5 and InvalidDigest for a malformed one', async () => {
    const bad = await run(testStore(), {
      method: 'PUT',
      key: 'k',
      payload: 'a',
      headers: { 'content-md5': md5Base64('b') },
    });
    expect(bad.status).toBe(400);
    expect(element(bad, 'Code')).toBe('BadDigest');
    const malformed = await run(testStore(), {
      method: 'PUT',
      key: 'k',
      payload: 'a',
      headers: { 'content-md5': 'zz' },
    });
    expect(element(malformed, 'Code')).toBe('InvalidDigest');
  });

  it('verifies a checksum sent in a trailer, keeps it, and returns it', async () => {
    const store = testStore();
    const value = await checksumOf('CRC32C', Buffer.from('hello'));
    const put = await run(store, {
      method: 'PUT',
      key: 'k',
      payload: 'hello',
      headers: { 'x-amz-sdk-checksum-algorithm': 'CRC32C', 'x-amz-trailer': 'x-amz-checksum-crc32c' },
      trailers: { 'x-amz-checksum-crc32c': value },
    });
    expect(put.headers?.['x-amz-checksum-crc32c']).toBe(value);
    const head = await run(store, {
      method: 'HEAD',
      key: 'k',
      headers: { 'x-amz-checksum-mode': 'ENABLED' },
    });
    expect(head.headers).toMatchObject({
      'x-amz-checksum-crc32c': value,
      'x-amz-checksum-type': 'FULL_OBJECT',
    });
  });

  const crc32Of = (text: string): Promise<string> => checksumOf('CRC32', Buffer.from(text));
  it.each([
    ['a wrong checksum', async () => ({ 'x-amz-checksum-crc32': await crc32Of('other') }), 'BadDigest'],
    ['a malformed checksum', async () => ({ 'x-amz-checksum-crc32': 'nope' }), 'InvalidRequest'],
    [
      'two checksums',
      async () => ({ 'x-amz-checksum-crc32': await crc32Of('hello'), 'x-amz-checksum-sha1': 'x' }),
      'InvalidRequest',
    ],
    [
      'an algorithm other than the one sent',
      async () => ({
        'x-amz-sdk-checksum-algorithm': 'SHA256',
        'x-amz-checksum-crc32': await crc32Of('hello'),
      }),
      'InvalidRequest',
    ],
  ])('refuses %s', async (_what, headersOf, code) => {
    const headers: Record<string, string> = await headersOf();
    const response = await run(testStore(), { method: 'PUT', key: 'k', payload: 'hello', headers });
    expect(response.status).toBe(400);
    expect(element(response, 'Code')).toBe(code);
  });

  it('answers 412 PreconditionFailed to If-None-Match: * when the key exists', async () => {
    const store = testStore();
    const spec: CallSpec = { method: 'PUT', key: 'once', payload: 'a', headers: { 'if-none-match': '*' } };
    expect((await run(store, spec)).status).toBe(200);
    const second = await run(store, spec);
    expect(second.status).toBe(412);
    expect(element(second, 'Code')).toBe('PreconditionFailed');
  });
});

describe('GetObject and HeadObject', () => {
  it('authorizes s3:GetObject and answers body, ETag, Last-Modified and metadata', async () => {
    const store = testStore();
    await putText(store, 'k', 'hello world', { 'x-amz-meta-a': 'b' });
    const authorizer = new FakeAuthorizer();
    const response = await run(store, { method: 'GET', key: 'k' }, authorizer);
    expect(authorizer.requests).toEqual([{ action: 's3:GetObject', resource: `${ARN}/k` }]);
    expect(response.status).toBe(200);
    expect(text(response)).toBe('hello world');
    expect(response.headers).toMatchObject({
      etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
      'x-amz-meta-a': 'b',
    });
    expect(response.headers?.['last-modified']).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it('answers 404 NoSuchKey for a missing key to a caller who may list it, asking with the key as s3:prefix', async () => {
    const authorizer = new FakeAuthorizer([
      { action: 's3:GetObject', resource: `${ARN}/tenants/acme/*` },
      { action: 's3:ListBucket', resource: ARN, prefix: 'tenants/acme/*' },
    ]);
    const response = await run(testStore(), { method: 'GET', key: 'tenants/acme/missing' }, authorizer);
    expect(response.status).toBe(404);
    expect(element(response, 'Code')).toBe('NoSuchKey');
    expect(authorizer.requests[1]).toEqual({
      action: 's3:ListBucket',
      resource: ARN,
      context: { 's3:prefix': 'tenants/acme/missing' },
    });
  });

  it('answers 403 AccessDenied for a missing key to a caller who may read but not list', async () => {
    const authorizer = new FakeAuthorizer([{ action: 's3:GetObject', resource: `${ARN}/tenants/globex/*` }]);
    const response = await run(testStore(), { method: 'GET', key: 'tenants/globex/missing' }, authorizer);
    expect(response.status).toBe(403);
    expect(element(response, 'Code')).toBe('AccessDenied');
  });

  it('answers 403 AccessDenied for an existing key the caller may not read, the same as for a missing one', async () => {
    const store = testStore();
    await putText(store, 'tenants/acme/secret', 's');
    const denied = await run(store, { method: 'GET', key: 'tenants/acme/secret' }, new FakeAuthorizer([]));
    const missing = await run(store, { method: 'GET', key: 'tenants/acme/none' }, new FakeAuthorizer([]));
    expect(denied.status).toBe(403);
    expect(text(denied)).toBe(text(missing));
  });

  it.each([
    ['bytes=0-4', 206, 'hello', 'bytes 0-4/11'],
    ['bytes=6-', 206, 'world', 'bytes 6-10/11'],
    ['bytes=-5', 206, 'world', 'bytes 6-10/11'],
    ['bytes=6-100', 206, 'world', 'bytes 6-10/11'],
    ['bytes=0-1,4-5', 200, 'hello world', undefined],
    ['lines=0-1', 200, 'hello world', undefined],
  ])('serves Range %s as %i', async (range, status, body, contentRange) => {
    const store = testStore();
    await putText(store, 'k', 'hello world');
    const response = await run(store, { method: 'GET', key: 'k', headers: { range } });
    expect(response.status).toBe(status);
    expect(text(response)).toBe(body);
    expect(response.headers?.['content-range']).toBe(contentRange);
  });

  it('answers 416 InvalidRange with the object size for a range past the end', async () => {
    const store = testStore();
    await putText(store, 'k', 'hello world');
    const response = await run(store, { method: 'GET', key: 'k', headers: { range: 'bytes=11-' } });
    expect(response.status).toBe(416);
    expect(element(response, 'Code')).toBe('InvalidRange');
    expect(element(response, 'ActualObjectSize')).toBe('11');
    expect(element(response, 'RangeRequested')).toBe('bytes=11-');
  });

  it('answers 304 and 412 to conditional requests as S3', async () => {
    const store = testStore();
    await putText(store, 'k', 'hello world');
    const etag = '"5eb63bbbe01eeed093cb22bb8f5acdc3"';
    const get = (headers: Record<string, string>) => run(store, { method: 'GET', key: 'k', headers });
    expect((await get({ 'if-none-match': etag })).status).toBe(304);
    expect((await get({ 'if-match': etag })).status).toBe(200);
    const failed = await get({ 'if-match': '"other"' });
    expect(failed.status).toBe(412);
    expect(element(failed, 'Condition')).toBe('If-Match');
    expect((await get({ 'if-modified-since': new Date(Date.now() + 60_000).toUTCString() })).status).toBe(
      304,
    );
    expect((await get({ 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status).toBe(412);
    // If-Match wins over a failing If-Unmodified-Since.
    expect(
      (await get({ 'if-match': etag, 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status,
    ).toBe(200);
  });

  it('returns checksums with x-amz-checksum-mode only for whole-object answers', async () => {
    const store = testStore();
    const value = await checksumOf('SHA256', Buffer.from('hello world'));
    await putText(store, 'k', 'hello world', { 'x-amz-checksum-sha256': value });
    const whole = await run(store, {
      method: 'GET',
      key: 'k',
      headers: { 'x-amz-checksum-mode': 'ENABLED' },
    });
    expect(whole.headers?.['x-amz-checksum-sha256']).toBe(value);
    const ranged = await run(store, {
      method: 'GET',
      key: 'k',
      headers: { 'x-amz-checksum-mode': 'ENABLED', range: 'bytes=0-1' },
    });
    expect(ranged.headers?.['x-amz-checksum-sha256']).toBeUndefined();
    const without = await run(store, { method: 'GET', key: 'k' });
    expect(without.headers?.['x-amz-checksum-sha256']).toBeUndefined();
  });

  it('overrides headers with response-* query parameters', async () => {
    const store = testStore();
    await putText(store, 'k', 'x', { 'content-type': 'text/plain' });
    const response = await run(store, {
      method: 'GET',
      key: 'k',
      query: { 'response-content-type': 'application/json', 'response-content-disposition': 'attachment' },
    });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      'content-disposition': 'attachment',
    });
  });

  it('asks s3:GetObjectVersion for a versionId and answers NoSuchVersion, versioning not being emulated', async () => {
    const store = testStore();
    await putText(store, 'k', 'x');
    const authorizer = new FakeAuthorizer();
    const response = await run(store, { method: 'GET', key: 'k', query: { versionId: 'v1' } }, authorizer);
    expect(authorizer.requests).toEqual([{ action: 's3:GetObjectVersion', resource: `${ARN}/k` }]);
    expect(response.status).toBe(404);
    expect(element(response, 'Code')).toBe('NoSuchVersion');
    expect((await run(store, { method: 'GET', key: 'k', query: { versionId: 'null' } })).status).toBe(200);
  });
});

describe('CopyObject', () => {
  const copy = (source: string, headers: Record<string, string> = {}): CallSpec => ({
    method: 'PUT',
    key: 'copy',
    headers: { 'x-amz-copy-source': source, ...headers },
  });

  it('authorizes s3:PutObject on the target and s3:GetObject on the URL-decoded source', async () => {
    const store = testStore();
    await putText(store, 'dir/a b+c', 'hello world', { 'x-amz-meta-k': 'v' });
    const authorizer = new FakeAuthorizer();
    const response = await run(store, copy(`/${BUCKET}/dir/a%20b%2Bc`), authorizer);
    expect(authorizer.actions()).toEqual([`s3:PutObject ${ARN}/copy`, `s3:GetObject ${ARN}/dir/a b+c`]);
    expect(response.status).toBe(200);
    expect(text(response)).toContain('<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">');
    expect(element(response, 'ETag')).toBe('&quot;5eb63bbbe01eeed093cb22bb8f5acdc3&quot;');
    expect((await run(store, { method: 'HEAD', key: 'copy' })).headers?.['x-amz-meta-k']).toBe('v');
  });

  it('replaces metadata with REPLACE and refuses a copy onto itself without it', async () => {
    const store = testStore();
    await putText(store, 'k', 'x', { 'x-amz-meta-old': '1' });
    const self = await run(store, { ...copy(`${BUCKET}/k`), key: 'k' });
    expect(self.status).toBe(400);
    expect(element(self, 'Code')).toBe('InvalidRequest');
    expect(element(self, 'Message')).toContain('trying to copy an object to itself');
    const replaced = await run(store, {
      ...copy(`${BUCKET}/k`, { 'x-amz-metadata-directive': 'REPLACE', 'x-amz-meta-new': '2' }),
      key: 'k',
    });
    expect(replaced.status).toBe(200);
    const head = await run(store, { method: 'HEAD', key: 'k' });
    expect(head.headers?.['x-amz-meta-new']).toBe('2');
    expect(head.headers?.['x-amz-meta-old']).toBeUndefined();
  });

  it('answers a missing source as GetObject would: NoSuchKey to a lister, AccessDenied otherwise', async () => {
    const lister = new FakeAuthorizer([
      { action: 's3:PutObject', resource: `${ARN}/*` },
      { action: 's3:GetObject', resource: `${ARN}/*` },
      { action: 's3:ListBucket', resource: ARN },
    ]);
    expect(element(await run(testStore(), copy(`${BUCKET}/none`), lister), 'Code')).toBe('NoSuchKey');
    const reader = new FakeAuthorizer([
      { action: 's3:PutObject', resource: `${ARN}/*` },
      { action: 's3:GetObject', resource: `${ARN}/*` },
    ]);
    expect(element(await run(testStore(), copy(`${BUCKET}/none`), reader), 'Code')).toBe('AccessDenied');
  });

  it('answers AccessDenied when the source may not be read', async () => {
    const store = testStore();
    await putText(store, 'k', 'x');
    const authorizer = new FakeAuthorizer([{ action: 's3:PutObject', resource: `${ARN}/*` }]);
    expect((await run(store, copy(`${BUCKET}/k`), authorizer)).status).toBe(403);
    expect(store.head(BUCKET, 'copy')).toBeUndefined();
  });
});

describe('DeleteObject and DeleteObjects', () => {
  it('DeleteObject authorizes s3:DeleteObject and answers 204 whether or not the key existed', async () => {
    const store = testStore();
    await putText(store, 'k', 'x');
    const authorizer = new FakeAuthorizer();
    expect((await run(store, { method: 'DELETE', key: 'k' }, authorizer)).status).toBe(204);
    expect((await run(store, { method: 'DELETE', key: 'k' }, authorizer)).status).toBe(204);
    expect(authorizer.requests[0]).toEqual({ action: 's3:DeleteObject', resource: `${ARN}/k` });
    expect(store.head(BUCKET, 'k')).toBeUndefined();
  });

  const deleteBody = (keys: string[], quiet = false) =>
    `<Delete>${quiet ? '<Quiet>true</Quiet>' : ''}${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;

  it('DeleteObjects refuses a request without Content-MD5 or a checksum, as S3 words it', async () => {
    const response = await run(testStore(), {
      method: 'POST',
      query: { delete: '' },
      payload: deleteBody(['a']),
    });
    expect(response.status).toBe(400);
    expect(element(response, 'Code')).toBe('InvalidRequest');
    expect(element(response, 'Message')).toBe('Missing required header for this request: Content-Md5');
  });

  it('DeleteObjects authorizes each key, reporting a denied key as an AccessDenied entry and deleting the rest', async () => {
    const store = testStore();
    await putText(store, 'tenants/acme/uploads/a', 'x');
    await putText(store, 'tenants/acme/README.txt', 'x');
    const payload = deleteBody(['tenants/acme/uploads/a', 'tenants/acme/README.txt']);
    const authorizer = new FakeAuthorizer([
      { action: 's3:DeleteObject', resource: `${ARN}/tenants/acme/uploads/*` },
    ]);
    const response = await run(
      store,
      { method: 'POST', query: { delete: '' }, payload, headers: { 'content-md5': md5Base64(payload) } },
      authorizer,
    );
    expect(response.status).toBe(200);
    expect(text(response)).toContain('<Deleted><Key>tenants/acme/uploads/a</Key></Deleted>');
    expect(text(response)).toContain(
      '<Error><Key>tenants/acme/README.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
    );
    expect(store.head(BUCKET, 'tenants/acme/uploads/a')).toBeUndefined();
    expect(store.head(BUCKET, 'tenants/acme/README.txt')).toBeDefined();
  });

  it('DeleteObjects in Quiet mode lists only errors, and accepts a CRC32 checksum instead of Content-MD5', async () => {
    const payload = deleteBody(['a', 'b'], true);
    const response = await run(testStore(), {
      method: 'POST',
      query: { delete: '' },
      payload,
      headers: { 'x-amz-checksum-crc32': await checksumOf('CRC32', Buffer.from(payload)) },
    });
    expect(response.status).toBe(200);
    expect(text(response)).not.toContain('<Deleted>');
  });

  it('DeleteObjects answers MalformedXML above 1000 keys', async () => {
    const payload = deleteBody(Array.from({ length: 1001 }, (_, i) => `k${i}`));
    const response = await run(testStore(), {
      method: 'POST',
      query: { delete: '' },
      payload,
      headers: { 'content-md5': md5Base64(payload) },
    });
    expect(response.status).toBe(400);
    expect(element(response, 'Code')).toBe('MalformedXML');
  });
});
