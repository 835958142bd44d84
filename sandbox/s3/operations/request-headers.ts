/** What S3 reads from request headers: stored metadata, payload checksums, the copy source, preconditions. */
import {
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
  checksumHeader,
  checksumOf,
  isWellFormedChecksum,
  parseChecksumAlgorithm,
  verifyChecksum,
  verifyContentMd5,
} from '../checksums';
import {
  invalidArgument,
  invalidRequest,
  metadataTooLarge,
  noSuchKey,
  preconditionFailed,
  S3Error,
} from '../errors';
import type { ObjectInfo, ObjectMetadata, StoredChecksum } from '../stored-objects';
import type { S3Call } from '../types';

/** The system headers S3 stores with an object and answers with on GET and HEAD. */
export const STORED_HEADERS = [
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
] as const;

/** S3 bounds the user metadata (names and values, in UTF-8) of one object. */
const MAX_USER_METADATA_BYTES = 2048;

/** The metadata a PutObject, CopyObject (REPLACE) or CreateMultipartUpload request gives the object. */
export function metadataFromHeaders(headers: ReadonlyMap<string, string>): ObjectMetadata {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = headers.get(name);
    if (value !== undefined) stored[name] = value;
  }
  // `aws-chunked` describes how this request's body travelled, not the object: S3 drops it.
  const encoding = stored['content-encoding']
    ?.split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part.toLowerCase() !== 'aws-chunked')
    .join(',');
  if (encoding === '' || encoding === undefined) delete stored['content-encoding'];
  else stored['content-encoding'] = encoding;
  // `fromEntries` defines properties, so even a header `x-amz-meta-__proto__` stays a plain entry.
  const userMetadata = Object.fromEntries(
    [...headers]
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name.slice(11), value]),
  );
  const size = Object.entries(userMetadata).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  if (size > MAX_USER_METADATA_BYTES) throw metadataTooLarge(size);
  return { contentType: headers.get('content-type') ?? 'binary/octet-stream', headers: stored, userMetadata };
}

/** The checksum algorithm a request names for the object (`x-amz-checksum-algorithm`), if any. */
export function namedAlgorithm(
  headers: ReadonlyMap<string, string>,
  name: string,
): ChecksumAlgorithm | undefined {
  const value = headers.get(name);
  if (value === undefined) return undefined;
  const algorithm = parseChecksumAlgorithm(value);
  if (algorithm === undefined) {
    throw invalidRequest(
      `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${CHECKSUM_ALGORITHMS.join(', ')}]`,
    );
  }
  return algorithm;
}

/**
 * Checks a payload as S3 does: `Content-MD5`, then the one `x-amz-checksum-<alg>` given in a header or an
 * `aws-chunked` trailer (`InvalidRequest` when several or malformed, `BadDigest` when wrong). Returns the
 * checksum to keep: the one sent, or one computed in the algorithm the request names (`x-amz-sdk-checksum-algorithm`,
 * `x-amz-checksum-algorithm`, or `required` for a part of an upload that chose one).
 */
export async function verifyPayload(
  call: S3Call,
  required?: ChecksumAlgorithm,
): Promise<StoredChecksum | undefined> {
  verifyContentMd5(call.headers.get('content-md5'), call.payload);
  const sent = sentChecksum(call);
  const named = namedAlgorithm(call.headers, 'x-amz-sdk-checksum-algorithm');
  if (sent !== undefined && named !== undefined && named !== sent.algorithm) {
    throw invalidRequest('Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }
  if (sent !== undefined && required !== undefined && sent.algorithm !== required) {
    throw invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${required.toLowerCase()}, actual checksum Type: ${sent.algorithm.toLowerCase()}`,
    );
  }
  if (sent !== undefined) await verifyChecksum(sent.algorithm, sent.value, call.payload);
  const algorithm =
    sent?.algorithm ?? required ?? named ?? namedAlgorithm(call.headers, 'x-amz-checksum-algorithm');
  if (algorithm === undefined) return undefined;
  return {
    algorithm,
    value: sent?.value ?? (await checksumOf(algorithm, call.payload)),
    type: 'FULL_OBJECT',
  };
}

/** The one `x-amz-checksum-<alg>` a request sends in a header or trailer, checked for form; undefined if none. */
export function sentChecksum(call: S3Call): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  const sent = CHECKSUM_ALGORITHMS.flatMap((algorithm) => {
    const value = call.headers.get(checksumHeader(algorithm)) ?? call.trailers.get(checksumHeader(algorithm));
    return value === undefined ? [] : [{ algorithm, value: value.trim() }];
  });
  if (sent.length > 1) {
    throw invalidRequest(
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  const first = sent[0];
  if (first !== undefined && !isWellFormedChecksum(first.algorithm, first.value)) {
    throw invalidRequest(`Value for ${checksumHeader(first.algorithm)} header is invalid.`);
  }
  return first;
}

/** The object a copy names in `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
}

/** Parses `x-amz-copy-source`; `InvalidArgument` as S3 words it when it names no bucket and key. */
export function parseCopySource(header: string): CopySource {
  const query = header.indexOf('?');
  const path = query < 0 ? header : header.slice(0, query);
  const versionId = query < 0 ? undefined : new URLSearchParams(header.slice(query + 1)).get('versionId');
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', header);
  }
  const unrooted = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = unrooted.indexOf('/');
  if (slash <= 0 || slash === unrooted.length - 1) {
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      header,
    );
  }
  return {
    bucket: unrooted.slice(0, slash),
    key: unrooted.slice(slash + 1),
    versionId: versionId ?? undefined,
  };
}

/**
 * The conditional-write check of PutObject, CopyObject and CompleteMultipartUpload: `If-None-Match: *` refuses
 * to replace an object, `If-Match` requires the current one.
 */
export function writePrecondition(
  headers: ReadonlyMap<string, string>,
  key: string,
): (current: ObjectInfo | undefined) => void {
  const ifNoneMatch = headers.get('if-none-match');
  const ifMatch = headers.get('if-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error(
      'NotImplemented',
      501,
      'A header you provided implies functionality that is not implemented',
      {
        Header: 'If-None-Match',
      },
    );
  }
  return (current) => {
    if (ifNoneMatch !== undefined && current !== undefined) throw preconditionFailed('If-None-Match');
    if (ifMatch === undefined) return;
    if (current === undefined) throw noSuchKey(key);
    if (!etagMatches(ifMatch, current.etag)) throw preconditionFailed('If-Match');
  };
}

/** The names of the four conditional headers, as GET/HEAD or a copy source take them. */
export interface ConditionNames {
  readonly ifMatch: string;
  readonly ifNoneMatch: string;
  readonly ifModifiedSince: string;
  readonly ifUnmodifiedSince: string;
}

/** GetObject's and HeadObject's conditional headers. */
export const READ_CONDITIONS: ConditionNames = {
  ifMatch: 'if-match',
  ifNoneMatch: 'if-none-match',
  ifModifiedSince: 'if-modified-since',
  ifUnmodifiedSince: 'if-unmodified-since',
};

/** The `x-amz-copy-source-if-*` headers of CopyObject and UploadPartCopy. */
export const COPY_SOURCE_CONDITIONS: ConditionNames = {
  ifMatch: 'x-amz-copy-source-if-match',
  ifNoneMatch: 'x-amz-copy-source-if-none-match',
  ifModifiedSince: 'x-amz-copy-source-if-modified-since',
  ifUnmodifiedSince: 'x-amz-copy-source-if-unmodified-since',
};

/**
 * Evaluates conditional headers in RFC 9110's order, as S3 does: a failed `If-Match` (or, without it, a failed
 * `If-Unmodified-Since`) throws 412 `PreconditionFailed`; a matching `If-None-Match` (or, without it, an
 * unmet `If-Modified-Since`) yields `not-modified`. Unparseable dates are ignored.
 */
export function evaluateConditions(
  headers: ReadonlyMap<string, string>,
  names: ConditionNames,
  object: ObjectInfo,
): 'proceed' | 'not-modified' {
  const condition = (name: string): string =>
    name.replace(/(^|-)([a-z])/g, (_whole, dash: string, c: string) => dash + c.toUpperCase());
  const ifMatch = headers.get(names.ifMatch);
  const ifNoneMatch = headers.get(names.ifNoneMatch);
  // HTTP dates have whole seconds, so the comparison does too.
  const modified = Math.floor(object.lastModifiedMs / 1000) * 1000;
  const since = (name: string): number => Date.parse(headers.get(name) ?? '');
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, object.etag)) throw preconditionFailed(condition(names.ifMatch));
  } else if (modified > since(names.ifUnmodifiedSince)) {
    throw preconditionFailed(condition(names.ifUnmodifiedSince));
  }
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, object.etag) ? 'not-modified' : 'proceed';
  return modified <= since(names.ifModifiedSince) ? 'not-modified' : 'proceed';
}

/** Whether an `If-Match`-style list (`*`, quoted or bare ETags, weak or strong) names `etag`. */
export function etagMatches(list: string, etag: string): boolean {
  const bare = (value: string): string => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return list.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}
