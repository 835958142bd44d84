/**
 * S3 request authentication as S3 does it: anonymous, SigV4 in the `Authorization` header, or SigV4 in the query
 * (presigned URLs); the signature is recomputed with @smithy/signature-v4 over the request as received, and the
 * payload (hashed, unsigned or `aws-chunked`) is verified before it is handed on.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalHeaders, getCanonicalQuery, SignatureV4 } from '@smithy/signature-v4';
import { headerValue, parseAmzDate } from '../sts-emulator/sigv4';
import {
  type AwsChunkedFraming,
  decodeAwsChunked,
  parseDeclaredTrailers,
  parseDecodedContentLength,
} from './aws-chunked';
import {
  accessDenied,
  authorizationHeaderMalformed,
  authorizationQueryParametersError,
  expiredToken,
  headersNotSigned,
  invalidAccessKeyId,
  invalidArgument,
  invalidRequest,
  invalidToken,
  malformedTrailer,
  notImplemented,
  requestExpired,
  requestNotYetValid,
  requestTimeTooSkewed,
  type S3Error,
  signatureDoesNotMatch,
  xAmzContentSha256Mismatch,
} from './errors';
import type { ReceivedS3Request, S3Authentication, SigningKey, SigningKeyLookup } from './types';

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** SigV4 allows the request time to be this far from the server's clock, either way. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most a week. */
const MAX_EXPIRES_SECONDS = 604800;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const STREAMING_FRAMINGS: ReadonlyMap<string, { readonly signed: boolean; readonly trailer: boolean }> =
  new Map([
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
type Query = ReadonlyMap<string, readonly string[]>;

/** What the client says about its payload (`x-amz-content-sha256`), already checked for form. */
type PayloadClaim =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'sha256'; readonly hash: string }
  | {
      readonly kind: 'chunked';
      readonly signed: boolean;
      readonly trailer: boolean;
      readonly decodedContentLength: number;
      readonly declaredTrailers: readonly string[];
    };

/** A SigV4 signature as the client claims it, header or query form alike. */
interface Claim {
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
 * Authenticates an S3 request as S3 would, or throws the `S3Error` S3 would answer. A signed request's payload is
 * returned only once its signature, its body hash or every chunk signature has been verified.
 */
export async function authenticateS3(
  request: ReceivedS3Request,
  lookup: SigningKeyLookup,
  nowMs: number,
): Promise<S3Authentication> {
  const query = parseQuery(request.rawQuery);
  const authorization = headerValue(request.rawHeaders, 'authorization');
  const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'].some((name) =>
    query.has(name),
  );
  if (authorization !== undefined && (presigned || query.has('Signature'))) {
    throw invalidArgument(ONLY_ONE_MECHANISM, 'Authorization', authorization);
  }
  let claim: Claim;
  if (authorization !== undefined) claim = headerClaim(request.rawHeaders, authorization, nowMs);
  else if (presigned) claim = presignedClaim(request.rawHeaders, query, nowMs);
  else if (query.has('Signature') || query.has('AWSAccessKeyId')) throw unsupportedMechanism();
  else return anonymous(request);

  const key = checkCredentials(claim, lookup(claim.accessKeyId), nowMs);
  const signer = new SignatureV4({
    service: 's3',
    region: claim.region,
    credentials: { accessKeyId: claim.accessKeyId, secretAccessKey: key.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const sign = (stringToSign: string) =>
    signer.sign(stringToSign, {
      signingDate: claim.signedAt,
      signingRegion: claim.region,
      signingService: 's3',
    });
  await checkSignature(request, query, claim, sign);
  const unsigned = unsignedAmzHeaders(request.rawHeaders, claim.signedHeaders);
  if (unsigned.length > 0) throw headersNotSigned(unsigned);

  const { payload, trailers } = await verifiedPayload(request.body, claim, sign);
  return {
    kind: 'signed',
    accessKeyId: claim.accessKeyId,
    via: claim.via,
    payload,
    trailers,
    signedAtMs: claim.signedAt.getTime(),
  };
}

function headerClaim(rawHeaders: readonly string[], authorization: string, nowMs: number): Claim {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (scheme === 'AWS' || scheme === 'AWS4-ECDSA-P256-SHA256') throw unsupportedMechanism();
  if (scheme !== ALGORITHM)
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

  const time = headerTime(rawHeaders);
  if (Math.abs(time.signedAt.getTime() - nowMs) > MAX_SKEW_MS) {
    throw requestTimeTooSkewed(time.raw, isoSeconds(nowMs));
  }
  const scope = parseCredential(credential, time.amzDate, 'header');
  const { hash, payload } = headerPayload(rawHeaders);
  return {
    via: 'header',
    ...scope,
    signedHeaders: parseSignedHeaders(signedHeaders),
    signature,
    ...time,
    sessionToken: headerValue(rawHeaders, 'x-amz-security-token'),
    payloadHash: hash,
    payload,
  };
}

function presignedClaim(rawHeaders: readonly string[], query: Query, nowMs: number): Claim {
  const param = (name: string) => query.get(name)?.[0] ?? '';
  const required = ['Algorithm', 'Credential', 'Signature', 'Date', 'SignedHeaders', 'Expires'];
  if (required.some((name) => param(`X-Amz-${name}`) === '')) {
    throw authorizationQueryParametersError(QUERY_PARAMETERS_REQUIRED);
  }
  if (param('X-Amz-Algorithm') !== ALGORITHM) {
    throw authorizationQueryParametersError(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
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
  const contentSha256 = headerValue(rawHeaders, 'x-amz-content-sha256');
  if (parseDeclaredTrailers(headerValue(rawHeaders, 'x-amz-trailer')).length > 0) throw malformedTrailer();
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
function headerTime(rawHeaders: readonly string[]): { amzDate: string; signedAt: Date; raw: string } {
  const amzDate = headerValue(rawHeaders, 'x-amz-date');
  if (amzDate !== undefined) {
    const signedAt = parseAmzDate(amzDate.trim());
    if (signedAt === undefined) throw accessDenied(NEEDS_DATE);
    return { amzDate: amzDate.trim(), signedAt, raw: amzDate };
  }
  const date = headerValue(rawHeaders, 'date');
  const signedAt = date === undefined ? undefined : parseHttpDate(date.trim());
  if (date === undefined || signedAt === undefined) throw accessDenied(NEEDS_DATE);
  return { amzDate: isoSeconds(signedAt.getTime()).replace(/[-:]/g, ''), signedAt, raw: date };
}

/** `x-amz-content-sha256` of a header-signed request, which S3 requires and checks for form before anything else. */
function headerPayload(rawHeaders: readonly string[]): { hash: string; payload: PayloadClaim } {
  const hash = headerValue(rawHeaders, 'x-amz-content-sha256');
  if (hash === undefined)
    throw invalidRequest('Missing required header for this request: x-amz-content-sha256');
  const declaredTrailers = parseDeclaredTrailers(headerValue(rawHeaders, 'x-amz-trailer'));
  const framing = STREAMING_FRAMINGS.get(hash);
  if (framing !== undefined) {
    const decodedContentLength = parseDecodedContentLength(
      headerValue(rawHeaders, 'x-amz-decoded-content-length'),
    );
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

/** The key's secret, once the key, its session token and its session's lifetime are good. */
function checkCredentials(claim: Claim, key: SigningKey | undefined, nowMs: number): SigningKey {
  if (key === undefined) throw invalidAccessKeyId(claim.accessKeyId);
  const token = claim.sessionToken;
  if (key.sessionToken === undefined) {
    if (token !== undefined) throw invalidToken();
  } else {
    // S3 does not recognize a session key that travels without its token.
    if (token === undefined) throw invalidAccessKeyId(claim.accessKeyId);
    if (!sameSecret(token, key.sessionToken)) throw invalidToken();
  }
  if (key.expiresAtMs !== undefined && nowMs >= key.expiresAtMs) throw expiredToken();
  return key;
}

/**
 * Rebuilds the canonical request from what arrived — the raw path, the query (decoded, then re-encoded by the
 * signer's rules), only the headers the client listed as signed — and compares signatures in constant time.
 */
async function checkSignature(
  request: ReceivedS3Request,
  query: Query,
  claim: Claim,
  sign: (stringToSign: string) => Promise<string>,
): Promise<void> {
  const mismatch = (details: Readonly<Record<string, string>> = {}): S3Error =>
    signatureDoesNotMatch({
      AWSAccessKeyId: claim.accessKeyId,
      ...details,
      SignatureProvided: claim.signature,
    });
  const headers: Record<string, string> = Object.create(null);
  for (const name of claim.signedHeaders) {
    const value = headerValue(request.rawHeaders, name);
    if (value === undefined) throw mismatch();
    headers[name] = value;
  }
  const canonicalHeaders = getCanonicalHeaders(
    new HttpRequest({ headers }),
    undefined,
    new Set(claim.signedHeaders),
  );
  const names = Object.keys(canonicalHeaders).sort();
  const queryRecord: Record<string, string[]> = Object.create(null);
  for (const [name, values] of query) queryRecord[name] = [...values];
  const canonicalRequest = [
    request.method,
    request.rawPath === '' ? '/' : request.rawPath,
    getCanonicalQuery(new HttpRequest({ query: queryRecord })),
    ...names.map((name) => `${name}:${canonicalHeaders[name]}`),
    '',
    names.join(';'),
    claim.payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, claim.amzDate, claim.scope, sha256Hex(wireBytes(canonicalRequest))].join(
    '\n',
  );
  if (!sameSignature(await sign(stringToSign), claim.signature))
    throw mismatch({ StringToSign: stringToSign });
}

/** `x-amz-*` headers the signature does not cover; S3 refuses them (all but `x-amz-content-sha256`). */
function unsignedAmzHeaders(rawHeaders: readonly string[], signedHeaders: readonly string[]): string[] {
  const signed = new Set(signedHeaders);
  const unsigned = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase() ?? '';
    if (name.startsWith('x-amz-') && name !== 'x-amz-content-sha256' && !signed.has(name)) unsigned.add(name);
  }
  return [...unsigned];
}

async function verifiedPayload(
  body: Buffer,
  claim: Claim,
  sign: (stringToSign: string) => Promise<string>,
): Promise<{ payload: Buffer; trailers: ReadonlyMap<string, string> }> {
  const { payload } = claim;
  if (payload.kind === 'unsigned') return { payload: body, trailers: new Map() };
  if (payload.kind === 'sha256') {
    const computed = sha256Hex(body);
    if (computed !== payload.hash.toLowerCase()) throw xAmzContentSha256Mismatch(payload.hash, computed);
    return { payload: body, trailers: new Map() };
  }
  const framing: AwsChunkedFraming = payload.signed
    ? {
        kind: 'signed',
        trailer: payload.trailer,
        signing: {
          accessKeyId: claim.accessKeyId,
          sign,
          amzDate: claim.amzDate,
          scope: claim.scope,
          seedSignature: claim.signature,
        },
      }
    : { kind: 'unsigned-trailer' };
  return decodeAwsChunked(body, {
    framing,
    decodedContentLength: payload.decodedContentLength,
    declaredTrailers: payload.declaredTrailers,
  });
}

/** An unsigned request: its body as sent, an unsigned `aws-chunked` body decoded; authorization decides the rest. */
async function anonymous(request: ReceivedS3Request): Promise<S3Authentication> {
  const contentSha256 = headerValue(request.rawHeaders, 'x-amz-content-sha256') ?? '';
  const framing = STREAMING_FRAMINGS.get(contentSha256);
  if (framing === undefined) return { kind: 'anonymous', payload: request.body, trailers: new Map() };
  // Chunk signatures chain from a request signature; without one they cannot be checked.
  if (framing.signed) throw accessDenied();
  const decoded = await decodeAwsChunked(request.body, {
    framing: { kind: 'unsigned-trailer' },
    decodedContentLength: parseDecodedContentLength(
      headerValue(request.rawHeaders, 'x-amz-decoded-content-length'),
    ),
    declaredTrailers: parseDeclaredTrailers(headerValue(request.rawHeaders, 'x-amz-trailer')),
  });
  return { kind: 'anonymous', ...decoded };
}

function unsupportedMechanism(): S3Error {
  return invalidRequest(
    'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  );
}

/** Decodes a raw query as S3 does (`+` is a space), keeping every value of a repeated name. */
function parseQuery(rawQuery: string): Map<string, string[]> {
  const query = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    const values = query.get(name);
    if (values === undefined) query.set(name, [value]);
    else values.push(value);
  }
  return query;
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A broken escape cannot be what the client signed; kept as is, it fails the signature check.
    return spaced;
  }
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

/**
 * The bytes of the canonical request. Node hands header and path bytes over as latin1 text, so latin1 gives back
 * the bytes the client sent (S3 hashes those); text with wider characters cannot have come off the wire.
 */
function wireBytes(text: string): Buffer {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole latin1 range is the point
  return Buffer.from(text, /^[\x00-\xff]*$/.test(text) ? 'latin1' : 'utf8');
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sameSignature(expected: string, provided: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(provided, 'hex'));
}

/** Constant-time comparison of two secrets of any length (their digests have equal length). */
function sameSecret(provided: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(provided), digest(expected));
}
