/** ListObjectsV2 and ListObjects (v1): prefix, delimiter roll-up, pagination, `encoding-type=url`. */
import { invalidArgument } from '../errors';
import type { ObjectStore } from '../object-store';
import type { ObjectInfo } from '../stored-objects';
import type { S3Call, S3Response } from '../types';
import { type ListingPage, renderListObjectsV1, renderListObjectsV2 } from '../xml-results';
import { authorizeOrDeny, bucketArn, integerParameter, OWNER, xmlAnswer } from './common';

/** S3 returns at most this many keys and common prefixes per page, whatever `max-keys` asks. */
const MAX_KEYS = 1000;
/** Versions the opaque continuation token, so a token of another format is refused rather than misread. */
const TOKEN_PREFIX = 'credvend-v1:';

/**
 * ListObjectsV2 (`GET /b?list-type=2`); needs `s3:ListBucket` on the bucket with the condition keys the request
 * sets (`s3:prefix`, even empty, only when `prefix` is present; `s3:delimiter`; `s3:max-keys`).
 */
export async function listObjectsV2(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const request = await authorizedListing(call);
  const token = call.query.get('continuation-token');
  const startAfter = call.query.get('start-after');
  const after = token === undefined ? startAfter : decodeToken(token);
  const walk = walkListing(store, call.bucket, request, after === '' ? undefined : after);
  const page: ListingPage = {
    ...request,
    ...walk,
    bucket: call.bucket,
    owner: call.query.get('fetch-owner') === 'true' ? OWNER : undefined,
  };
  return xmlAnswer(
    renderListObjectsV2({
      ...page,
      keyCount: walk.objects.length + walk.commonPrefixes.length,
      continuationToken: token,
      nextContinuationToken: walk.isTruncated && walk.last !== undefined ? encodeToken(walk.last) : undefined,
      startAfter,
    }),
  );
}

/** ListObjects v1 (`GET /b`); authorized as ListObjectsV2. `NextMarker` only with a delimiter, as S3. */
export async function listObjectsV1(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const request = await authorizedListing(call);
  const marker = call.query.get('marker') ?? '';
  const walk = walkListing(store, call.bucket, request, marker === '' ? undefined : marker);
  return xmlAnswer(
    renderListObjectsV1({
      ...request,
      ...walk,
      bucket: call.bucket,
      owner: OWNER,
      marker,
      nextMarker: walk.isTruncated && request.delimiter !== undefined ? walk.last : undefined,
    }),
  );
}

/** What a listing request asks for, echoed back in its page. */
type ListingRequest = Pick<ListingPage, 'prefix' | 'delimiter' | 'maxKeys' | 'encodingType'>;

async function authorizedListing(call: S3Call): Promise<ListingRequest> {
  const prefix = call.query.get('prefix');
  const delimiter = call.query.get('delimiter');
  const maxKeysParameter = call.query.get('max-keys');
  const maxKeys = Math.min(integerParameter(call, 'max-keys', MAX_KEYS), MAX_KEYS);
  const encodingType = call.query.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  }
  const context: Record<string, string> = {};
  if (prefix !== undefined) context['s3:prefix'] = prefix;
  if (delimiter !== undefined) context['s3:delimiter'] = delimiter;
  if (maxKeysParameter !== undefined) context['s3:max-keys'] = maxKeysParameter;
  await authorizeOrDeny(call, 's3:ListBucket', bucketArn(call.bucket), context);
  return {
    prefix: prefix ?? '',
    delimiter: delimiter === '' ? undefined : delimiter,
    maxKeys,
    encodingType,
  };
}

interface ListingWalk {
  readonly objects: ObjectInfo[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  readonly last: string | undefined;
}

/**
 * One page: keys after `after` under the prefix, in UTF-8 byte order, keys sharing a prefix up to the delimiter
 * rolled up into one common prefix (counted once against `max-keys`). Truncated when another entry follows.
 */
function walkListing(
  store: ObjectStore,
  bucket: string,
  request: ListingRequest,
  after: string | undefined,
): ListingWalk {
  const objects: ObjectInfo[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let isTruncated = false;
  for (const object of store.list(bucket, request.prefix, after)) {
    const cut =
      request.delimiter === undefined ? -1 : object.key.indexOf(request.delimiter, request.prefix.length);
    const commonPrefix = cut < 0 ? undefined : object.key.slice(0, cut + (request.delimiter ?? '').length);
    // A page that ended on a common prefix resumes after it: its remaining keys were rolled up already.
    if (commonPrefix !== undefined && (commonPrefix === last || commonPrefix === after)) continue;
    if (objects.length + commonPrefixes.length >= request.maxKeys) {
      // S3 calls a zero-key page complete; a truncated page without a token would loop a client forever.
      isTruncated = request.maxKeys > 0;
      break;
    }
    if (commonPrefix === undefined) objects.push(object);
    else commonPrefixes.push(commonPrefix);
    last = commonPrefix ?? object.key;
  }
  return { objects, commonPrefixes, isTruncated, last };
}

function encodeToken(last: string): string {
  return Buffer.from(TOKEN_PREFIX + last, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64');
  const text = decoded.toString('utf8');
  if (decoded.toString('base64') !== token || !text.startsWith(TOKEN_PREFIX)) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return text.slice(TOKEN_PREFIX.length);
}
