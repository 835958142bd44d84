/** The capabilities the core needs from the outside world; adapters in `lambda/adapters/` implement them. */
import type { IssuedCredentials, Principal, SessionPlan, Tenant } from './model';
import type { PublicJwk } from './oidc-issuer';
import type { WebIdentityClaims } from './web-identity-token';

/** Turns a bearer token into a verified principal, or throws `UnauthenticatedError`. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal>;
}

/** Reads tenant records. Returns `undefined` for an unknown tenant; throws `TenantMisconfiguredError` for a bad record. */
export interface TenantStore {
  getTenant(tenantId: string): Promise<Tenant | undefined>;
}

/** Issues credentials for a plan (STS AssumeRole or AssumeRoleWithWebIdentity in production). */
export interface CredentialIssuer {
  /** The longest session this issuer can obtain (3600 s when it chains roles, the role's maximum with web identity). */
  readonly maxSessionSeconds: number;
  issue(plan: SessionPlan): Promise<IssuedCredentials>;
}

/** Signs credvend's own web-identity tokens and publishes the keys that verify them (KMS in production). */
export interface TokenSigner {
  /** The compact JWS of `claims`, signed with the current signing key; throws a `VendingError` when it cannot. */
  sign(claims: WebIdentityClaims, options?: { readonly abortSignal?: AbortSignal }): Promise<string>;
  /** The public key of every key in rotation, the signing key first; throws `UpstreamUnavailableError` when it cannot. */
  publicKeys(): Promise<readonly PublicJwk[]>;
}
