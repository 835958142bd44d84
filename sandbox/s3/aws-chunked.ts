/** Decoding of `aws-chunked` request bodies (S3 chunked uploads), with S3's chunk and trailer signature checks. */
import { sameSignature, sha256Hex } from '../account/secret-compare';
import {
  bodyTerminatedUnexpectedly,
  incompleteBody,
  invalidArgument,
  invalidChunkSize,
  invalidRequest,
  malformedTrailer,
  missingContentLength,
  signatureDoesNotMatch,
} from './errors';

/** The request's signing context that chunk and trailer signatures chain from. */
export interface ChunkSigning {
  readonly accessKeyId: string;
  /** Signs a string to sign with the request's signing key (`signer.sign(stringToSign, …)`). */
  readonly sign: (stringToSign: string) => Promise<string>;
  /** The request's `X-Amz-Date`, e.g. `20130524T000000Z`. */
  readonly amzDate: string;
  /** The request's credential scope, e.g. `20130524/us-east-1/s3/aws4_request`. */
  readonly scope: string;
  /** The request's own (seed) signature, which the first chunk signature chains from. */
  readonly seedSignature: string;
}

/**
 * How the body is framed, from `x-amz-content-sha256`: `signed` is `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (with
 * `trailer`, its `-TRAILER` variant); `unsigned-trailer` is `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
 */
export type AwsChunkedFraming =
  | { readonly kind: 'signed'; readonly trailer: boolean; readonly signing: ChunkSigning }
  | { readonly kind: 'unsigned-trailer' };

/** What `decodeAwsChunked` needs besides the body. */
export interface AwsChunkedOptions {
  readonly framing: AwsChunkedFraming;
  /** `x-amz-decoded-content-length`: the decoded payload must be exactly this long. */
  readonly decodedContentLength: number;
  /** Trailer names that `x-amz-trailer` declares, lower-case; exactly these must arrive. */
  readonly declaredTrailers: readonly string[];
}

/** A decoded `aws-chunked` body. */
export interface DecodedAwsChunked {
  readonly payload: Buffer;
  /** Trailing headers, names lower-cased (never `x-amz-trailer-signature`). */
  readonly trailers: ReadonlyMap<string, string>;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** S3 refuses any chunk but the last that is smaller than 8 KiB. */
const MIN_CHUNK_BYTES = 8192;
/** Longest chunk-header or trailer line read; real ones are under 200 bytes, and this bounds the CRLF search. */
const MAX_LINE_BYTES = 4096;
const CHECKSUM_TRAILERS = new Set([
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
]);

/** Parses `x-amz-decoded-content-length`, which every `aws-chunked` upload must carry. */
export function parseDecodedContentLength(value: string | undefined): number {
  if (value !== undefined && /^-\d+$/.test(value.trim())) {
    throw invalidArgument('Invalid Argument', 'x-amz-decoded-content-length', value);
  }
  if (value === undefined || !/^\d+$/.test(value.trim())) throw missingContentLength();
  const length = Number(value.trim());
  if (!Number.isSafeInteger(length)) {
    throw invalidArgument('Invalid Argument', 'x-amz-decoded-content-length', value);
  }
  return length;
}

/** Parses `x-amz-trailer`: at most one `x-amz-checksum-*` name, lower-cased. */
export function parseDeclaredTrailers(value: string | undefined): readonly string[] {
  const names = (value ?? '')
    .trim()
    .replace(/,$/, '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.some((name) => !CHECKSUM_TRAILERS.has(name))) {
    throw invalidRequest('The value specified in the x-amz-trailer header is not supported');
  }
  if (names.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header');
  return names;
}

/**
 * Decodes an `aws-chunked` body: `hex-size[;chunk-signature=sig]\r\n<data>\r\n` chunks up to a 0-size chunk, then
 * trailer lines (`-TRAILER` framings) and a blank line. Every chunk signature (and the trailer signature) is
 * verified, chained from the seed signature, before anything is returned. Throws only `S3Error`s.
 */
export async function decodeAwsChunked(body: Buffer, options: AwsChunkedOptions): Promise<DecodedAwsChunked> {
  const { framing, decodedContentLength } = options;
  const signing = framing.kind === 'signed' ? framing.signing : undefined;
  const trailerSection = framing.kind === 'unsigned-trailer' || framing.trailer;
  if (!Number.isSafeInteger(decodedContentLength) || decodedContentLength < 0) {
    throw invalidArgument('Invalid Argument', 'x-amz-decoded-content-length', String(decodedContentLength));
  }
  if (!trailerSection && options.declaredTrailers.length > 0) throw malformedTrailer();

  let previousSignature = signing?.seedSignature ?? '';
  const parts: Buffer[] = [];
  let decoded = 0;
  let position = 0;
  let lastSize: number | undefined;
  for (let chunk = 1; ; chunk++) {
    const line = readLine(body, position);
    position = line.next;
    const separator = line.text.indexOf(';');
    const hex = separator === -1 ? line.text : line.text.slice(0, separator);
    if (!/^[0-9a-fA-F]{1,64}$/.test(hex)) throw bodyTerminatedUnexpectedly();
    const size = BigInt(`0x${hex}`);
    if (lastSize !== undefined && lastSize < MIN_CHUNK_BYTES && size !== 0n) {
      throw invalidChunkSize(chunk, lastSize);
    }
    if (size > BigInt(decodedContentLength - decoded)) {
      throw incompleteBody(decodedContentLength, (BigInt(decoded) + size).toString());
    }
    lastSize = Number(size);
    if (position + lastSize > body.length) throw bodyTerminatedUnexpectedly();
    const data = body.subarray(position, position + lastSize);
    position += lastSize;
    if (signing !== undefined) {
      const provided = chunkSignature(separator === -1 ? undefined : line.text.slice(separator + 1));
      const stringToSign = [
        'AWS4-HMAC-SHA256-PAYLOAD',
        signing.amzDate,
        signing.scope,
        previousSignature,
        EMPTY_SHA256,
        sha256Hex(data),
      ].join('\n');
      await verify(signing, stringToSign, provided);
      previousSignature = provided;
    }
    if (lastSize === 0) break;
    if (body[position] !== 0x0d || body[position + 1] !== 0x0a) throw bodyTerminatedUnexpectedly();
    position += 2;
    parts.push(data);
    decoded += lastSize;
  }

  let trailers: ReadonlyMap<string, string> = new Map();
  if (trailerSection) {
    trailers = await readTrailers(body, position, options, signing, previousSignature);
  } else if (!isEmptyOrCrlf(body.subarray(position))) {
    throw bodyTerminatedUnexpectedly();
  }
  if (decoded !== decodedContentLength) throw incompleteBody(decodedContentLength, String(decoded));
  return { payload: Buffer.concat(parts), trailers };
}

async function readTrailers(
  body: Buffer,
  start: number,
  options: AwsChunkedOptions,
  signing: ChunkSigning | undefined,
  previousSignature: string,
): Promise<ReadonlyMap<string, string>> {
  const declared = new Set(options.declaredTrailers);
  const trailers = new Map<string, string>();
  const canonical: Array<readonly [string, string]> = [];
  let signature: string | undefined;
  let position = start;
  // A body may end right after its last trailer line: S3 does not insist on the closing blank line.
  while (position < body.length) {
    const line = readLine(body, position);
    position = line.next;
    if (line.text === '') {
      if (position !== body.length) throw bodyTerminatedUnexpectedly();
      break;
    }
    const colon = line.text.indexOf(':');
    if (colon <= 0) throw malformedTrailer();
    const rawName = line.text.slice(0, colon).trim();
    const name = rawName.toLowerCase();
    const value = line.text.slice(colon + 1).trim();
    if (signing !== undefined && name === 'x-amz-trailer-signature') {
      if (signature !== undefined) throw malformedTrailer();
      signature = value;
    } else {
      if (!declared.has(name) || trailers.has(name)) throw malformedTrailer();
      trailers.set(name, value);
      canonical.push([rawName, value]);
    }
  }
  if (signing !== undefined && signature === undefined) throw bodyTerminatedUnexpectedly();
  if (trailers.size !== declared.size) throw malformedTrailer();
  if (signing !== undefined && signature !== undefined) {
    const lines = canonical
      .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
      .map(([name, value]) => `${name}:${value}\n`)
      .join('');
    const stringToSign = [
      'AWS4-HMAC-SHA256-TRAILER',
      signing.amzDate,
      signing.scope,
      previousSignature,
      sha256Hex(Buffer.from(lines === '' ? '\n' : lines, 'latin1')),
    ].join('\n');
    await verify(signing, stringToSign, signature);
    // A signed trailer section must carry a trailer besides its signature.
    if (trailers.size === 0) throw bodyTerminatedUnexpectedly();
  }
  return trailers;
}

/** The `chunk-signature=` value of a signed chunk's header extension. */
function chunkSignature(extension: string | undefined): string {
  if (extension === undefined) throw bodyTerminatedUnexpectedly();
  const eq = extension.indexOf('=');
  const name = (eq === -1 ? extension : extension.slice(0, eq)).trim();
  const value = eq === -1 ? '' : extension.slice(eq + 1);
  if (name !== 'chunk-signature') throw signatureDoesNotMatch();
  if (value.includes(';') || value.trim() === '') throw bodyTerminatedUnexpectedly();
  return value.trim();
}

async function verify(signing: ChunkSigning, stringToSign: string, provided: string): Promise<void> {
  const expected = await signing.sign(stringToSign);
  if (!sameSignature(expected, provided)) {
    throw signatureDoesNotMatch({
      AWSAccessKeyId: signing.accessKeyId,
      StringToSign: stringToSign,
      SignatureProvided: provided,
    });
  }
}

/** The CRLF-terminated line at `start` (latin1, CRLF excluded); a missing CRLF ends the body too early. */
function readLine(body: Buffer, start: number): { readonly text: string; readonly next: number } {
  const end = body.subarray(start, start + MAX_LINE_BYTES + 2).indexOf('\r\n');
  if (end === -1) throw bodyTerminatedUnexpectedly();
  return { text: body.toString('latin1', start, start + end), next: start + end + 2 };
}

function isEmptyOrCrlf(rest: Buffer): boolean {
  return rest.length === 0 || (rest.length === 2 && rest[0] === 0x0d && rest[1] === 0x0a);
}
