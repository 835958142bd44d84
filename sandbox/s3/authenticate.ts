/**
 * S3 request authentication as S3 does it: anonymous, SigV4 in the `Authorization` header, or SigV4 in the query
 * (presigned URLs); the signature is recomputed with @smithy/signature-v4 over the request as received, and the
 * payload (hashed, unsigned or `aws-chunked`) is verified before it is handed on.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalHeaders, getCanonicalQuery, SignatureV4 } from '@smithy/signature-v4';
import { sameSecret, sameSignature, sha256Hex } from '../account/secret-compare';
import {
  type AwsChunkedFraming,
  decodeAwsChunked,
  parseDeclaredTrailers,
  parseDecodedContentLength,
} from './aws-chunked';
import {
  accessDenied,
  expiredToken,
  headersNotSigned,
  invalidAccessKeyId,
  invalidToken,
  type S3Error,
  signatureDoesNotMatch,
  xAmzContentSha256Mismatch,
} from './errors';
import { headerMap } from './header-map';
import {
  claimOf,
  type ParsedQuery,
  SIGV4_ALGORITHM,
  type SigV4Claim,
  streamingFraming,
} from './sigv4-claims';
import type { ReceivedS3Request, S3Authentication, SigningKey, SigningKeyLookup } from './types';

type RequestHeaders = ReadonlyMap<string, string>;

/**
 * Authenticates an S3 request as S3 would, or throws the `S3Error` S3 would answer. A signed request's payload is
 * returned only once its signature, its body hash or every chunk signature has been verified.
 */
export async function authenticateS3(
  request: ReceivedS3Request,
  lookup: SigningKeyLookup,
  nowMs: number,
): Promise<S3Authentication> {
  const headers = headerMap(request.rawHeaders);
  const query = parseQuery(request.rawQuery);
  const claim = claimOf(headers, query, nowMs);
  if (claim === undefined) return anonymous(request.body, headers);

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
  await checkSignature(request, headers, query, claim, sign);
  const unsigned = unsignedAmzHeaders(headers, claim.signedHeaders);
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

/** The key's secret, once the key, its session token and its session's lifetime are good. */
function checkCredentials(claim: SigV4Claim, key: SigningKey | undefined, nowMs: number): SigningKey {
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
  headers: RequestHeaders,
  query: ParsedQuery,
  claim: SigV4Claim,
  sign: (stringToSign: string) => Promise<string>,
): Promise<void> {
  const mismatch = (details: Readonly<Record<string, string>> = {}): S3Error =>
    signatureDoesNotMatch({
      AWSAccessKeyId: claim.accessKeyId,
      ...details,
      SignatureProvided: claim.signature,
    });
  const signed: Record<string, string> = Object.create(null);
  for (const name of claim.signedHeaders) {
    const value = headers.get(name);
    if (value === undefined) throw mismatch();
    signed[name] = value;
  }
  const canonicalHeaders = getCanonicalHeaders(
    new HttpRequest({ headers: signed }),
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
  const stringToSign = [
    SIGV4_ALGORITHM,
    claim.amzDate,
    claim.scope,
    sha256Hex(wireBytes(canonicalRequest)),
  ].join('\n');
  if (!sameSignature(await sign(stringToSign), claim.signature))
    throw mismatch({ StringToSign: stringToSign });
}

/** `x-amz-*` headers the signature does not cover; S3 refuses them (all but `x-amz-content-sha256`). */
function unsignedAmzHeaders(headers: RequestHeaders, signedHeaders: readonly string[]): string[] {
  const signed = new Set(signedHeaders);
  return [...headers.keys()].filter(
    (name) => name.startsWith('x-amz-') && name !== 'x-amz-content-sha256' && !signed.has(name),
  );
}

async function verifiedPayload(
  body: Buffer,
  claim: SigV4Claim,
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
async function anonymous(body: Buffer, headers: RequestHeaders): Promise<S3Authentication> {
  const framing = streamingFraming(headers.get('x-amz-content-sha256'));
  if (framing === undefined) return { kind: 'anonymous', payload: body, trailers: new Map() };
  // Chunk signatures chain from a request signature; without one they cannot be checked.
  if (framing.signed) throw accessDenied();
  const decoded = await decodeAwsChunked(body, {
    framing: { kind: 'unsigned-trailer' },
    decodedContentLength: parseDecodedContentLength(headers.get('x-amz-decoded-content-length')),
    declaredTrailers: parseDeclaredTrailers(headers.get('x-amz-trailer')),
  });
  return { kind: 'anonymous', ...decoded };
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

/**
 * The bytes of the canonical request. Node hands header and path bytes over as latin1 text, so latin1 gives back
 * the bytes the client sent (S3 hashes those); text with wider characters cannot have come off the wire.
 */
function wireBytes(text: string): Buffer {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole latin1 range is the point
  return Buffer.from(text, /^[\x00-\xff]*$/.test(text) ? 'latin1' : 'utf8');
}
