/** PutObject and CopyObject: store bytes with their metadata, checksum and MD5 ETag. */
import { checksumOf, etagOf } from '../checksums';
import { invalidArgument, invalidRequest } from '../errors';
import type { ObjectStore } from '../object-store';
import type { ObjectMetadata } from '../stored-objects';
import type { S3Call, S3Response } from '../types';
import { renderCopyResult } from '../xml-results';
import { authorizeOrDeny, checksumHeaders, objectArn, SSE_HEADERS, xmlAnswer } from './common';
import { resolveCopySource } from './copy-source';
import { metadataFromHeaders, namedAlgorithm, verifyPayload, writePrecondition } from './request-headers';

/**
 * PutObject (`PUT /b/k`); needs `s3:PutObject` on the object. Verifies `Content-MD5` and any checksum sent,
 * keeps the checksum and answers with it; honours `If-None-Match: *` and `If-Match`.
 */
export async function putObject(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:PutObject', objectArn(call.bucket, call.key));
  const metadata = metadataFromHeaders(call.headers);
  const checksum = await verifyPayload(call);
  const precondition = writePrecondition(call.headers, call.key);
  const etag = etagOf(call.payload);
  await store.put(call.bucket, call.key, { ...metadata, body: call.payload, etag, checksum }, precondition);
  return { status: 200, headers: { etag, ...checksumHeaders(checksum), ...SSE_HEADERS } };
}

/**
 * CopyObject (`PUT /b/k` with `x-amz-copy-source`); needs `s3:GetObject` on the source and `s3:PutObject` on
 * the target. `x-amz-metadata-directive` COPY (the default) keeps the source's metadata, REPLACE takes the
 * request's; a copy onto itself must REPLACE. The copy is one part, so its ETag is the MD5 of its bytes, and its
 * checksum (in the algorithm asked for, else the source's) covers the full object.
 */
export async function copyObject(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const directive = (call.headers.get('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw invalidArgument(
      'Unknown metadata directive.',
      'x-amz-metadata-directive',
      call.headers.get('x-amz-metadata-directive'),
    );
  }
  const { source, object, body } = await resolveCopySource(call, store);
  if (source.bucket === call.bucket && source.key === call.key && directive !== 'REPLACE') {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const metadata: ObjectMetadata =
    directive === 'REPLACE'
      ? metadataFromHeaders(call.headers)
      : { contentType: object.contentType, headers: object.headers, userMetadata: object.userMetadata };
  const algorithm = namedAlgorithm(call.headers, 'x-amz-checksum-algorithm') ?? object.checksum?.algorithm;
  const checksum =
    algorithm === undefined
      ? undefined
      : { algorithm, value: await checksumOf(algorithm, body), type: 'FULL_OBJECT' as const };
  const stored = await store.put(
    call.bucket,
    call.key,
    { ...metadata, body, etag: etagOf(body), checksum },
    writePrecondition(call.headers, call.key),
  );
  return xmlAnswer(renderCopyResult('CopyObjectResult', stored), SSE_HEADERS);
}
