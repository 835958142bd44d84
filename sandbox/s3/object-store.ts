/** The emulator's buckets and objects: in memory, or on disk under a directory so they survive a restart. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { entityTooLarge, insufficientStorage, noSuchUpload } from './errors';
import { type ObjectFiles, objectFiles, objectId } from './object-files';
import type {
  BucketInfo,
  MultipartUpload,
  NewObject,
  ObjectInfo,
  ObjectMetadata,
  StoredPart,
} from './stored-objects';

/** The default bound on all stored bytes (objects and unfinished parts). */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** The default bound on one object of a single PUT, and on one part. */
export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;

/** How to build a store. */
export interface ObjectStoreOptions {
  /** The buckets that exist (the emulator creates none): names, or names with their region. */
  readonly buckets: readonly (string | { readonly name: string; readonly region?: string })[];
  /** The region of buckets given without one. @default 'us-east-1' */
  readonly region?: string;
  /** @default DEFAULT_MAX_BYTES */
  readonly maxBytes?: number;
  /** @default DEFAULT_MAX_OBJECT_BYTES */
  readonly maxObjectBytes?: number;
  /** Keep objects in files under this directory (loaded at start) rather than in memory only. */
  readonly dir?: string;
  readonly now?: () => number;
}

/** Buckets, objects and multipart uploads, within stated byte bounds. */
export interface ObjectStore {
  readonly maxBytes: number;
  readonly maxObjectBytes: number;
  /** Bytes held by objects and by the parts of unfinished uploads. */
  usedBytes(): number;
  /** Where the objects live and how full the store is, for a banner: `in memory, 0.1 of 512 MiB used`. */
  describe(): string;
  bucket(name: string): BucketInfo | undefined;
  hasBucket(name: string): boolean;
  buckets(): readonly BucketInfo[];
  head(bucket: string, key: string): ObjectInfo | undefined;
  /** The bytes of an object `head` returned; undefined when it has been deleted or replaced on disk since. */
  read(object: ObjectInfo): Promise<Buffer | undefined>;
  /**
   * Stores an object (replacing any under the key). `precondition` sees the current object at the moment of the
   * write and may throw to refuse it. Throws `EntityTooLarge` above `maxObjectBytes` and `InsufficientStorage`
   * when the store would exceed `maxBytes`.
   */
  put(
    bucket: string,
    key: string,
    object: NewObject,
    precondition?: (current: ObjectInfo | undefined) => void,
  ): Promise<ObjectInfo>;
  /** Whether there was an object to delete. */
  delete(bucket: string, key: string): Promise<boolean>;
  /** The objects of a bucket whose keys start with `prefix` and sort after `after`, in UTF-8 byte order. */
  list(bucket: string, prefix: string, after?: string): Iterable<ObjectInfo>;
  createUpload(
    bucket: string,
    key: string,
    metadata: ObjectMetadata,
    checksum: MultipartUpload['checksum'],
  ): MultipartUpload;
  upload(uploadId: string): MultipartUpload | undefined;
  /** Stores (or replaces) a part; the same bounds as `put`. */
  putPart(uploadId: string, part: Omit<StoredPart, 'size' | 'lastModifiedMs'>): StoredPart;
  /** Whether there was such an upload. */
  abortUpload(uploadId: string): boolean;
  /** Stores the object assembled from an upload's parts, and frees the upload. */
  completeUpload(
    uploadId: string,
    object: NewObject,
    precondition?: (current: ObjectInfo | undefined) => void,
  ): Promise<ObjectInfo>;
}

interface UploadState extends MultipartUpload {
  readonly parts: Map<number, StoredPart>;
}

interface Where {
  readonly body?: Buffer;
  readonly file?: string;
}

interface BucketState {
  readonly info: BucketInfo;
  readonly objects: Map<string, ObjectInfo>;
  sorted: { readonly key: string; readonly bytes: Buffer }[] | undefined;
}

/**
 * Creates a store. With `dir`, each object is a body file and a JSON sidecar in `dir/objects` (see
 * `objectFiles`), and files no sidecar references are removed at start. Multipart uploads stay in memory even then: an upload
 * interrupted by a restart is simply gone, as if aborted.
 */
export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  const files: ObjectFiles | undefined =
    options.dir === undefined ? undefined : objectFiles(join(options.dir, 'objects'));
  const buckets = new Map<string, BucketState>();
  for (const spec of options.buckets) {
    const { name, region } = typeof spec === 'string' ? { name: spec, region: undefined } : spec;
    const info = { name, region: region ?? options.region ?? 'us-east-1', creationDateMs: now() };
    buckets.set(name, { info, objects: new Map(), sorted: undefined });
  }
  const where = new WeakMap<ObjectInfo, Where>();
  const uploads = new Map<string, UploadState>();
  const locks = new Map<string, Promise<unknown>>();
  let used = 0;

  const reserve = (bytes: number, freed: number): void => {
    if (used - freed + bytes > maxBytes) throw insufficientStorage(used, bytes - freed, maxBytes);
    used += bytes;
  };
  const bucketState = (name: string): BucketState | undefined => buckets.get(name);
  const track = (state: BucketState, info: ObjectInfo, location: Where): void => {
    if (!state.objects.has(info.key)) state.sorted = undefined;
    state.objects.set(info.key, info);
    where.set(info, location);
  };

  // One write at a time per key, so a precondition and the write it guards are atomic, and disk and memory agree.
  const serialized = <T>(id: string, task: () => Promise<T>): Promise<T> => {
    const run = (locks.get(id) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    locks.set(id, tail);
    void tail.then(() => locks.get(id) === tail && locks.delete(id));
    return run;
  };

  const write = async (state: BucketState, key: string, object: NewObject): Promise<ObjectInfo> => {
    const current = state.objects.get(key);
    const { body, ...rest } = object;
    reserve(body.length, current?.size ?? 0);
    const info: ObjectInfo = {
      ...rest,
      bucket: state.info.name,
      key,
      size: body.length,
      lastModifiedMs: now(),
    };
    let location: Where = { body };
    try {
      if (files !== undefined) location = { file: await files.write(info, body) };
    } catch (error) {
      used -= body.length;
      throw error;
    }
    used -= current?.size ?? 0;
    const previous = current === undefined ? undefined : where.get(current);
    track(state, info, location);
    if (files !== undefined && previous?.file !== undefined) await files.discard(previous.file);
    return info;
  };

  if (files !== undefined) {
    for (const { info, file } of files.load()) {
      const state = bucketState(info.bucket);
      if (state === undefined) continue;
      track(state, info, { file });
      used += info.size;
    }
  }

  return {
    maxBytes,
    maxObjectBytes,
    usedBytes: () => used,
    describe: () =>
      `${options.dir === undefined ? 'in memory' : `on disk in ${options.dir}`}, ` +
      `${mebibytes(used)} of ${mebibytes(maxBytes)} MiB used`,
    bucket: (name) => bucketState(name)?.info,
    hasBucket: (name) => buckets.has(name),
    buckets: () => [...buckets.values()].map((state) => state.info),
    head: (bucket, key) => bucketState(bucket)?.objects.get(key),
    async read(object) {
      const location = where.get(object);
      if (location?.body !== undefined) return location.body;
      if (location?.file === undefined || files === undefined) return undefined;
      return files.read(location.file);
    },
    async put(bucket, key, object, precondition) {
      const state = existing(bucketState(bucket));
      if (object.body.length > maxObjectBytes) throw entityTooLarge(object.body.length, maxObjectBytes);
      return serialized(objectId(bucket, key), async () => {
        precondition?.(state.objects.get(key));
        return write(state, key, object);
      });
    },
    async delete(bucket, key) {
      const state = existing(bucketState(bucket));
      return serialized(objectId(bucket, key), async () => {
        const current = state.objects.get(key);
        if (current === undefined) return false;
        const file = where.get(current)?.file;
        if (files !== undefined && file !== undefined) await files.remove(bucket, key, file);
        state.objects.delete(key);
        state.sorted = undefined;
        used -= current.size;
        return true;
      });
    },
    *list(bucket, prefix, after) {
      const state = bucketState(bucket);
      if (state === undefined) return;
      state.sorted ??= [...state.objects.keys()]
        .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
        .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
      const sorted = state.sorted;
      const floor = Buffer.from(prefix, 'utf8');
      const afterBytes = after === undefined ? undefined : Buffer.from(after, 'utf8');
      const start =
        afterBytes !== undefined && Buffer.compare(afterBytes, floor) >= 0
          ? firstIndex(sorted, (entry) => Buffer.compare(entry.bytes, afterBytes) > 0)
          : firstIndex(sorted, (entry) => Buffer.compare(entry.bytes, floor) >= 0);
      for (let i = start; i < sorted.length; i++) {
        const entry = sorted[i];
        if (entry === undefined || !entry.key.startsWith(prefix)) return;
        const info = state.objects.get(entry.key);
        if (info !== undefined) yield info;
      }
    },
    createUpload(bucket, key, metadata, checksum) {
      existing(bucketState(bucket));
      const uploadId = randomBytes(48).toString('base64url');
      const upload: UploadState = {
        uploadId,
        bucket,
        key,
        initiatedMs: now(),
        metadata,
        checksum,
        parts: new Map(),
      };
      uploads.set(uploadId, upload);
      return upload;
    },
    upload: (uploadId) => uploads.get(uploadId),
    putPart(uploadId, part) {
      const upload = uploads.get(uploadId);
      if (upload === undefined) throw noSuchUpload(uploadId);
      const size = part.body.length;
      if (size > maxObjectBytes) throw entityTooLarge(size, maxObjectBytes);
      const current = upload.parts.get(part.partNumber);
      reserve(size, current?.size ?? 0);
      used -= current?.size ?? 0;
      const stored: StoredPart = { ...part, size, lastModifiedMs: now() };
      upload.parts.set(part.partNumber, stored);
      return stored;
    },
    abortUpload(uploadId) {
      const upload = uploads.get(uploadId);
      if (upload === undefined) return false;
      uploads.delete(uploadId);
      used -= partBytes(upload);
      return true;
    },
    async completeUpload(uploadId, object, precondition) {
      const upload = uploads.get(uploadId);
      if (upload === undefined) throw noSuchUpload(uploadId);
      const state = existing(bucketState(upload.bucket));
      return serialized(objectId(upload.bucket, upload.key), async () => {
        precondition?.(state.objects.get(upload.key));
        if (uploads.get(uploadId) !== upload) throw noSuchUpload(uploadId);
        uploads.delete(uploadId);
        const freed = partBytes(upload);
        used -= freed;
        try {
          return await write(state, upload.key, object);
        } catch (error) {
          uploads.set(uploadId, upload);
          used += freed;
          throw error;
        }
      });
    },
  };
}

function mebibytes(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 10) / 10);
}

function existing(state: BucketState | undefined): BucketState {
  if (state === undefined) throw new RangeError('the store holds no such bucket');
  return state;
}

function partBytes(upload: MultipartUpload): number {
  let total = 0;
  for (const part of upload.parts.values()) total += part.size;
  return total;
}

function firstIndex<T>(sorted: readonly T[], isAtOrPast: (entry: T) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAtOrPast(sorted[middle] as T)) high = middle;
    else low = middle + 1;
  }
  return low;
}
