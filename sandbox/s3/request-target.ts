/** Where a path-style S3 request points: the bucket, the literal object key, and the decoded query parameters. */
import { decodeForm, toParams } from '../query-protocol/form';
import { S3Error } from './errors';

/** A request's target. */
export interface ParsedTarget {
  /** `''` for the service itself (ListBuckets). */
  readonly bucket: string;
  /** The decoded key, never normalized (`..` and `//` are part of it); `''` for bucket-level requests. */
  readonly key: string;
  /** Decoded query parameters, the first value of each name. */
  readonly query: ReadonlyMap<string, string>;
}

const invalidUri = (): S3Error => new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.");

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidUri();
  }
}

/** Splits `/bucket/key…?query`; throws `InvalidURI` for a malformed percent escape. */
export function parseTarget(rawPath: string, rawQuery: string): ParsedTarget {
  if (!rawPath.startsWith('/')) throw invalidUri();
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = decode(slash === -1 ? rest : rest.slice(0, slash));
  // In a path, `+` is a literal plus; only query strings use it for a space.
  const key = slash === -1 ? '' : decode(rest.slice(slash + 1));
  const pairs = decodeForm(rawQuery);
  if (pairs === undefined) throw invalidUri();
  return { bucket, key, query: toParams(pairs) };
}
