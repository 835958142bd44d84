/**
 * What an S3 request claims about its SigV4 signature, read from the `Authorization` header or the presigned
 * query parameters and checked for form, time and scope in S3's order, before anything is verified.
 */
import { parseAmzDate } from '../query-protocol/sigv4';
import { parseDeclaredTrailers, parseDecodedContentLength } from './aws-chunked';
import {
  accessDenied,
  authorizationHeaderMalformed,
  authorizationQueryParametersError,
  invalidArgument,
  invalidRequest,
  malformedTrailer,
  notImplemented,
  requestExpired,
  requestNotYetValid,
  requestTimeTooSkewed,
  type S3Error,
} from './errors';

/** The one signing algorithm S3 accepts here. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** SigV4 allows the request time to be this far from the server's clock, either way. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most a week. */
const MAX_EXPIRES_SECONDS = 604800;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const STREAMING_FRAMINGS: ReadonlyMap<string, StreamingFraming> = new Map([
  ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', { signed: true, trailer: false }],
  ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', { signed: true, trailer: true }],
  ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', { signed: false, trailer: true }],
]);
const SIGV4A_STREAMING = /^STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD(-TRAILER)?$/;

const ONLY_ONE_MECHANISM =
  'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter ' +
  'or the Authorization header should be specified';
const NEEDS_THREE_COMPONENTS =
  'The authorization header is malformed; the authorization header requires three components: Credential, ' +
  'SignedHeaders, and Signature.';
const QUERY_PARAMETERS_REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
  'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';
const CONTENT_SHA256_VALUES =
  'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, ' +
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, ' +
  'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.';
const NEEDS_DATE = 'AWS authentication requires a valid Date or x-amz-date header';

type Via = 'header' | 'presigned';
type RequestHeaders = ReadonlyMap<string, string>;

/** A decoded query: every value of a repeated name, in order. */
export type ParsedQuery = ReadonlyMap<string, readonly string[]>;

/** How an `aws-chunked` body is framed: chunk signatures or not, a trailer section or not. */
export interface StreamingFraming {
  readonly signed: boolean;
  readonly trailer: boolean;
}

/** What the client says about its payload (`x-amz-content-sha256`), already checked for form. */
export type PayloadClaim =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'sha256'; readonly hash: string }
  | (StreamingFraming & {
      readonly kind: 'chunked';
      readonly decodedContentLength: number;
      readonly declaredTrailers: readonly string[];
    });

/** A SigV4 signature as the client claims it, header or query form alike. */
export interface SigV4Claim {
  readonly via: Via;
  readonly accessKeyId: string;
  readonly region: string;
  /** `date/region/s3/aws4_request`. */
  readonly scope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** The signing time as the string to sign carries it (`20130524T000000Z`). */
  readonly amzDate: string;
  readonly signedAt: Date;
  readonly sessionToken: string | undefined;
  /** The last line of the canonical request. */
  readonly payloadHash: string;
  readonly payload: PayloadClaim;
}

/**
 * The signature a request claims, or undefined for an anonymous request. Throws the `S3Error` S3 answers for two
 * mechanisms at once, an unsupported one (SigV2, SigV4a), or a claim malformed, expired or outside the clock skew.
 */
export function claimOf(headers: RequestHeaders, query: ParsedQuery, nowMs: number): SigV4Claim | undefined {
  const authorization = headers.get('authorization');
  const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((name) =>
    query.has(name),
  );
  if (authorization !== undefined && (presigned || query.has('Signature'))) {
    throw invalidArgument(ONLY_ONE_MECHANISM, 'Authorization', authorization);
  }
  if (authorization !== undefined) return headerClaim(headers, authorization, nowMs);
  if (presigned) return presignedClaim(headers, query, nowMs);
  if (query.has('Signature') || query.has('AWSAccessKeyId')) throw unsupportedMechanism();
  return undefined;
}

/** The framing an `x-amz-content-sha256` value names, or undefined when it names no `aws-chunked` body. */
export function streamingFraming(contentSha256: string | undefined): StreamingFraming | undefined {
  return STREAMING_FRAMINGS.get(contentSha256 ?? '');
}

function headerClaim(headers: RequestHeaders, authorization: string, nowMs: number): SigV4Claim {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme === 'AWS' || scheme === 'AWS4-ECDSA-P256-SHA256') throw unsupportedMechanism();
  if (scheme !== SIGV4_ALGORITHM)
    throw invalidArgument('Unsupported Authorization Type', 'Authorization', authorization);
  const fields = new Map<string, string>();
  for (const part of space === -1 ? [] : trimmed.slice(space + 1).split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) throw authorizationHeaderMalformed(NEEDS_THREE_COMPONENTS);
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) throw authorizationHeaderMalformed(NEEDS_THREE_COMPONENTS);

  const time = headerTime(headers);
  if (Math.abs(time.signedAt.getTime() - nowMs) > MAX_SKEW_MS) {
    throw requestTimeTooSkewed(time.raw, isoSeconds(nowMs));
  }
  const scope = parseCredential(credential, time.amzDate, 'header');
  const { hash, payload } = headerPayload(headers);
  return {
    via: 'header',
    ...scope,
    signedHeaders: parseSignedHeaders(signedHeaders),
    signature,
    ...time,
    sessionToken: headers.get('x-amz-security-token'),
    payloadHash: hash,
    payload,
  };
}

function presignedClaim(headers: RequestHeaders, query: ParsedQuery, nowMs: number): SigV4Claim {
  const param = (name: string) => query.get(name)?.[0] ?? '';
  const required = ['Algorithm', 'Credential', 'Signature', 'Date', 'SignedHeaders', 'Expires'];
  if (required.some((name) => param(`X-Amz-${name}`) === '')) {
    throw authorizationQueryParametersError(QUERY_PARAMETERS_REQUIRED);
  }
  if (param('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    throw authorizationQueryParametersError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  }
  const amzDate = param('X-Amz-Date');
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    throw authorizationQueryParametersError(
      `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
    );
  }
  const expires = param('X-Amz-Expires');
  if (!/^-?\d+$/.test(expires)) throw authorizationQueryParametersError('X-Amz-Expires should be a number');
  const expiresSeconds = Number(expires);
  if (expiresSeconds < 1) throw authorizationQueryParametersError('X-Amz-Expires must be non-negative');
  if (expiresSeconds > MAX_EXPIRES_SECONDS) {
    throw authorizationQueryParametersError(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ' +
        `${MAX_EXPIRES_SECONDS} seconds`,
    );
  }
  const expiresAtMs = signedAt.getTime() + expiresSeconds * 1000;
  if (nowMs > expiresAtMs) throw requestExpired(expires, isoSeconds(expiresAtMs), isoSeconds(nowMs));
  if (signedAt.getTime() - nowMs > MAX_SKEW_MS) {
    throw requestNotYetValid(signedAt.getTime(), isoSeconds(expiresAtMs), isoSeconds(nowMs));
  }
  const scope = parseCredential(param('X-Amz-Credential'), amzDate, 'presigned');

  // A presigned URL cannot know its payload: it is UNSIGNED-PAYLOAD unless the request carries a hash to check.
  const contentSha256 = headers.get('x-amz-content-sha256');
  if (parseDeclaredTrailers(headers.get('x-amz-trailer')).length > 0) throw malformedTrailer();
  return {
    via: 'presigned',
    ...scope,
    signedHeaders: parseSignedHeaders(param('X-Amz-SignedHeaders')),
    signature: param('X-Amz-Signature'),
    amzDate,
    signedAt,
    sessionToken: query.get('X-Amz-Security-Token')?.[0],
    payloadHash: contentSha256 ?? UNSIGNED_PAYLOAD,
    payload:
      contentSha256 === undefined || contentSha256 === UNSIGNED_PAYLOAD
        ? { kind: 'unsigned' }
        : { kind: 'sha256', hash: contentSha256 },
  };
}

/** The signing time of a header-signed request: `X-Amz-Date`, or else the HTTP `Date` header. */
function headerTime(headers: RequestHeaders): { amzDate: string; signedAt: Date; raw: string } {
  const amzDate = headers.get('x-amz-date');
  if (amzDate !== undefined) {
    const signedAt = parseAmzDate(amzDate.trim());
    if (signedAt === undefined) throw accessDenied(NEEDS_DATE);
    return { amzDate: amzDate.trim(), signedAt, raw: amzDate };
  }
  const date = headers.get('date');
  const signedAt = date === undefined ? undefined : parseHttpDate(date.trim());
  if (date === undefined || signedAt === undefined) throw accessDenied(NEEDS_DATE);
  return { amzDate: isoSeconds(signedAt.getTime()).replace(/[-:]/g, ''), signedAt, raw: date };
}

/** `x-amz-content-sha256` of a header-signed request, which S3 requires and checks for form before anything else. */
function headerPayload(headers: RequestHeaders): { hash: string; payload: PayloadClaim } {
  const hash = headers.get('x-amz-content-sha256');
  if (hash === undefined)
    throw invalidRequest('Missing required header for this request: x-amz-content-sha256');
  const declaredTrailers = parseDeclaredTrailers(headers.get('x-amz-trailer'));
  const framing = STREAMING_FRAMINGS.get(hash);
  if (framing !== undefined) {
    const decodedContentLength = parseDecodedContentLength(headers.get('x-amz-decoded-content-length'));
    return { hash, payload: { kind: 'chunked', ...framing, decodedContentLength, declaredTrailers } };
  }
  if (SIGV4A_STREAMING.test(hash)) throw notImplemented(`SigV4a payload signing (${hash})`);
  if (hash !== UNSIGNED_PAYLOAD && !/^[0-9a-fA-F]{64}$/.test(hash)) {
    throw invalidArgument(CONTENT_SHA256_VALUES, 'x-amz-content-sha256', hash);
  }
  if (declaredTrailers.length > 0) throw malformedTrailer();
  return { hash, payload: hash === UNSIGNED_PAYLOAD ? { kind: 'unsigned' } : { kind: 'sha256', hash } };
}

/** Parses `AKID/yyyyMMdd/region/s3/aws4_request` and checks it against the request date, in S3's order. */
function parseCredential(
  credential: string,
  amzDate: string,
  via: Via,
): { accessKeyId: string; region: string; scope: string } {
  const fail = via === 'header' ? authorizationHeaderMalformed : authorizationQueryParametersError;
  const lead =
    via === 'header'
      ? 'The authorization header is malformed; '
      : 'Error parsing the X-Amz-Credential parameter; ';
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminal] = parts;
  if (parts.length !== 5 || !accessKeyId || date === undefined || region === undefined) {
    throw fail(
      `${lead}the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  }
  if (date !== amzDate.slice(0, 8)) {
    throw fail(
      `Invalid credential date "${date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
    );
  }
  // Any region is accepted: the sandbox does not emulate bucket regions.
  if (service !== 's3') throw fail(`${lead}incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminal !== 'aws4_request') {
    throw fail(`${lead}incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  }
  return { accessKeyId, region, scope: `${date}/${region}/s3/aws4_request` };
}

function parseSignedHeaders(list: string): readonly string[] {
  return [...new Set(list.split(';').filter((name) => name !== ''))].sort();
}

function unsupportedMechanism(): S3Error {
  return invalidRequest(
    'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  );
}

/** `Fri, 24 May 2013 00:00:00 GMT` (IMF-fixdate). */
function parseHttpDate(value: string): Date | undefined {
  const m = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
    value,
  );
  const month = m === null ? -1 : 'JanFebMarAprMayJunJulAugSepOctNovDec'.indexOf(m[2] ?? '-') / 3;
  if (m === null || !Number.isInteger(month) || month < 0) return undefined;
  const date = new Date(
    Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `2024-01-01T00:00:00Z`, the form S3 gives times in its error details. */
function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
