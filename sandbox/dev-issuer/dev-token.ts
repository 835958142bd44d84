/** The tokens the dev issuer mints: what a SaaS identity provider would put in an access token for a tenant's user. */
import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT_CLAIM } from '../../lambda/adapters/jwt-authenticator';
import { type JwtFields, signJws } from './jws';
import type { DevSigningKey } from './signing-key';

/** The audience the sandbox expects (`JWT_AUDIENCE`) and dev tokens carry unless told otherwise. */
export const DEV_AUDIENCE = 'credvend-local';
/** Lifetime of a dev token unless told otherwise: one hour, like a typical access token. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** What a dev token says. */
export interface DevTokenRequest {
  /** `iss`: the dev issuer's base URL. */
  readonly issuer: string;
  readonly tenant: string;
  /** `sub`. */
  readonly user: string;
  /** @default DEV_AUDIENCE */
  readonly audience?: string;
  /** @default DEFAULT_TOKEN_TTL_SECONDS */
  readonly ttlSeconds?: number;
  /** The claim naming the tenant. @default 'custom:tenant_id' */
  readonly tenantClaim?: string;
  /** Adds `amr: ['pwd', 'mfa']`, which the service reads as a multi-factor sign-in. */
  readonly mfa?: boolean;
  /** Extra claims; they override the standard ones, so a test can mint a deliberately odd token. */
  readonly claims?: JwtFields;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Signs a dev token (RS256, `kid` = the key's thumbprint). */
export function mintDevToken(key: DevSigningKey, request: DevTokenRequest): string {
  const iat = Math.floor((request.now ?? Date.now)() / 1000);
  const payload: JwtFields = {
    iss: request.issuer,
    aud: request.audience ?? DEV_AUDIENCE,
    sub: request.user,
    [request.tenantClaim ?? DEFAULT_TENANT_CLAIM]: request.tenant,
    iat,
    nbf: iat,
    exp: iat + (request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
    jti: randomUUID(),
    ...(request.mfa && { amr: ['pwd', 'mfa'] }),
    ...request.claims,
  };
  return signJws(key.privateKey, { alg: 'RS256', typ: 'JWT', kid: key.kid }, payload);
}
