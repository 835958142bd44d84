/** UploadPart and UploadPartCopy: one part of a multipart upload, from the body or from another object. */
import { checksumHeader, checksumOf, md5 } from '../checksums';
import { invalidArgument, noSuchUpload } from '../errors';
import type { ObjectStore } from '../object-store';
import type { MultipartUpload, StoredPart } from '../stored-objects';
import type { S3Call, S3Response } from '../types';
import { renderCopyResult } from '../xml-results';
import { authorizeOrDeny, objectArn, partNumberParameter, SSE_HEADERS, xmlAnswer } from './common';
import { resolveCopySource } from './copy-source';
import { verifyPayload } from './request-headers';

/** The upload `uploadId` names, which must belong to the call's bucket and key; `NoSuchUpload` otherwise. */
export function findUpload(call: S3Call, store: ObjectStore): MultipartUpload {
  const uploadId = call.query.get('uploadId') ?? '';
  const upload = store.upload(uploadId);
  if (upload === undefined || upload.bucket !== call.bucket || upload.key !== call.key) {
    throw noSuchUpload(uploadId);
  }
  return upload;
}

/**
 * UploadPart (`PUT /b/k?partNumber=N&uploadId=U`); needs `s3:PutObject` on the object. Verifies `Content-MD5`
 * and the checksum sent (which must be in the upload's algorithm, if it chose one); the part's ETag is its MD5.
 */
export async function uploadPart(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const partNumber = partNumberParameter(call.query.get('partNumber'));
  await authorizeOrDeny(call, 's3:PutObject', objectArn(call.bucket, call.key));
  const upload = findUpload(call, store);
  const checksum = await verifyPayload(call, upload.checksum?.algorithm);
  const part = await storePart(store, upload, partNumber, call.payload, checksum?.algorithm, checksum?.value);
  return { status: 200, headers: { etag: part.etag, ...partChecksumHeader(part), ...SSE_HEADERS } };
}

/**
 * UploadPartCopy (UploadPart with `x-amz-copy-source`, optionally `x-amz-copy-source-range: bytes=first-last`);
 * needs `s3:GetObject` on the source and `s3:PutObject` on the target.
 */
export async function uploadPartCopy(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const partNumber = partNumberParameter(call.query.get('partNumber'));
  const { object, body } = await resolveCopySource(call, store);
  const upload = findUpload(call, store);
  const range = call.headers.get('x-amz-copy-source-range');
  let bytes = body;
  if (range !== undefined) {
    const match = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    if (match === null) {
      throw invalidArgument(
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        'x-amz-copy-source-range',
        range,
      );
    }
    const first = Number(match[1]);
    const last = Number(match[2]);
    if (last < first || last >= object.size) {
      throw invalidArgument(
        `Range specified is not valid for source object of size: ${object.size}`,
        'x-amz-copy-source-range',
        range,
      );
    }
    bytes = body.subarray(first, last + 1);
  }
  const algorithm = upload.checksum?.algorithm;
  const part = await storePart(store, upload, partNumber, Buffer.from(bytes), algorithm, undefined);
  const checksum =
    algorithm === undefined || part.checksum === undefined
      ? undefined
      : { algorithm, value: part.checksum, type: upload.checksum?.type ?? 'COMPOSITE' };
  return xmlAnswer(
    renderCopyResult('CopyPartResult', { etag: part.etag, lastModifiedMs: part.lastModifiedMs, checksum }),
    SSE_HEADERS,
  );
}

async function storePart(
  store: ObjectStore,
  upload: MultipartUpload,
  partNumber: number,
  body: Buffer,
  algorithm: StoredPart['checksumAlgorithm'],
  checksum: string | undefined,
): Promise<StoredPart> {
  const digest = md5(body);
  return store.putPart(upload.uploadId, {
    partNumber,
    body,
    etag: `"${digest.toString('hex')}"`,
    md5: digest,
    checksumAlgorithm: algorithm,
    checksum: algorithm === undefined ? undefined : (checksum ?? (await checksumOf(algorithm, body))),
  });
}

function partChecksumHeader(part: StoredPart): Record<string, string> {
  if (part.checksumAlgorithm === undefined || part.checksum === undefined) return {};
  return { [checksumHeader(part.checksumAlgorithm)]: part.checksum };
}
