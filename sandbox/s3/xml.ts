/** S3's XML: the result documents it renders, and a small strict parser for the two documents clients send. */
import {
  type ChecksumAlgorithm,
  type ChecksumType,
  checksumElement,
  parseChecksumAlgorithm,
} from './checksums';
import { escapeXml, malformedXml } from './errors';

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
  const enc = encoder(page.encodingType);
  return document(
    'ListBucketResult',
    el('Name', page.bucket) +
      el('Prefix', enc(page.prefix)) +
      el('Delimiter', page.delimiter === undefined ? undefined : enc(page.delimiter)) +
      el('MaxKeys', page.maxKeys) +
      el('EncodingType', page.encodingType) +
      el('KeyCount', page.keyCount) +
      el('IsTruncated', page.isTruncated) +
      el('ContinuationToken', page.continuationToken) +
      el('NextContinuationToken', page.nextContinuationToken) +
      el('StartAfter', page.startAfter === undefined ? undefined : enc(page.startAfter)) +
      listingEntries(page, enc),
  );
}

/** ListObjects (v1)'s `ListBucketResult`; S3 sends `NextMarker` only when a delimiter was given. */
export function renderListObjectsV1(
  page: ListingPage & { readonly marker: string; readonly nextMarker: string | undefined },
): string {
  const enc = encoder(page.encodingType);
  return document(
    'ListBucketResult',
    el('Name', page.bucket) +
      el('Prefix', enc(page.prefix)) +
      el('Marker', enc(page.marker)) +
      el('MaxKeys', page.maxKeys) +
      el('Delimiter', page.delimiter === undefined ? undefined : enc(page.delimiter)) +
      el('EncodingType', page.encodingType) +
      el('IsTruncated', page.isTruncated) +
      el('NextMarker', page.nextMarker === undefined ? undefined : enc(page.nextMarker)) +
      listingEntries(page, enc),
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

/** One object of a DeleteObjects request, or of its result. */
export interface DeleteEntry {
  readonly key: string;
  readonly versionId?: string;
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

/** A part as CompleteMultipartUpload names it. */
export interface CompletedPartRequest {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksums: ReadonlyMap<ChecksumAlgorithm, string>;
}

/** Parses a `CompleteMultipartUpload` document; `MalformedXML` unless it lists at least one part. */
export function parseCompleteMultipartUpload(body: Buffer): CompletedPartRequest[] {
  const root = parseXml(body, 'CompleteMultipartUpload');
  const parts = root.children.map((part) => {
    if (part.name !== 'Part') throw malformedXml();
    const partNumber = leaf(part, 'PartNumber');
    const etag = leaf(part, 'ETag');
    if (partNumber === undefined || !/^\d{1,5}$/.test(partNumber.trim()) || etag === undefined) {
      throw malformedXml();
    }
    const checksums = new Map<ChecksumAlgorithm, string>();
    for (const child of part.children) {
      const algorithm = child.name.startsWith('Checksum')
        ? parseChecksumAlgorithm(child.name.slice(8))
        : undefined;
      if (algorithm !== undefined) checksums.set(algorithm, child.text.trim());
    }
    return { partNumber: Number(partNumber.trim()), etag: etag.trim(), checksums };
  });
  if (parts.length === 0) throw malformedXml();
  return parts;
}

/** Parses a `Delete` document: 1 to 1000 objects, each with a key; `MalformedXML` otherwise. */
export function parseDelete(body: Buffer): { readonly quiet: boolean; readonly objects: DeleteEntry[] } {
  const root = parseXml(body, 'Delete');
  let quiet = false;
  const objects: DeleteEntry[] = [];
  for (const child of root.children) {
    if (child.name === 'Quiet') {
      const value = child.text.trim().toLowerCase();
      if (value !== 'true' && value !== 'false') throw malformedXml();
      quiet = value === 'true';
    } else if (child.name === 'Object') {
      const key = leaf(child, 'Key');
      if (key === undefined || key === '') throw malformedXml();
      const versionId = leaf(child, 'VersionId');
      objects.push(versionId === undefined ? { key } : { key, versionId });
    } else {
      throw malformedXml();
    }
  }
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  return { quiet, objects };
}

interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

// Bounds a hostile document: 1000 keys of 1024 bytes, or 10000 parts, fit well within them.
const MAX_XML_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 8;
const NAME = /[A-Za-z_][\w.:-]*/y;
const ATTRIBUTE = /\s+[A-Za-z_][\w.:-]*\s*=\s*("[^"<]*"|'[^'<]*')/y;

/**
 * Elements, attributes, text, the five predefined entities and character references. No DTD, comments, CDATA,
 * processing instructions (beyond the XML declaration) or mixed content: S3's request documents need none, and
 * refusing DTDs is what rules out entity expansion.
 */
function parseXml(body: Buffer, rootName: string): XmlElement {
  if (body.length > MAX_XML_BYTES) throw malformedXml();
  const text = body.toString('utf8');
  let at = text.startsWith('\uFEFF') ? 1 : 0;
  const skipSpace = (): void => {
    while (at < text.length && ' \t\r\n'.includes(text.charAt(at))) at++;
  };
  const match = (pattern: RegExp): string => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (found === null) throw malformedXml();
    at = pattern.lastIndex;
    return found[0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH || text.charAt(at) !== '<') throw malformedXml();
    at++;
    const name = match(NAME);
    const node: XmlElement = { name: name.slice(name.indexOf(':') + 1), children: [], text: '' };
    for (;;) {
      const before = at;
      skipSpace();
      if (text.charAt(at) === '>' || text.startsWith('/>', at)) break;
      at = before;
      match(ATTRIBUTE);
    }
    if (text.startsWith('/>', at)) {
      at += 2;
      return node;
    }
    if (text.charAt(at) !== '>') throw malformedXml();
    at++;
    for (;;) {
      const next = text.indexOf('<', at);
      if (next < 0) throw malformedXml();
      node.text += decodeText(text.slice(at, next));
      at = next;
      if (text.startsWith('</', at)) break;
      if (text.startsWith('<!', at) || text.startsWith('<?', at)) throw malformedXml();
      node.children.push(element(depth + 1));
    }
    at += 2;
    if (match(NAME) !== name) throw malformedXml();
    skipSpace();
    if (text.charAt(at) !== '>') throw malformedXml();
    at++;
    if (node.children.length > 0 && node.text.trim() !== '') throw malformedXml();
    return node;
  };
  if (text.startsWith('<?xml', at)) {
    const end = text.indexOf('?>', at);
    if (end < 0) throw malformedXml();
    at = end + 2;
  }
  skipSpace();
  const root = element(0);
  skipSpace();
  if (at !== text.length || root.name !== rootName) throw malformedXml();
  return root;
}

const ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

function decodeText(raw: string): string {
  // XML normalizes line ends before anything else, so `&#13;` survives as a carriage return.
  return raw.replace(/\r\n?/g, '\n').replace(/&([^;&]*);|&/g, (_whole, name: string | undefined) => {
    const reference = name ?? '';
    const named = ENTITIES.get(reference);
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(reference)
      ? Number.parseInt(reference.slice(2), 16)
      : /^#\d{1,7}$/.test(reference)
        ? Number(reference.slice(1))
        : Number.NaN;
    if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw malformedXml();
    return String.fromCodePoint(code);
  });
}

function leaf(parent: XmlElement, name: string): string | undefined {
  const found = parent.children.filter((child) => child.name === name);
  if (found.length > 1 || found.some((child) => child.children.length > 0)) throw malformedXml();
  return found[0]?.text;
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

function encoder(encodingType: 'url' | undefined): (text: string) => string {
  return encodingType === 'url' ? s3UrlEncode : (text) => text;
}

function listingEntries(page: ListingPage, enc: (text: string) => string): string {
  const contents = page.objects.map(
    (o) =>
      `<Contents>${el('Key', enc(o.key))}${el('LastModified', isoTime(o.lastModifiedMs))}${el('ETag', o.etag)}` +
      `${el('ChecksumAlgorithm', o.checksum?.algorithm)}${el('ChecksumType', o.checksum?.type)}${el('Size', o.size)}` +
      `${page.owner === undefined ? '' : ownerXml('Owner', page.owner)}${el('StorageClass', 'STANDARD')}</Contents>`,
  );
  const prefixes = page.commonPrefixes.map((p) => `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`);
  return contents.join('') + prefixes.join('');
}
