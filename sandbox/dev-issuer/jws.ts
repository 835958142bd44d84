/** JWS compact serialization with RSA keys (RS256/384/512) on node:crypto: the dev issuer's and the tests' token signer. */
import { type KeyObject, sign } from 'node:crypto';

/** Claims or header fields; a key set to `undefined` is left out of the token (JSON drops it). */
export type JwtFields = Record<string, unknown>;

/** A public RSA signing key as a JWKS publishes it. */
export interface RsaPublicJwk {
  readonly kty: string;
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: string;
  readonly use: string;
}

const HASH_OF: Readonly<Record<string, string>> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

/** base64url without padding, as JWS uses it. */
export const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** One JWS segment: the JSON of `value`, base64url-encoded. */
export const encodeSegment = (value: JwtFields): string => base64url(JSON.stringify(value));

/**
 * Signs `payload` under exactly `header` with `privateKey`. The digest follows `header.alg` (RS256/384/512) and is
 * SHA-256 for anything else, so tests can build tokens whose header lies about the algorithm.
 */
export function signJws(privateKey: KeyObject, header: JwtFields, payload: JwtFields): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const hash = HASH_OF[String(header.alg)] ?? 'sha256';
  return `${input}.${base64url(sign(hash, Buffer.from(input), privateKey))}`;
}

/** The public JWK of an RSA key, with its key id, for RS256 signatures. */
export function rsaPublicJwk(publicKey: KeyObject, kid: string): RsaPublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || jwk.n === undefined || jwk.e === undefined) throw new Error('not an RSA key');
  return { kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' };
}
