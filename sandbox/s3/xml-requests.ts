/** S3's request documents (`CompleteMultipartUpload`, `Delete`), read by a small strict XML parser. */
import { type ChecksumAlgorithm, parseChecksumAlgorithm } from './checksums';
import { malformedXml } from './errors';

/** One object of a DeleteObjects request, or of its result. */
export interface DeleteEntry {
  readonly key: string;
  readonly versionId?: string;
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
