/** DeleteObject and DeleteObjects (the multi-object delete, authorized key by key). */
import { verifyChecksum, verifyContentMd5 } from '../checksums';
import { invalidRequest, noSuchVersion } from '../errors';
import type { ObjectStore } from '../object-store';
import type { S3Call, S3Response } from '../types';
import { type DeleteEntry, parseDelete } from '../xml-requests';
import { renderDeleteResult } from '../xml-results';
import { authorizeOrDeny, objectArn, xmlAnswer } from './common';
import { sentChecksum } from './request-headers';

/**
 * DeleteObject (`DELETE /b/k`); needs `s3:DeleteObject` (`s3:DeleteObjectVersion` with a `versionId`). 204
 * whether or not the key existed, as S3: a delete reveals nothing.
 */
export async function deleteObject(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const versionId = call.query.get('versionId');
  const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
  await authorizeOrDeny(call, action, objectArn(call.bucket, call.key));
  if (versionId !== undefined && versionId !== 'null') throw noSuchVersion(call.key, versionId);
  await store.delete(call.bucket, call.key);
  return { status: 204 };
}

/**
 * DeleteObjects (`POST /b?delete`). S3 requires `Content-MD5` or a checksum header and at most 1000 keys; each
 * key needs `s3:DeleteObject` (`s3:DeleteObjectVersion` with a version) on its own, and a denied key becomes an
 * `AccessDenied` entry while the others are deleted. `Quiet` leaves out the successes.
 */
export async function deleteObjects(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const md5 = call.headers.get('content-md5');
  const checksum = sentChecksum(call);
  if (md5 === undefined && checksum === undefined) {
    throw invalidRequest('Missing required header for this request: Content-Md5');
  }
  verifyContentMd5(md5, call.payload);
  if (checksum !== undefined) await verifyChecksum(checksum.algorithm, checksum.value, call.payload);
  const { quiet, objects } = parseDelete(call.payload);
  const deleted: DeleteEntry[] = [];
  const errors: (DeleteEntry & { code: string; message: string })[] = [];
  for (const entry of objects) {
    const action = entry.versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
    if (Buffer.byteLength(entry.key) > 1024) {
      errors.push({ ...entry, code: 'KeyTooLongError', message: 'Your key is too long' });
    } else if (!(await call.authorize({ action, resource: objectArn(call.bucket, entry.key) }))) {
      errors.push({ ...entry, code: 'AccessDenied', message: 'Access Denied' });
    } else if (entry.versionId !== undefined && entry.versionId !== 'null') {
      errors.push({ ...entry, code: 'NoSuchVersion', message: 'The specified version does not exist.' });
    } else {
      await store.delete(call.bucket, entry.key);
      deleted.push(entry);
    }
  }
  return xmlAnswer(renderDeleteResult(quiet ? [] : deleted, errors));
}
