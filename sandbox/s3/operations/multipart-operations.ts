/** Multipart uploads: CreateMultipartUpload, CompleteMultipartUpload, AbortMultipartUpload and ListParts. */
import {
  type ChecksumType,
  checksumHeader,
  checksumOf,
  compositeChecksum,
  multipartEtag,
  verifyChecksum,
} from '../checksums';
import {
  badDigest,
  entityTooSmall,
  invalidPart,
  invalidPartOrder,
  invalidRequest,
  noSuchUpload,
} from '../errors';
import type { ObjectStore } from '../object-store';
import type { StoredChecksum, StoredPart } from '../stored-objects';
import type { S3Call, S3Response } from '../types';
import { parseCompleteMultipartUpload } from '../xml-requests';
import {
  renderCompleteMultipartUpload,
  renderInitiateMultipartUpload,
  renderListParts,
} from '../xml-results';
import { authorizeOrDeny, integerParameter, OWNER, objectArn, SSE_HEADERS, xmlAnswer } from './common';
import { metadataFromHeaders, namedAlgorithm, sentChecksum, writePrecondition } from './request-headers';
import { findUpload } from './upload-part';

/** Every part but the last must be at least this large. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/**
 * CreateMultipartUpload (`POST /b/k?uploads`); needs `s3:PutObject`. Keeps the metadata and the checksum
 * algorithm (`x-amz-checksum-algorithm`) and type (`x-amz-checksum-type`: COMPOSITE by default, FULL_OBJECT
 * for CRC64NVME, which has no composite form; SHA-1 and SHA-256 have no full-object form).
 */
export async function createMultipartUpload(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:PutObject', objectArn(call.bucket, call.key));
  const metadata = metadataFromHeaders(call.headers);
  const algorithm = namedAlgorithm(call.headers, 'x-amz-checksum-algorithm');
  const typeHeader = call.headers.get('x-amz-checksum-type')?.toUpperCase();
  if (typeHeader !== undefined && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT') {
    throw invalidRequest('Value for x-amz-checksum-type header is invalid.');
  }
  if (typeHeader !== undefined && algorithm === undefined) {
    throw invalidRequest(
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    );
  }
  const type: ChecksumType = typeHeader ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  const unsupported =
    (type === 'COMPOSITE' && algorithm === 'CRC64NVME') ||
    (type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256'));
  if (unsupported && algorithm !== undefined) {
    throw invalidRequest(
      `The ${type} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    );
  }
  const checksum = algorithm === undefined ? undefined : { algorithm, type };
  const upload = store.createUpload(call.bucket, call.key, metadata, checksum);
  const headers: Record<string, string> =
    checksum === undefined
      ? { ...SSE_HEADERS }
      : {
          'x-amz-checksum-algorithm': checksum.algorithm,
          'x-amz-checksum-type': checksum.type,
          ...SSE_HEADERS,
        };
  return xmlAnswer(renderInitiateMultipartUpload(call.bucket, call.key, upload.uploadId), headers);
}

/**
 * CompleteMultipartUpload (`POST /b/k?uploadId=U`); needs `s3:PutObject`. The parts listed must ascend
 * (`InvalidPartOrder`), exist with the ETag and checksum given (`InvalidPart`), and all but the last be at least
 * 5 MiB (`EntityTooSmall`). The ETag is the MD5 of the parts' raw MD5s with `-N`; the checksum is composite or
 * over the full object, as the upload chose.
 */
export async function completeMultipartUpload(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:PutObject', objectArn(call.bucket, call.key));
  const upload = findUpload(call, store);
  const requested = parseCompleteMultipartUpload(call.payload);
  const precondition = writePrecondition(call.headers, call.key);
  const parts: StoredPart[] = [];
  for (const [index, request] of requested.entries()) {
    const previous = requested[index - 1];
    if (previous !== undefined && request.partNumber <= previous.partNumber) {
      throw invalidPartOrder(upload.uploadId);
    }
    const part = upload.parts.get(request.partNumber);
    const bare = (etag: string): string => etag.replace(/^"|"$/g, '');
    if (part === undefined || bare(part.etag) !== bare(request.etag)) {
      throw invalidPart(upload.uploadId, request.partNumber, request.etag);
    }
    for (const [algorithm, value] of request.checksums) {
      if (part.checksumAlgorithm !== algorithm || part.checksum !== value) {
        throw invalidPart(upload.uploadId, request.partNumber, request.etag);
      }
    }
    if (upload.checksum?.type === 'COMPOSITE' && !request.checksums.has(upload.checksum.algorithm)) {
      throw invalidRequest(
        `The upload was created using a ${upload.checksum.algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${request.partNumber} in the request.`,
      );
    }
    parts.push(part);
  }
  for (const part of parts.slice(0, -1)) {
    if (part.size < MIN_PART_BYTES)
      throw entityTooSmall(part.size, MIN_PART_BYTES, part.partNumber, part.etag);
  }
  const body = Buffer.concat(parts.map((part) => part.body));
  const declaredSize = call.headers.get('x-amz-mp-object-size');
  if (declaredSize !== undefined && Number(declaredSize) !== body.length) {
    throw invalidRequest(
      `The provided 'x-amz-mp-object-size' header value ${declaredSize} does not match what was computed: ${body.length}`,
    );
  }
  const checksum = await objectChecksum(call, upload.checksum, parts, body);
  const etag = multipartEtag(parts.map((part) => part.md5));
  const object = { ...upload.metadata, body, etag, checksum, partSizes: parts.map((part) => part.size) };
  await store.completeUpload(upload.uploadId, object, precondition);
  const host = call.headers.get('host') ?? 'localhost';
  const location = `http://${host}/${call.bucket}/${call.key.split('/').map(encodeURIComponent).join('/')}`;
  return xmlAnswer(
    renderCompleteMultipartUpload({ location, bucket: call.bucket, key: call.key, etag, checksum }),
    SSE_HEADERS,
  );
}

/** AbortMultipartUpload (`DELETE /b/k?uploadId=U`); needs `s3:AbortMultipartUpload`. 204. */
export async function abortMultipartUpload(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:AbortMultipartUpload', objectArn(call.bucket, call.key));
  const upload = findUpload(call, store);
  if (!store.abortUpload(upload.uploadId)) throw noSuchUpload(upload.uploadId);
  return { status: 204 };
}

/** ListParts (`GET /b/k?uploadId=U`); needs `s3:ListMultipartUploadParts`. Pages by `part-number-marker`. */
export async function listParts(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:ListMultipartUploadParts', objectArn(call.bucket, call.key));
  const upload = findUpload(call, store);
  const maxParts = Math.min(integerParameter(call, 'max-parts', 1000), 1000);
  const marker = integerParameter(call, 'part-number-marker', 0);
  const after = [...upload.parts.values()]
    .filter((part) => part.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = after.slice(0, maxParts);
  return xmlAnswer(
    renderListParts({
      bucket: call.bucket,
      key: call.key,
      uploadId: upload.uploadId,
      owner: OWNER,
      partNumberMarker: marker,
      nextPartNumberMarker: page.at(-1)?.partNumber,
      maxParts,
      isTruncated: after.length > page.length,
      checksum: upload.checksum,
      parts: page,
    }),
  );
}

/** The completed object's checksum; a full-object checksum the client sends must match it (`BadDigest`). */
async function objectChecksum(
  call: S3Call,
  chosen: { readonly algorithm: StoredChecksum['algorithm']; readonly type: ChecksumType } | undefined,
  parts: readonly StoredPart[],
  body: Buffer,
): Promise<StoredChecksum | undefined> {
  if (chosen === undefined) return undefined;
  const { algorithm, type } = chosen;
  if (type === 'FULL_OBJECT') {
    const sent = call.headers.has(checksumHeader(algorithm)) ? sentChecksum(call) : undefined;
    if (sent !== undefined && sent.algorithm !== algorithm) throw badDigest(sent.algorithm);
    if (sent !== undefined) await verifyChecksum(algorithm, sent.value, body);
    return { algorithm, type, value: await checksumOf(algorithm, body) };
  }
  const values = await Promise.all(parts.map((part) => part.checksum ?? checksumOf(algorithm, part.body)));
  return { algorithm, type, value: await compositeChecksum(algorithm, values) };
}
