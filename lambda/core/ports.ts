/** The capabilities the core needs from the outside world; adapters in `lambda/adapters/` implement them. */
import type { IssuedCredentials, Principal, SessionPlan, Tenant } from './model';

/** Turns a bearer token into a verified principal, or throws `UnauthenticatedError`. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal>;
}

/** Reads tenant records. Returns `undefined` for an unknown tenant; throws `TenantMisconfiguredError` for a bad record. */
export interface TenantStore {
  getTenant(tenantId: string): Promise<Tenant | undefined>;
}

/** Issues credentials for a plan (STS AssumeRole in production). */
export interface CredentialIssuer {
  /** The longest session this issuer can obtain (3600 s when it chains roles). */
  readonly maxSessionSeconds: number;
  issue(plan: SessionPlan): Promise<IssuedCredentials>;
}
