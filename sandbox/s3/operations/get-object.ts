/** GetObject and HeadObject: conditional requests, byte ranges, parts, checksums and header overrides. */
import { invalidPartNumber, invalidRange, invalidRequest, noSuchVersion } from '../errors';
import type { ObjectStore } from '../object-store';
import type { ObjectInfo } from '../stored-objects';
import type { S3Call, S3Response } from '../types';
import {
  authorizeOrDeny,
  checksumHeaders,
  missingObject,
  objectArn,
  partNumberParameter,
  SSE_HEADERS,
} from './common';
import { evaluateConditions, READ_CONDITIONS } from './request-headers';

/** The `response-*` query parameters that override a header of the answer (S3 honours them on GET). */
const OVERRIDES = [
  'content-type',
  'content-language',
  'expires',
  'cache-control',
  'content-disposition',
  'content-encoding',
] as const;

/**
 * GetObject (`GET /b/k`) and HeadObject (`HEAD /b/k`); need `s3:GetObject`, or `s3:GetObjectVersion` when a
 * `versionId` is given (versioning is not emulated: only the `null` version exists). A missing key answers as
 * `missingObject` decides. HEAD answers carry `content-length` themselves, having no body to measure.
 */
export async function getObject(call: S3Call, store: ObjectStore): Promise<S3Response> {
  const { bucket, key } = call;
  const versionId = call.query.get('versionId');
  await authorizeOrDeny(
    call,
    versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
    objectArn(bucket, key),
  );
  if (versionId !== undefined && versionId !== 'null') throw noSuchVersion(key, versionId);
  const object = store.head(bucket, key) ?? (await missingObject(call, bucket, key));
  if (evaluateConditions(call.headers, READ_CONDITIONS, object) === 'not-modified') {
    return { status: 304, headers: { etag: object.etag, 'last-modified': httpDate(object.lastModifiedMs) } };
  }
  const slice = selectBytes(call, object);
  const headers: Record<string, string> = { ...objectHeaders(call, object), ...slice.headers };
  if (slice.whole && call.headers.get('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumHeaders(object.checksum));
  }
  const status = slice.whole ? 200 : 206;
  if (call.method === 'HEAD') {
    return { status, headers: { ...headers, 'content-length': String(slice.end - slice.start) } };
  }
  const body = (await store.read(object)) ?? (await missingObject(call, bucket, key));
  return { status, headers, body: body.subarray(slice.start, slice.end) };
}

/** An HTTP date, as `Last-Modified` carries it. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function objectHeaders(call: S3Call, object: ObjectInfo): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': httpDate(object.lastModifiedMs),
    'accept-ranges': 'bytes',
    ...SSE_HEADERS,
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  for (const name of OVERRIDES) {
    const value = call.query.get(`response-${name}`);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

interface ByteSlice {
  /** Start offset, inclusive. */
  readonly start: number;
  /** End offset, exclusive. */
  readonly end: number;
  readonly whole: boolean;
  readonly headers: Record<string, string>;
}

/**
 * The bytes to serve: one part (`partNumber`), one `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`), or the whole
 * object. As S3, a Range it cannot parse, or of several ranges, is ignored; one past the end is 416.
 */
function selectBytes(call: S3Call, object: ObjectInfo): ByteSlice {
  const size = object.size;
  const whole: ByteSlice = { start: 0, end: size, whole: true, headers: {} };
  const range = call.headers.get('range');
  const partParameter = call.query.get('partNumber');
  const partial = (start: number, end: number, extra: Record<string, string> = {}): ByteSlice => ({
    start,
    end,
    whole: false,
    headers: { 'content-range': `bytes ${start}-${end - 1}/${size}`, ...extra },
  });
  if (partParameter !== undefined) {
    if (range !== undefined)
      throw invalidRequest('Cannot specify both Range header and partNumber query parameter');
    const partNumber = partNumberParameter(partParameter);
    const sizes = object.partSizes ?? [size];
    const partSize = sizes[partNumber - 1];
    if (partSize === undefined) throw invalidPartNumber(partNumber, sizes.length);
    if (size === 0) return whole;
    const start = sizes.slice(0, partNumber - 1).reduce((sum, n) => sum + n, 0);
    const count: Record<string, string> =
      object.partSizes === undefined ? {} : { 'x-amz-mp-parts-count': String(sizes.length) };
    return partial(start, start + partSize, count);
  }
  const match = range === undefined ? null : /^\s*bytes=(\d*)-(\d*)\s*$/.exec(range);
  if (range === undefined || match === null) return whole;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return whole;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw invalidRange(range, size);
    return partial(Math.max(0, size - suffix), size);
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return whole;
  if (start >= size) throw invalidRange(range, size);
  return partial(start, last === '' ? size : Math.min(Number(last) + 1, size));
}
