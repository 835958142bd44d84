/** The object store: byte order, bounds, multipart accounting, and the on-disk mode that survives a restart. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etagOf, md5 } from '../../../sandbox/s3/checksums';
import { S3Error } from '../../../sandbox/s3/errors';
import { createObjectStore, type ObjectStore } from '../../../sandbox/s3/object-store';
import { seedDemoObjects } from '../../../sandbox/s3/seed';
import type { NewObject } from '../../../sandbox/s3/stored-objects';

const BUCKET = 'data';

function object(text: string, extra: Partial<NewObject> = {}): NewObject {
  const body = Buffer.from(text, 'utf8');
  return { body, etag: etagOf(body), contentType: 'text/plain', headers: {}, userMetadata: {}, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error');
}

function keys(store: ObjectStore, prefix = '', after?: string): string[] {
  return [...store.list(BUCKET, prefix, after)].map((info) => info.key);
}

describe('createObjectStore (in memory)', () => {
  it('stores, reads, replaces and deletes an object', async () => {
    const store = createObjectStore({ buckets: [BUCKET], now: () => 1_000 });
    const info = await store.put(BUCKET, 'a.txt', object('one'));
    expect(info).toMatchObject({ bucket: BUCKET, key: 'a.txt', size: 3, lastModifiedMs: 1_000 });
    expect((await store.read(info))?.toString()).toBe('one');
    await store.put(BUCKET, 'a.txt', object('three'));
    expect(store.head(BUCKET, 'a.txt')?.size).toBe(5);
    expect(store.usedBytes()).toBe(5);
    expect(await store.delete(BUCKET, 'a.txt')).toBe(true);
    expect(await store.delete(BUCKET, 'a.txt')).toBe(false);
    expect(store.usedBytes()).toBe(0);
  });

  it('lists keys in UTF-8 byte order, not UTF-16 order', async () => {
    const store = createObjectStore({ buckets: [BUCKET] });
    for (const key of ['\u{1F600}', '\uE000', 'b', 'a/2', 'a/1', 'A'])
      await store.put(BUCKET, key, object(key));
    expect(keys(store)).toEqual(['A', 'a/1', 'a/2', 'b', '\uE000', '\u{1F600}']);
    expect(keys(store, 'a/')).toEqual(['a/1', 'a/2']);
    expect(keys(store, '', 'a/1')).toEqual(['a/2', 'b', '\uE000', '\u{1F600}']);
    expect(keys(store, 'a/', 'a/1')).toEqual(['a/2']);
  });

  it('refuses an object above maxObjectBytes with EntityTooLarge', async () => {
    const store = createObjectStore({ buckets: [BUCKET], maxObjectBytes: 4 });
    const error = await rejection(store.put(BUCKET, 'big', object('12345')));
    expect(error.code).toBe('EntityTooLarge');
    expect(error.details).toMatchObject({ ProposedSize: '5', MaxSizeAllowed: '4' });
  });

  it('answers 507 InsufficientStorage naming used and limit bytes and how to make room', async () => {
    const store = createObjectStore({ buckets: [BUCKET], maxBytes: 10 });
    await store.put(BUCKET, 'a', object('123456'));
    const error = await rejection(store.put(BUCKET, 'b', object('12345')));
    expect(error.code).toBe('InsufficientStorage');
    expect(error.status).toBe(507);
    expect(error.s3Message).toContain('6 of 10 bytes are used');
    expect(error.s3Message).toContain('CREDVEND_S3_MAX_BYTES');
    expect(error.s3Message).toContain('Delete objects');
    // Replacing an object only needs room for the difference.
    await store.put(BUCKET, 'a', object('1234567890'));
    expect(store.usedBytes()).toBe(10);
  });

  it('counts unfinished parts against the bound and frees them on abort', async () => {
    const store = createObjectStore({ buckets: [BUCKET], maxBytes: 10 });
    const upload = store.createUpload(
      BUCKET,
      'k',
      { contentType: 'x', headers: {}, userMetadata: {} },
      undefined,
    );
    const part = (text: string, partNumber: number) => {
      const body = Buffer.from(text);
      return {
        partNumber,
        body,
        etag: etagOf(body),
        md5: md5(body),
        checksum: undefined,
        checksumAlgorithm: undefined,
      };
    };
    store.putPart(upload.uploadId, part('123456', 1));
    expect(() => store.putPart(upload.uploadId, part('12345', 2))).toThrow(S3Error);
    store.putPart(upload.uploadId, part('1234', 1));
    expect(store.usedBytes()).toBe(4);
    expect(store.abortUpload(upload.uploadId)).toBe(true);
    expect(store.usedBytes()).toBe(0);
    expect(store.upload(upload.uploadId)).toBeUndefined();
  });

  it('runs a precondition at the moment of the write, and refuses the write when it throws', async () => {
    const store = createObjectStore({ buckets: [BUCKET] });
    const refuse = (current: unknown) => {
      if (current !== undefined) throw new S3Error('PreconditionFailed', 412, 'no');
    };
    const [first, second] = await Promise.allSettled([
      store.put(BUCKET, 'once', object('first'), refuse),
      store.put(BUCKET, 'once', object('second'), refuse),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect((await store.read(store.head(BUCKET, 'once') as never))?.toString()).toBe('first');
  });
});

describe('createObjectStore (on disk)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credvend-s3-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps objects and their metadata across a restart', async () => {
    const first = createObjectStore({ buckets: [BUCKET], dir });
    await first.put(
      BUCKET,
      'reports/q3.csv',
      object('a,b\n', {
        contentType: 'text/csv',
        userMetadata: { owner: 'acme' },
        checksum: { algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' },
      }),
    );
    await first.put(BUCKET, 'gone', object('x'));
    await first.delete(BUCKET, 'gone');
    const second = createObjectStore({ buckets: [BUCKET], dir });
    const info = second.head(BUCKET, 'reports/q3.csv');
    expect(info).toMatchObject({ contentType: 'text/csv', userMetadata: { owner: 'acme' }, size: 4 });
    expect(info?.checksum).toEqual({ algorithm: 'CRC32', value: 'AAAAAA==', type: 'FULL_OBJECT' });
    expect((await second.read(info as never))?.toString()).toBe('a,b\n');
    expect(second.head(BUCKET, 'gone')).toBeUndefined();
    expect(second.usedBytes()).toBe(4);
  });

  it('names files by a hash, so a key like ../../etc/passwd stays a key', async () => {
    const store = createObjectStore({ buckets: [BUCKET], dir });
    await store.put(BUCKET, '../../etc/passwd', object('not a password file'));
    expect(readdirSync(dir)).toEqual(['objects']);
    const files = readdirSync(join(dir, 'objects'));
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^[0-9a-f]{64}\.(json|[0-9a-f]{12}\.bin)$/);
    expect(keys(createObjectStore({ buckets: [BUCKET], dir }))).toEqual(['../../etc/passwd']);
  });

  it('replaces an object by writing new files, leaving one body per key', async () => {
    const store = createObjectStore({ buckets: [BUCKET], dir });
    await store.put(BUCKET, 'k', object('one'));
    await store.put(BUCKET, 'k', object('two'));
    expect(readdirSync(join(dir, 'objects')).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect((await store.read(store.head(BUCKET, 'k') as never))?.toString()).toBe('two');
  });

  it('starts without interrupted writes: temporary files, bodies without sidecars and corrupt sidecars', async () => {
    const store = createObjectStore({ buckets: [BUCKET], dir });
    await store.put(BUCKET, 'kept', object('kept'));
    const objects = join(dir, 'objects');
    writeFileSync(join(objects, '.tmp-interrupted'), 'partial');
    writeFileSync(join(objects, `${'0'.repeat(64)}.${'0'.repeat(12)}.bin`), 'orphan');
    writeFileSync(join(objects, `${'1'.repeat(64)}.json`), '{not json');
    const restarted = createObjectStore({ buckets: [BUCKET], dir });
    expect(keys(restarted)).toEqual(['kept']);
    const left = readdirSync(objects);
    expect(left.some((f) => f.startsWith('.tmp-') || f.startsWith('0'.repeat(64)))).toBe(false);
    const sidecar = left.find((f) => f.endsWith('.json') && !f.startsWith('1'));
    expect(JSON.parse(readFileSync(join(objects, sidecar ?? ''), 'utf8'))).toMatchObject({ key: 'kept' });
  });

  it('seeds the demo objects only where no object is, so user data survives', async () => {
    const store = createObjectStore({ buckets: [BUCKET], dir });
    await store.put(BUCKET, 'tenants/acme/README.txt', object('edited by acme'));
    const written = await seedDemoObjects(store, BUCKET);
    expect(written).toContain('tenants/globex/reports/2026-q3.csv');
    expect(written).not.toContain('tenants/acme/README.txt');
    const restarted = createObjectStore({ buckets: [BUCKET], dir });
    expect(await seedDemoObjects(restarted, BUCKET)).toEqual([]);
    const readme = restarted.head(BUCKET, 'tenants/acme/README.txt');
    expect((await restarted.read(readme as never))?.toString()).toBe('edited by acme');
  });
});
