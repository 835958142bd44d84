/** The bucket-level reads: ListBuckets, GetBucketLocation and HeadBucket. */
import type { ObjectStore } from '../object-store';
import type { S3Call, S3Response } from '../types';
import { renderListBuckets, renderLocation } from '../xml-results';
import { authorizeOrDeny, bucketArn, OWNER, xmlAnswer } from './common';

/** ListBuckets (`GET /`): every bucket of the account; needs `s3:ListAllMyBuckets` on `*`. */
export async function listBuckets(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:ListAllMyBuckets', '*');
  const prefix = call.query.get('prefix') ?? '';
  const buckets = store.buckets().filter((bucket) => bucket.name.startsWith(prefix));
  return xmlAnswer(renderListBuckets(OWNER, buckets));
}

/** GetBucketLocation (`GET /b?location`); needs `s3:GetBucketLocation` on the bucket. */
export async function getBucketLocation(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:GetBucketLocation', bucketArn(call.bucket));
  return xmlAnswer(renderLocation(regionOf(call, store)));
}

/** HeadBucket (`HEAD /b`): S3 asks for `s3:ListBucket` (with no prefix) and answers with the region. */
export async function headBucket(call: S3Call, store: ObjectStore): Promise<S3Response> {
  await authorizeOrDeny(call, 's3:ListBucket', bucketArn(call.bucket));
  return {
    status: 200,
    headers: { 'x-amz-bucket-region': regionOf(call, store), 'x-amz-access-point-alias': 'false' },
  };
}

function regionOf(call: S3Call, store: ObjectStore): string {
  return store.bucket(call.bucket)?.region ?? 'us-east-1';
}
