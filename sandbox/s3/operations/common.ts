/** What every S3 operation shares: ARNs, authorization, the missing-object answer, the owner, XML answers. */
import { createHash } from 'node:crypto';
import { checksumHeader } from '../checksums';
import { accessDenied, invalidArgument, noSuchKey } from '../errors';
import type { ObjectStore } from '../object-store';
import type { StoredChecksum } from '../stored-objects';
import type { S3Call, S3Response } from '../types';
import type { S3Owner } from '../xml-results';

/** An S3 operation: runs a routed call against the store (the bucket is known to exist). */
export type S3Operation = (call: S3Call, store: ObjectStore) => Promise<S3Response>;

/** The one owner of every bucket and object in the emulated account. */
export const OWNER: S3Owner = {
  id: createHash('sha256').update('credvend-sandbox-owner').digest('hex'),
  displayName: 'credvend-sandbox',
};

/** The ARN of a bucket, e.g. `arn:aws:s3:::data`. */
export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/** The ARN of an object; the key is taken literally (`*` or `..` in a key are characters, not patterns). */
export const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;

/** Throws `AccessDenied` unless the caller may make the request. */
export async function authorizeOrDeny(
  call: S3Call,
  action: string,
  resource: string,
  context?: Readonly<Record<string, string>>,
): Promise<void> {
  const allowed = await call.authorize(
    context === undefined ? { action, resource } : { action, resource, context },
  );
  if (!allowed) throw accessDenied();
}

/**
 * The answer for a key that is not there. S3 says `NoSuchKey` only to a caller who may list the bucket, and
 * `AccessDenied` to anyone else, so that a caller who may read a key cannot learn whether its neighbours exist.
 * We ask for `s3:ListBucket` with the key itself as `s3:prefix`: a listing of that prefix is exactly what would
 * reveal the key's absence, so a grant that lists the key's prefix (credvend grants list by prefix) decides.
 */
export async function missingObject(call: S3Call, bucket: string, key: string): Promise<never> {
  const mayList = await call.authorize({
    action: 's3:ListBucket',
    resource: bucketArn(bucket),
    context: { 's3:prefix': key },
  });
  throw mayList ? noSuchKey(key) : accessDenied();
}

/** A 200 (or `status`) answer with an XML body. */
export function xmlAnswer(
  xml: string,
  headers: Readonly<Record<string, string>> = {},
  status = 200,
): S3Response {
  return { status, headers: { ...headers, 'content-type': 'application/xml' }, body: xml };
}

/** The `x-amz-checksum-<alg>` and `x-amz-checksum-type` headers of a stored checksum (none when absent). */
export function checksumHeaders(checksum: StoredChecksum | undefined): Record<string, string> {
  if (checksum === undefined) return {};
  return { [checksumHeader(checksum.algorithm)]: checksum.value, 'x-amz-checksum-type': checksum.type };
}

/** S3 encrypts every object at rest (SSE-S3) and says so; the emulator keeps plain bytes but answers alike. */
export const SSE_HEADERS: Readonly<Record<string, string>> = { 'x-amz-server-side-encryption': 'AES256' };

/**
 * A non-negative integer query parameter, or `fallback` when absent; `InvalidArgument` (worded as S3 words it for
 * `max-keys` and friends) when it is not one.
 */
export function integerParameter(call: S3Call, name: string, fallback: number): number {
  const value = call.query.get(name);
  if (value === undefined) return fallback;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2147483647) {
    throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  }
  return Number(value);
}

/** A part number, 1 to 10000, as UploadPart and GetObject take it. */
export function partNumberParameter(value: string | undefined): number {
  if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 10000) {
    throw invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      value ?? '',
    );
  }
  return Number(value);
}

/** S3's bucket naming rules (3 to 63 of a-z, 0-9, `.`, `-`; letter or digit at both ends; no `..`; not an IP). */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name)
  );
}
