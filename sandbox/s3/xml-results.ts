/** S3's XML result documents: listings, copy and multipart results, DeleteObjects' answer, all in S3's namespace. */
import { type ChecksumAlgorithm, type ChecksumType, checksumElement } from './checksums';
import { escapeXml } from './errors';
import type { DeleteEntry } from './xml-requests';

/** The namespace of every S3 result document. */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** The owner S3 names in listings. */
export interface S3Owner {
  readonly id: string;
  readonly displayName: string;
}

/** A stored checksum as results carry it. */
export interface ChecksumValue {
  readonly algorithm: ChecksumAlgorithm;
  readonly value: string;
  readonly type: ChecksumType;
}

/** An object in a listing. */
export interface ListedObject {
  readonly key: string;
  readonly lastModifiedMs: number;
  /** With its double quotes. */
  readonly etag: string;
  readonly size: number;
  readonly checksum?: ChecksumValue;
}

/** What ListObjects (v1 and v2) share. */
export interface ListingPage {
  readonly bucket: string;
  readonly prefix: string;
  readonly delimiter: string | undefined;
  readonly maxKeys: number;
  /** `url` asks for URL-encoded keys, prefixes, delimiter and markers. */
  readonly encodingType: 'url' | undefined;
  readonly objects: readonly ListedObject[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** Present when the listing shows owners (always in v1, with `fetch-owner=true` in v2). */
  readonly owner: S3Owner | undefined;
}

/** A time as S3 writes it in XML (ISO 8601 with milliseconds). */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

/**
 * URL-encodes text the way S3 does for `encoding-type=url`: UTF-8 percent-escapes, space as `+`, and `/`, `*`,
 * `-`, `_`, `.` left as they are (botocore decodes with `unquote_plus`, so `+` in a key must become `%2B`).
 */
export function s3UrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.*/]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** ListObjectsV2's `ListBucketResult`. */
export function renderListObjectsV2(
  page: ListingPage & {
    readonly keyCount: number;
    readonly continuationToken: string | undefined;
    readonly nextContinuationToken: string | undefined;
    readonly startAfter: string | undefined;
  },
): string {
  return listBucketResult(
    page,
    (enc) =>
      el('Delimiter', enc(page.delimiter)) +
      el('MaxKeys', page.maxKeys) +
      el('EncodingType', page.encodingType) +
      el('KeyCount', page.keyCount) +
      el('IsTruncated', page.isTruncated) +
      el('ContinuationToken', page.continuationToken) +
      el('NextContinuationToken', page.nextContinuationToken) +
      el('StartAfter', enc(page.startAfter)),
  );
}

/** ListObjects (v1)'s `ListBucketResult`; S3 sends `NextMarker` only when a delimiter was given. */
export function renderListObjectsV1(
  page: ListingPage & { readonly marker: string; readonly nextMarker: string | undefined },
): string {
  return listBucketResult(
    page,
    (enc) =>
      el('Marker', enc(page.marker)) +
      el('MaxKeys', page.maxKeys) +
      el('Delimiter', enc(page.delimiter)) +
      el('EncodingType', page.encodingType) +
      el('IsTruncated', page.isTruncated) +
      el('NextMarker', enc(page.nextMarker)),
  );
}

/** ListBuckets' `ListAllMyBucketsResult`. */
export function renderListBuckets(
  owner: S3Owner,
  buckets: readonly { readonly name: string; readonly creationDateMs: number; readonly region: string }[],
): string {
  const entries = buckets.map(
    (b) =>
      `<Bucket>${el('Name', b.name)}${el('CreationDate', isoTime(b.creationDateMs))}${el('BucketRegion', b.region)}</Bucket>`,
  );
  return document(
    'ListAllMyBucketsResult',
    `${ownerXml('Owner', owner)}<Buckets>${entries.join('')}</Buckets>`,
  );
}

/** GetBucketLocation's `LocationConstraint`: empty for us-east-1, as S3 answers. */
export function renderLocation(region: string): string {
  return document('LocationConstraint', region === 'us-east-1' ? '' : escapeXml(region));
}

/** CopyObject's `CopyObjectResult`, or UploadPartCopy's `CopyPartResult`. */
export function renderCopyResult(
  root: 'CopyObjectResult' | 'CopyPartResult',
  result: { readonly etag: string; readonly lastModifiedMs: number; readonly checksum?: ChecksumValue },
): string {
  return document(
    root,
    el('ETag', result.etag) +
      el('LastModified', isoTime(result.lastModifiedMs)) +
      checksumXml(result.checksum),
  );
}

/** CreateMultipartUpload's `InitiateMultipartUploadResult`. */
export function renderInitiateMultipartUpload(bucket: string, key: string, uploadId: string): string {
  return document(
    'InitiateMultipartUploadResult',
    el('Bucket', bucket) + el('Key', key) + el('UploadId', uploadId),
  );
}

/** CompleteMultipartUpload's `CompleteMultipartUploadResult`. */
export function renderCompleteMultipartUpload(result: {
  readonly location: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly checksum?: ChecksumValue;
}): string {
  return document(
    'CompleteMultipartUploadResult',
    el('Location', result.location) +
      el('Bucket', result.bucket) +
      el('Key', result.key) +
      el('ETag', result.etag) +
      checksumXml(result.checksum),
  );
}

/** ListParts' `ListPartsResult`. */
export function renderListParts(result: {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly owner: S3Owner;
  readonly partNumberMarker: number;
  readonly nextPartNumberMarker: number | undefined;
  readonly maxParts: number;
  readonly isTruncated: boolean;
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly type: ChecksumType } | undefined;
  readonly parts: readonly {
    readonly partNumber: number;
    readonly lastModifiedMs: number;
    readonly etag: string;
    readonly size: number;
    readonly checksum: string | undefined;
  }[];
}): string {
  const algorithm = result.checksum?.algorithm;
  const parts = result.parts.map(
    (p) =>
      `<Part>${el('PartNumber', p.partNumber)}${el('LastModified', isoTime(p.lastModifiedMs))}` +
      `${el('ETag', p.etag)}${el('Size', p.size)}` +
      `${algorithm === undefined ? '' : el(checksumElement(algorithm), p.checksum)}</Part>`,
  );
  return document(
    'ListPartsResult',
    el('Bucket', result.bucket) +
      el('Key', result.key) +
      el('UploadId', result.uploadId) +
      el('PartNumberMarker', result.partNumberMarker) +
      el('NextPartNumberMarker', result.nextPartNumberMarker) +
      el('MaxParts', result.maxParts) +
      el('IsTruncated', result.isTruncated) +
      ownerXml('Initiator', result.owner) +
      ownerXml('Owner', result.owner) +
      el('StorageClass', 'STANDARD') +
      el('ChecksumAlgorithm', algorithm) +
      el('ChecksumType', result.checksum?.type) +
      parts.join(''),
  );
}

/** DeleteObjects' `DeleteResult`; a quiet request lists only the errors. */
export function renderDeleteResult(
  deleted: readonly DeleteEntry[],
  errors: readonly (DeleteEntry & { readonly code: string; readonly message: string })[],
): string {
  const ok = deleted.map((d) => `<Deleted>${el('Key', d.key)}${el('VersionId', d.versionId)}</Deleted>`);
  const failed = errors.map(
    (e) =>
      `<Error>${el('Key', e.key)}${el('VersionId', e.versionId)}${el('Code', e.code)}${el('Message', e.message)}</Error>`,
  );
  return document('DeleteResult', ok.join('') + failed.join(''));
}

function document(root: string, content: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${content}</${root}>`;
}

function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

function ownerXml(name: string, owner: S3Owner): string {
  return `<${name}>${el('ID', owner.id)}${el('DisplayName', owner.displayName)}</${name}>`;
}

function checksumXml(checksum: ChecksumValue | undefined): string {
  if (checksum === undefined) return '';
  return el(checksumElement(checksum.algorithm), checksum.value) + el('ChecksumType', checksum.type);
}

/** Text as a listing writes it: URL-encoded when the request asked for `encoding-type=url`. */
type Encode = (text: string | undefined) => string | undefined;

function encoder(encodingType: 'url' | undefined): Encode {
  return encodingType === 'url'
    ? (text) => (text === undefined ? undefined : s3UrlEncode(text))
    : (text) => text;
}

/** Both ListObjects versions: `Name` and `Prefix` first, then their own fields, then the entries. */
function listBucketResult(page: ListingPage, fields: (enc: Encode) => string): string {
  const enc = encoder(page.encodingType);
  return document(
    'ListBucketResult',
    el('Name', page.bucket) + el('Prefix', enc(page.prefix)) + fields(enc) + listingEntries(page, enc),
  );
}

function listingEntries(page: ListingPage, enc: Encode): string {
  const contents = page.objects.map(
    (o) =>
      `<Contents>${el('Key', enc(o.key))}${el('LastModified', isoTime(o.lastModifiedMs))}${el('ETag', o.etag)}` +
      `${el('ChecksumAlgorithm', o.checksum?.algorithm)}${el('ChecksumType', o.checksum?.type)}${el('Size', o.size)}` +
      `${page.owner === undefined ? '' : ownerXml('Owner', page.owner)}${el('StorageClass', 'STANDARD')}</Contents>`,
  );
  const prefixes = page.commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`);
  return contents.join('') + prefixes.join('');
}
