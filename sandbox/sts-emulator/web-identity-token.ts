/**
 * A web identity token checked as STS checks an OpenID Connect ID token: a JWT signed with RS256/384/512 or
 * ES256/384/512 by a key of the issuer's JWKS (found by `kid`), whose `iss` is one of the account's OIDC providers
 * exactly, whose `aud` is one of that provider's client ids, with a `sub`, integer `iat` and `exp`, and not expired.
 * Signatures are verified with aws-jwt-verify; the emulator's clock decides expiry.
 */
import { findJwkInJwks, type Jwks } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { verifyJwtSync } from 'aws-jwt-verify/jwt-verifier';
import type { OidcProvider } from '../account/oidc-providers';
import {
  expiredWebIdentityToken,
  invalidIdentityToken,
  noOpenIdConnectProvider,
  verificationKeyUnavailable,
} from './errors';
import { type OidcKeySource, OidcKeysUnavailableError } from './oidc-keys';

/** The signature algorithms STS accepts for OIDC ID tokens (ES* since November 2024). */
const ACCEPTED_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
]);
/**
 * Passed to aws-jwt-verify so that its own check of `exp` and `nbf` against the host's clock never fires: the
 * emulator's clock (which tests move) decides expiry, below.
 */
const NO_CLOCK_CHECK_SECONDS = Number.MAX_SAFE_INTEGER;

/** A token whose signature and claims STS accepted. */
export interface VerifiedWebIdentity {
  readonly provider: OidcProvider;
  /** The token's `sub`. */
  readonly subject: string;
  /** The token's audience that is one of the provider's client ids. */
  readonly audience: string;
  /** The verified claims, for the session attributes they carry. */
  readonly payload: JwtPayload;
}

/** What verification consults. */
export interface TokenContext {
  /** The account's OIDC providers by issuer URL. */
  readonly oidcProviders: ReadonlyMap<string, OidcProvider>;
  readonly oidcKeys: OidcKeySource;
  readonly nowMs: number;
}

/**
 * Verifies `token` or throws STS's answer: `InvalidIdentityToken` (not a JWT, an algorithm STS does not take, no
 * provider for `iss`, the issuer's keys out of reach or without the token's `kid`, a bad signature, a missing claim,
 * another audience) or `ExpiredTokenException`. The signature is checked before any claim the issuer vouches for.
 */
export async function verifyWebIdentityToken(
  token: string,
  context: TokenContext,
): Promise<VerifiedWebIdentity> {
  const { header, payload: unverified } = decompose(token);
  if (header.alg === undefined || !ACCEPTED_ALGORITHMS.has(header.alg)) {
    throw invalidIdentityToken(
      'The web identity token must be signed with RS256, RS384, RS512, ES256, ES384 or ES512.',
    );
  }
  if (unverified.iss === undefined) throw missingClaim('iss');
  const provider = context.oidcProviders.get(unverified.iss);
  if (provider === undefined) throw noOpenIdConnectProvider(unverified.iss);

  const jwks = await issuerKeys(context, provider, header.kid);
  const jwk = header.kid === undefined ? undefined : findJwkInJwks(jwks, header.kid);
  if (jwk === undefined) throw verificationKeyUnavailable();
  let payload: JwtPayload;
  try {
    payload = verifyJwtSync(token, jwk, {
      issuer: null,
      audience: null,
      graceSeconds: NO_CLOCK_CHECK_SECONDS,
    });
  } catch {
    throw invalidIdentityToken('The web identity token signature could not be verified.');
  }

  const audience = acceptedAudience(payload, provider);
  if (payload.sub === undefined || payload.sub === '') throw missingClaim('sub');
  integerClaim(payload, 'iat');
  const expiresAt = integerClaim(payload, 'exp');
  const nowSeconds = Math.floor(context.nowMs / 1000);
  if (nowSeconds >= expiresAt) throw expiredWebIdentityToken(nowSeconds, expiresAt);
  return { provider, subject: payload.sub, audience, payload };
}

function decompose(token: string): ReturnType<typeof decomposeUnverifiedJwt> {
  try {
    return decomposeUnverifiedJwt(token);
  } catch {
    throw invalidIdentityToken('The web identity token is not a valid JWT.');
  }
}

/** The issuer's JWKS, fetched again (once) when it lacks the token's key id: the issuer may have rotated its key. */
async function issuerKeys(
  context: TokenContext,
  provider: OidcProvider,
  kid: string | undefined,
): Promise<Jwks> {
  try {
    const jwks = await context.oidcKeys.keys(provider.url);
    if (kid === undefined || findJwkInJwks(jwks, kid) !== undefined) return jwks;
    return await context.oidcKeys.keys(provider.url, { refresh: true });
  } catch (error) {
    if (error instanceof OidcKeysUnavailableError) throw verificationKeyUnavailable();
    throw error;
  }
}

/** The first of the token's audiences that the provider lists as a client id. */
function acceptedAudience(payload: JwtPayload, provider: OidcProvider): string {
  if (payload.aud === undefined) throw missingClaim('aud');
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : payload.aud;
  const accepted = audiences.find((audience) => provider.clientIds.includes(audience));
  if (accepted === undefined) throw invalidIdentityToken('Incorrect token audience');
  return accepted;
}

/** STS: "Timestamps in the token must be formatted as either an integer or a long integer." */
function integerClaim(payload: JwtPayload, claim: 'iat' | 'exp'): number {
  const value = payload[claim];
  if (value === undefined) throw missingClaim(claim);
  if (!Number.isSafeInteger(value)) {
    throw invalidIdentityToken(`The ${claim} claim must be an integer number of seconds.`);
  }
  return value;
}

function missingClaim(claim: string) {
  return invalidIdentityToken(`Missing a required claim: ${claim}`);
}
