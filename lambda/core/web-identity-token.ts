/**
 * credvend's own web-identity tokens (web-identity mode): the claims STS AssumeRoleWithWebIdentity reads, and their
 * JWS compact encoding. Pure: the clock and the token id come in, the signature comes from a `TokenSigner`.
 */
import type { SessionPlan } from './model';

/**
 * Seconds a minted token is valid. One token serves one STS call (a few seconds, retries included); five minutes
 * leave room for clock skew between the function and STS, and make a leaked token useless soon.
 */
export const WEB_IDENTITY_TOKEN_LIFETIME_SECONDS = 300;

/** The JWS algorithms credvend signs with: ES256 (an ECC_NIST_P256 key) or RS256 (an RSA key). */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** The claim STS reads session tags from. */
export const AWS_TAGS_CLAIM = 'https://aws.amazon.com/tags';
/** The claim STS reads the source identity from. */
export const AWS_SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

/** The protected header of a token: the algorithm follows the signing key, `kid` is its KMS key id. */
export interface JwsHeader {
  readonly alg: SigningAlgorithm;
  readonly kid: string;
  readonly typ: 'JWT';
}

/** Session tags as STS reads them from a token. */
export interface AwsTagsClaim {
  readonly principal_tags: Readonly<Record<string, readonly string[]>>;
  readonly transitive_tag_keys: readonly string[];
}

/** The claims of one token: who credvend is, for whom, and the session's tags and source identity. */
export interface WebIdentityClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly 'https://aws.amazon.com/tags': AwsTagsClaim;
  readonly 'https://aws.amazon.com/source_identity': string;
}

/** Who credvend is as an OIDC issuer. */
export interface TokenIssuerSettings {
  /** The `iss`: exactly the URL of the IAM OIDC provider. */
  readonly issuer: string;
  /** The `aud`: the provider's client id. */
  readonly audience: string;
}

/**
 * The `sub` of a plan's token: `<tenantId>:<sourceIdentity>` (at most 48 + 1 + 64 characters, of STS-safe
 * characters and one `:`). A trust policy can pin a role to one tenant with `StringLike <issuer>:sub "<tenant>:*"`.
 */
export function webIdentitySubject(plan: Pick<SessionPlan, 'tenantId' | 'sourceIdentity'>): string {
  return `${plan.tenantId}:${plan.sourceIdentity}`;
}

/** The claims of the token for `plan`, issued at `nowMs` with token id `jti`. */
export function webIdentityClaims(
  plan: Pick<SessionPlan, 'tenantId' | 'sourceIdentity' | 'tags' | 'transitiveTagKeys'>,
  settings: TokenIssuerSettings,
  nowMs: number,
  jti: string,
): WebIdentityClaims {
  // STS wants integer NumericDates; flooring keeps iat at or before the real instant.
  const iat = Math.floor(nowMs / 1000);
  return {
    iss: settings.issuer,
    aud: settings.audience,
    sub: webIdentitySubject(plan),
    iat,
    exp: iat + WEB_IDENTITY_TOKEN_LIFETIME_SECONDS,
    jti,
    [AWS_TAGS_CLAIM]: {
      principal_tags: Object.fromEntries(plan.tags.map((t) => [t.key, [t.value]])),
      transitive_tag_keys: [...plan.transitiveTagKeys],
    },
    [AWS_SOURCE_IDENTITY_CLAIM]: plan.sourceIdentity,
  };
}

/** Unpadded base64url (RFC 7515 §2) of UTF-8 text or bytes. */
export function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

/** The JWS signing input: `base64url(header).base64url(claims)`, the exact bytes the signature covers. */
export function jwsSigningInput(header: JwsHeader, claims: WebIdentityClaims): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
}

/** The compact serialization: the signing input and the base64url signature (R‖S for ES256). */
export function compactJws(signingInput: string, signature: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(signature)) throw new Error('a JWS signature must be non-empty base64url');
  return `${signingInput}.${signature}`;
}
