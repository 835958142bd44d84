/** The source of CopyObject and UploadPartCopy: named, authorized, found, and its preconditions checked. */
import {
  invalidBucketName,
  invalidRequest,
  keyTooLong,
  noSuchBucket,
  noSuchVersion,
  preconditionFailed,
} from '../errors';
import type { ObjectStore } from '../object-store';
import type { ObjectInfo } from '../stored-objects';
import type { S3Call } from '../types';
import { authorizeOrDeny, isValidBucketName, missingObject, objectArn } from './common';
import {
  COPY_SOURCE_CONDITIONS,
  type CopySource,
  evaluateConditions,
  parseCopySource,
} from './request-headers';

/** A copy source, resolved. */
export interface ResolvedSource {
  readonly source: CopySource;
  readonly object: ObjectInfo;
  readonly body: Buffer;
}

/**
 * Resolves `x-amz-copy-source` after authorizing both sides: `s3:PutObject` on the target, and `s3:GetObject`
 * (`s3:GetObjectVersion` with a `versionId`) on the source. A missing source answers as `missingObject` decides;
 * every failed `x-amz-copy-source-if-*` condition is 412, as S3. Copying a larger source than one PUT may store
 * is refused as S3 refuses sources above 5 GiB.
 */
export async function resolveCopySource(call: S3Call, store: ObjectStore): Promise<ResolvedSource> {
  const source = parseCopySource(call.headers.get('x-amz-copy-source') ?? '');
  if (!isValidBucketName(source.bucket)) throw invalidBucketName(source.bucket);
  if (store.bucket(source.bucket) === undefined) throw noSuchBucket(source.bucket);
  if (Buffer.byteLength(source.key) > 1024) throw keyTooLong(Buffer.byteLength(source.key));
  await authorizeOrDeny(call, 's3:PutObject', objectArn(call.bucket, call.key));
  await authorizeOrDeny(
    call,
    source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
    objectArn(source.bucket, source.key),
  );
  if (source.versionId !== undefined && source.versionId !== 'null') {
    throw noSuchVersion(source.key, source.versionId);
  }
  const object =
    store.head(source.bucket, source.key) ?? (await missingObject(call, source.bucket, source.key));
  if (evaluateConditions(call.headers, COPY_SOURCE_CONDITIONS, object) === 'not-modified') {
    throw preconditionFailed(
      call.headers.has(COPY_SOURCE_CONDITIONS.ifNoneMatch)
        ? 'x-amz-copy-source-If-None-Match'
        : 'x-amz-copy-source-If-Modified-Since',
    );
  }
  if (object.size > store.maxObjectBytes) {
    throw invalidRequest(
      `The specified copy source is larger than the maximum allowable size for a copy source: ${store.maxObjectBytes}`,
    );
  }
  const body = (await store.read(object)) ?? (await missingObject(call, source.bucket, source.key));
  return { source, object, body };
}
