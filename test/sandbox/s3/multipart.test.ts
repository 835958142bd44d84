/** Multipart uploads: create, parts, copy parts, complete (ETag -N, composite checksum), abort, list. */
import { createHash } from 'node:crypto';
import { checksumOf, rawChecksum } from '../../../sandbox/s3/checksums';
import type { ObjectStore } from '../../../sandbox/s3/object-store';
import { MIN_PART_BYTES } from '../../../sandbox/s3/operations';
import { BUCKET, element, elements, FakeAuthorizer, putText, run, testStore, text } from './s3-call';

const ARN = `arn:aws:s3:::${BUCKET}`;
const BIG = Buffer.alloc(MIN_PART_BYTES, 'a');
const SMALL = Buffer.from('the last part may be small');

async function create(
  store: ObjectStore,
  key: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await run(store, { method: 'POST', key, query: { uploads: '' }, headers });
  expect(response.status).toBe(200);
  return element(response, 'UploadId') ?? '';
}

async function upload(store: ObjectStore, key: string, uploadId: string, partNumber: number, body: Buffer) {
  return run(store, {
    method: 'PUT',
    key,
    query: { partNumber: String(partNumber), uploadId },
    payload: body,
  });
}

function completion(parts: readonly { partNumber: number; etag: string; crc32?: string }[]): string {
  const entries = parts.map(
    (p) =>
      `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${p.etag}</ETag>` +
      `${p.crc32 === undefined ? '' : `<ChecksumCRC32>${p.crc32}</ChecksumCRC32>`}</Part>`,
  );
  return `<CompleteMultipartUpload>${entries.join('')}</CompleteMultipartUpload>`;
}

function complete(
  store: ObjectStore,
  key: string,
  uploadId: string,
  payload: string,
  authorizer?: FakeAuthorizer,
) {
  return run(
    store,
    { method: 'POST', key, query: { uploadId }, payload, headers: { host: 'localhost:9000' } },
    authorizer,
  );
}

const md5 = (body: Buffer) => createHash('md5').update(body).digest();

describe('multipart uploads', () => {
  it('authorizes s3:PutObject for create, parts and complete, and answers the MD5-of-MD5s ETag with -N', async () => {
    const store = testStore();
    const authorizer = new FakeAuthorizer();
    const created = await run(
      store,
      {
        method: 'POST',
        key: 'big.bin',
        query: { uploads: '' },
        headers: { 'content-type': 'application/zip' },
      },
      authorizer,
    );
    const uploadId = element(created, 'UploadId') ?? '';
    const first = await upload(store, 'big.bin', uploadId, 1, BIG);
    expect(first.headers?.etag).toBe(`"${md5(BIG).toString('hex')}"`);
    const second = await upload(store, 'big.bin', uploadId, 2, SMALL);
    const done = await complete(
      store,
      'big.bin',
      uploadId,
      completion([
        { partNumber: 1, etag: first.headers?.etag ?? '' },
        { partNumber: 2, etag: second.headers?.etag ?? '' },
      ]),
      authorizer,
    );
    const expected = `"${createHash('md5')
      .update(Buffer.concat([md5(BIG), md5(SMALL)]))
      .digest('hex')}-2"`;
    expect(done.status).toBe(200);
    expect(element(done, 'ETag')).toBe(expected.replaceAll('"', '&quot;'));
    expect(element(done, 'Location')).toBe(`http://localhost:9000/${BUCKET}/big.bin`);
    expect(authorizer.actions()).toEqual([`s3:PutObject ${ARN}/big.bin`, `s3:PutObject ${ARN}/big.bin`]);
    const head = await run(store, { method: 'HEAD', key: 'big.bin' });
    expect(head.headers).toMatchObject({
      etag: expected,
      'content-type': 'application/zip',
      'content-length': String(BIG.length + SMALL.length),
    });
    const part = await run(store, { method: 'GET', key: 'big.bin', query: { partNumber: '2' } });
    expect(part.status).toBe(206);
    expect(part.headers?.['x-amz-mp-parts-count']).toBe('2');
    expect(text(part)).toBe(SMALL.toString());
    expect(store.upload(uploadId)).toBeUndefined();
  });

  it('keeps a chosen CRC32 and completes with the composite checksum of the part checksums', async () => {
    const store = testStore();
    const uploadId = await create(store, 'k', { 'x-amz-checksum-algorithm': 'CRC32' });
    const one = await upload(store, 'k', uploadId, 1, BIG);
    const two = await upload(store, 'k', uploadId, 2, SMALL);
    expect(one.headers?.['x-amz-checksum-crc32']).toBe(await checksumOf('CRC32', BIG));
    const done = await complete(
      store,
      'k',
      uploadId,
      completion([
        { partNumber: 1, etag: one.headers?.etag ?? '', crc32: await checksumOf('CRC32', BIG) },
        { partNumber: 2, etag: two.headers?.etag ?? '', crc32: await checksumOf('CRC32', SMALL) },
      ]),
    );
    const raw = Buffer.concat([await rawChecksum('CRC32', BIG), await rawChecksum('CRC32', SMALL)]);
    const composite = `${await checksumOf('CRC32', raw)}-2`;
    expect(element(done, 'ChecksumCRC32')).toBe(composite);
    expect(element(done, 'ChecksumType')).toBe('COMPOSITE');
    const head = await run(store, {
      method: 'HEAD',
      key: 'k',
      headers: { 'x-amz-checksum-mode': 'ENABLED' },
    });
    expect(head.headers).toMatchObject({
      'x-amz-checksum-crc32': composite,
      'x-amz-checksum-type': 'COMPOSITE',
    });
  });

  it('computes a FULL_OBJECT checksum over the whole object when asked', async () => {
    const store = testStore();
    const uploadId = await create(store, 'k', {
      'x-amz-checksum-algorithm': 'CRC32C',
      'x-amz-checksum-type': 'FULL_OBJECT',
    });
    const one = await upload(store, 'k', uploadId, 1, SMALL);
    const done = await complete(
      store,
      'k',
      uploadId,
      completion([{ partNumber: 1, etag: one.headers?.etag ?? '' }]),
    );
    expect(element(done, 'ChecksumCRC32C')).toBe(await checksumOf('CRC32C', SMALL));
    expect(element(done, 'ChecksumType')).toBe('FULL_OBJECT');
  });

  it('answers InvalidPartOrder, InvalidPart and EntityTooSmall as S3', async () => {
    const store = testStore();
    const uploadId = await create(store, 'k');
    const one = (await upload(store, 'k', uploadId, 1, SMALL)).headers?.etag ?? '';
    const two =
      (await upload(store, 'k', uploadId, 2, Buffer.from('another small part'))).headers?.etag ?? '';
    const order = await complete(
      store,
      'k',
      uploadId,
      completion([
        { partNumber: 2, etag: two },
        { partNumber: 1, etag: one },
      ]),
    );
    expect(element(order, 'Code')).toBe('InvalidPartOrder');
    const wrong = await complete(store, 'k', uploadId, completion([{ partNumber: 1, etag: two }]));
    expect(element(wrong, 'Code')).toBe('InvalidPart');
    const absent = await complete(store, 'k', uploadId, completion([{ partNumber: 3, etag: one }]));
    expect(element(absent, 'Code')).toBe('InvalidPart');
    const small = await complete(
      store,
      'k',
      uploadId,
      completion([
        { partNumber: 1, etag: one },
        { partNumber: 2, etag: two },
      ]),
    );
    expect(small.status).toBe(400);
    expect(element(small, 'Code')).toBe('EntityTooSmall');
    expect(element(small, 'MinSizeAllowed')).toBe(String(MIN_PART_BYTES));
    // A failed completion leaves the upload in place.
    expect(store.upload(uploadId)).toBeDefined();
  });

  it('answers NoSuchUpload for an unknown upload, or one used with another key', async () => {
    const store = testStore();
    const uploadId = await create(store, 'mine');
    const other = await upload(store, 'theirs', uploadId, 1, SMALL);
    expect(other.status).toBe(404);
    expect(element(other, 'Code')).toBe('NoSuchUpload');
    expect(element(await upload(store, 'mine', 'no-such-upload', 1, SMALL), 'Code')).toBe('NoSuchUpload');
  });

  it('answers InvalidArgument for a part number outside 1..10000', async () => {
    const store = testStore();
    const uploadId = await create(store, 'k');
    for (const partNumber of [0, 10001]) {
      const response = await upload(store, 'k', uploadId, partNumber, SMALL);
      expect(response.status).toBe(400);
      expect(element(response, 'Code')).toBe('InvalidArgument');
    }
  });

  it('aborts with s3:AbortMultipartUpload and 204, after which the upload is gone', async () => {
    const store = testStore();
    const uploadId = await create(store, 'k');
    await upload(store, 'k', uploadId, 1, SMALL);
    const authorizer = new FakeAuthorizer();
    const aborted = await run(store, { method: 'DELETE', key: 'k', query: { uploadId } }, authorizer);
    expect(aborted.status).toBe(204);
    expect(authorizer.requests).toEqual([{ action: 's3:AbortMultipartUpload', resource: `${ARN}/k` }]);
    expect(store.usedBytes()).toBe(0);
    expect(element(await upload(store, 'k', uploadId, 2, SMALL), 'Code')).toBe('NoSuchUpload');
  });

  it('lists parts with s3:ListMultipartUploadParts, paging by part-number-marker', async () => {
    const store = testStore();
    const uploadId = await create(store, 'k');
    for (const n of [3, 1, 2]) await upload(store, 'k', uploadId, n, SMALL);
    const authorizer = new FakeAuthorizer();
    const first = await run(
      store,
      { method: 'GET', key: 'k', query: { uploadId, 'max-parts': '2' } },
      authorizer,
    );
    expect(authorizer.requests).toEqual([{ action: 's3:ListMultipartUploadParts', resource: `${ARN}/k` }]);
    expect(elements(first, 'PartNumber')).toEqual(['1', '2']);
    expect(element(first, 'IsTruncated')).toBe('true');
    expect(element(first, 'NextPartNumberMarker')).toBe('2');
    const rest = await run(store, {
      method: 'GET',
      key: 'k',
      query: { uploadId, 'part-number-marker': '2' },
    });
    expect(elements(rest, 'PartNumber')).toEqual(['3']);
  });

  it('copies a byte range of another object into a part with s3:GetObject on the source', async () => {
    const store = testStore();
    await putText(store, 'source', 'hello world');
    const uploadId = await create(store, 'k');
    const authorizer = new FakeAuthorizer();
    const copied = await run(
      store,
      {
        method: 'PUT',
        key: 'k',
        query: { partNumber: '1', uploadId },
        headers: { 'x-amz-copy-source': `${BUCKET}/source`, 'x-amz-copy-source-range': 'bytes=6-10' },
      },
      authorizer,
    );
    expect(authorizer.actions()).toEqual([`s3:PutObject ${ARN}/k`, `s3:GetObject ${ARN}/source`]);
    expect(text(copied)).toContain('<CopyPartResult');
    const etag = `"${md5(Buffer.from('world')).toString('hex')}"`;
    expect(element(copied, 'ETag')).toBe(etag.replaceAll('"', '&quot;'));
    const done = await complete(store, 'k', uploadId, completion([{ partNumber: 1, etag }]));
    expect(done.status).toBe(200);
    expect(text(await run(store, { method: 'GET', key: 'k' }))).toBe('world');
  });
});
