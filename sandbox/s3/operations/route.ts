/** Routes a parsed S3 call to its operation, and turns S3 errors into S3's answers. */
import { createHash } from 'node:crypto';
import {
  invalidBucketName,
  keyTooLong,
  noSuchBucket,
  notImplemented,
  renderS3Error,
  S3Error,
} from '../errors';
import type { ObjectStore } from '../object-store';
import type { S3Call, S3Response } from '../types';
import { getBucketLocation, headBucket, listBuckets } from './bucket-operations';
import { isValidBucketName, type S3Operation } from './common';
import { deleteObject, deleteObjects } from './delete-operations';
import { getObject } from './get-object';
import { listObjectsV1, listObjectsV2 } from './list-objects';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listParts,
} from './multipart-operations';
import { copyObject, putObject } from './put-object';
import { uploadPart, uploadPartCopy } from './upload-part';

/** The operations the emulator implements; every other one answers 501 `NotImplemented`. */
const OPERATIONS: ReadonlyMap<string, S3Operation> = new Map([
  ['ListBuckets', listBuckets],
  ['ListObjectsV2', listObjectsV2],
  ['ListObjects', listObjectsV1],
  ['GetBucketLocation', getBucketLocation],
  ['HeadBucket', headBucket],
  ['GetObject', getObject],
  ['HeadObject', getObject],
  ['PutObject', putObject],
  ['CopyObject', copyObject],
  ['DeleteObject', deleteObject],
  ['DeleteObjects', deleteObjects],
  ['CreateMultipartUpload', createMultipartUpload],
  ['UploadPart', uploadPart],
  ['UploadPartCopy', uploadPartCopy],
  ['CompleteMultipartUpload', completeMultipartUpload],
  ['AbortMultipartUpload', abortMultipartUpload],
  ['ListParts', listParts],
]);

/** Bucket subresources by query parameter, with the name S3 gives their Get/Put/Delete operations. */
const BUCKET_SUBRESOURCES: Readonly<Record<string, string>> = {
  accelerate: 'BucketAccelerateConfiguration',
  acl: 'BucketAcl',
  analytics: 'BucketAnalyticsConfiguration',
  cors: 'BucketCors',
  encryption: 'BucketEncryption',
  'intelligent-tiering': 'BucketIntelligentTieringConfiguration',
  inventory: 'BucketInventoryConfiguration',
  lifecycle: 'BucketLifecycleConfiguration',
  logging: 'BucketLogging',
  metadataTable: 'BucketMetadataTableConfiguration',
  metrics: 'BucketMetricsConfiguration',
  notification: 'BucketNotificationConfiguration',
  'object-lock': 'ObjectLockConfiguration',
  ownershipControls: 'BucketOwnershipControls',
  policy: 'BucketPolicy',
  policyStatus: 'BucketPolicyStatus',
  publicAccessBlock: 'PublicAccessBlock',
  replication: 'BucketReplication',
  requestPayment: 'BucketRequestPayment',
  tagging: 'BucketTagging',
  versioning: 'BucketVersioning',
  website: 'BucketWebsite',
};

/** Object subresources by query parameter, with the name S3 gives their Get/Put/Delete operations. */
const OBJECT_SUBRESOURCES: Readonly<Record<string, string>> = {
  acl: 'ObjectAcl',
  attributes: 'ObjectAttributes',
  'legal-hold': 'ObjectLegalHold',
  retention: 'ObjectRetention',
  tagging: 'ObjectTagging',
  torrent: 'ObjectTorrent',
};

const VERBS: Readonly<Record<string, string>> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' };

/** S3's name for the operation a call makes, e.g. `ListObjectsV2`, `UploadPart` or `PutObjectAcl`. */
export function identifyOperation(call: S3Call): string {
  const has = (name: string): boolean => call.query.has(name);
  const method = call.method.toUpperCase();
  const subresource = (table: Readonly<Record<string, string>>): string | undefined => {
    const name = Object.keys(table).find(has);
    const verb = VERBS[method];
    return name === undefined || verb === undefined ? undefined : `${verb}${table[name]}`;
  };
  if (call.bucket === '') return method === 'GET' ? 'ListBuckets' : `${method} on the service`;
  if (call.key === '') {
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'POST') return has('delete') ? 'DeleteObjects' : 'PostObject';
    if (method === 'GET') {
      if (has('location')) return 'GetBucketLocation';
      if (has('uploads')) return 'ListMultipartUploads';
      if (has('versions')) return 'ListObjectVersions';
      if (has('session')) return 'CreateSession';
    }
    const named = subresource(BUCKET_SUBRESOURCES);
    if (named !== undefined) return named;
    if (method === 'GET') return call.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    if (method === 'PUT') return 'CreateBucket';
    return method === 'DELETE' ? 'DeleteBucket' : `${method} on a bucket`;
  }
  const copy = call.headers.has('x-amz-copy-source');
  switch (method) {
    case 'GET':
      return has('uploadId') ? 'ListParts' : (subresource(OBJECT_SUBRESOURCES) ?? 'GetObject');
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (has('uploadId') || has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
      if (has('renameObject')) return 'RenameObject';
      return subresource(OBJECT_SUBRESOURCES) ?? (copy ? 'CopyObject' : 'PutObject');
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      if (has('restore')) return 'RestoreObject';
      return has('select') ? 'SelectObjectContent' : `${method} on an object`;
    case 'DELETE':
      return has('uploadId') ? 'AbortMultipartUpload' : (subresource(OBJECT_SUBRESOURCES) ?? 'DeleteObject');
    default:
      return `${method} on an object`;
  }
}

/**
 * Runs a call: operations not implemented answer 501 first, then an invalid bucket name 400, an unknown bucket
 * 404 (before authorization: bucket names are the emulator's own, not a tenant's), an over-long key 400; then
 * the operation authorizes and acts. Every answer carries `x-amz-request-id` and `x-amz-id-2`; errors that are
 * not `S3Error`s propagate, for the server to answer 500.
 */
export async function runS3Call(call: S3Call, store: ObjectStore): Promise<S3Response> {
  let response: S3Response;
  try {
    response = await dispatch(call, store);
  } catch (error) {
    if (!(error instanceof S3Error)) throw error;
    response = s3ErrorResponse(error, call.method, call.requestId);
  }
  return { ...response, headers: { ...response.headers, ...requestIdHeaders(call.requestId) } };
}

/** The answer for an S3 error: its status, headers and XML body (no body for HEAD, as S3). */
export function s3ErrorResponse(error: S3Error, method: string, requestId?: string): S3Response {
  const headers =
    requestId === undefined ? { ...error.headers } : { ...error.headers, ...requestIdHeaders(requestId) };
  if (method.toUpperCase() === 'HEAD') return { status: error.status, headers };
  return {
    status: error.status,
    headers: { ...headers, 'content-type': 'application/xml' },
    body: renderS3Error(error, requestId ?? ''),
  };
}

/** The request id headers S3 puts on every answer. */
export function requestIdHeaders(requestId: string): Record<string, string> {
  return {
    'x-amz-request-id': requestId,
    'x-amz-id-2': createHash('sha256').update(`credvend-s3:${requestId}`).digest('base64'),
  };
}

async function dispatch(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const name = identifyOperation(call);
  const operation = OPERATIONS.get(name);
  if (operation === undefined) throw notImplemented(name);
  if (call.bucket !== '') {
    if (!isValidBucketName(call.bucket)) throw invalidBucketName(call.bucket);
    if (store.bucket(call.bucket) === undefined) throw noSuchBucket(call.bucket);
  }
  const keyBytes = Buffer.byteLength(call.key);
  if (keyBytes > 1024) throw keyTooLong(keyBytes);
  return operation(call, store);
}
