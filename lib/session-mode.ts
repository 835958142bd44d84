/**
 * The two ways the vend function obtains tenant sessions, their limits and the combinations the stack refuses. Shared
 * by the stack (typed props) and the context parser (raw `-c` values), so that both refuse the same things.
 */
import { Duration } from 'aws-cdk-lib';

/** The session modes, as the function's `SESSION_MODE` and the stack output `SessionMode` name them. */
export const SESSION_MODE_NAMES = ['role-chaining', 'web-identity'] as const;
/** One session mode's name. */
export type SessionModeName = (typeof SESSION_MODE_NAMES)[number];

/** STS caps a chained session at one hour, whatever the role allows. */
export const ROLE_CHAINING_MAX_SESSION_SECONDS = 3600;
/** The range IAM allows for a role's MaxSessionDuration (1 to 12 hours). */
export const ROLE_MAX_SESSION_RANGE = { min: 3600, max: 43_200 } as const;
/** The audience (`aud`, the OIDC provider's client id) of credvend's own tokens unless configured. */
export const DEFAULT_WEB_IDENTITY_AUDIENCE = 'credvend';
/** An audience IAM accepts as a client id (up to 255 characters) and that reads the same in a policy and a JWT. */
export const AUDIENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}$/;

/** The function's own role assumes the tenant access role: one-hour sessions at most. */
export interface RoleChainingMode {
  readonly kind: 'role-chaining';
}

/**
 * The function is its own OIDC issuer: it signs a short-lived token with a KMS key and calls STS
 * AssumeRoleWithWebIdentity, so sessions may last up to the tenant access role's maximum.
 */
export interface WebIdentityMode {
  readonly kind: 'web-identity';
  /**
   * The tenant access role's MaxSessionDuration: the longest session a tenant may be given (1 to 12 hours, whole
   * seconds).
   * @default Duration.hours(12)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * The audience of the tokens (`aud`), the OIDC provider's only client id.
   * @default 'credvend'
   */
  readonly audience?: string;
  /**
   * The signing keys by name, in order: the first signs, all are published in the JWKS. A rotation adds a key
   * second, then moves it first, then drops the old one, one deploy each (README: rotating the signing key).
   * @default ['primary']
   */
  readonly signingKeys?: readonly string[];
}

/** The name of the stack's first signing key (logical ID `WebIdentitySigningKey`). */
export const PRIMARY_SIGNING_KEY = 'primary';
/** A signing key's name: it becomes part of the key's logical ID, so it must never change for a live key. */
export const SIGNING_KEY_NAME = /^[a-z][a-z0-9]{0,15}$/;
/** Keys published at once: the one that signs, and its successor or predecessor during a rotation. */
export const MAX_SIGNING_KEYS = 2;

/** The signing key names of `mode`, the signing one first. */
export function signingKeysOf(mode: WebIdentityMode): readonly string[] {
  return mode.signingKeys ?? [PRIMARY_SIGNING_KEY];
}

/** Every problem with a list of signing key names, each starting with `setting`. */
export function signingKeyProblems(names: readonly string[], setting: string): string[] {
  const problems: string[] = [];
  if (names.length === 0 || names.length > MAX_SIGNING_KEYS) {
    problems.push(
      `${setting}: name 1 to ${MAX_SIGNING_KEYS} keys (the one that signs first), not ${names.length}`,
    );
  }
  for (const name of names.filter((n) => !SIGNING_KEY_NAME.test(n))) {
    problems.push(
      `${setting}: "${name}" must match ${SIGNING_KEY_NAME} (it becomes part of the key's logical ID)`,
    );
  }
  if (new Set(names).size !== names.length) problems.push(`${setting}: a key is named twice`);
  return problems;
}

/** How the function obtains sessions. */
export type SessionModeConfig = RoleChainingMode | WebIdentityMode;

/** Why tenant-owned roles and web-identity mode do not go together (yet). */
export const WEB_IDENTITY_TENANT_ROLES_UNSUPPORTED =
  'tenant-owned roles are not supported yet with sessionMode web-identity: AssumeRoleWithWebIdentity takes no ' +
  "external id, so a tenant's role would have to trust credvend's OIDC provider instead; use sessionMode " +
  'role-chaining for tenant-owned roles, or remove tenantRoles';

/** The longest session `mode` can issue, in seconds. */
export function maxSessionSecondsOf(mode: SessionModeConfig): number {
  if (mode.kind === 'role-chaining') return ROLE_CHAINING_MAX_SESSION_SECONDS;
  return (mode.maxSessionDuration ?? Duration.seconds(ROLE_MAX_SESSION_RANGE.max)).toSeconds({
    integral: false,
  });
}

/** The audience of `mode`'s tokens. */
export function audienceOf(mode: WebIdentityMode): string {
  return mode.audience ?? DEFAULT_WEB_IDENTITY_AUDIENCE;
}

/**
 * Every reason the stack cannot be built in `mode` with `tenantRoleCount` tenant-owned roles (empty when it can),
 * each starting with the setting it is about.
 */
export function sessionModeProblems(mode: SessionModeConfig, tenantRoleCount: number): string[] {
  if (mode.kind === 'role-chaining') return [];
  const problems: string[] = [];
  const seconds = maxSessionSecondsOf(mode);
  const { min, max } = ROLE_MAX_SESSION_RANGE;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    problems.push(`maxSessionDuration: ${seconds} s must be whole seconds from ${min} to ${max}`);
  }
  const audience = audienceOf(mode);
  if (!AUDIENCE_PATTERN.test(audience)) {
    problems.push(`audience: "${audience}" must match ${AUDIENCE_PATTERN}`);
  }
  problems.push(...signingKeyProblems(signingKeysOf(mode), 'signingKeys'));
  if (tenantRoleCount > 0) problems.push(`tenantRoles: ${WEB_IDENTITY_TENANT_ROLES_UNSUPPORTED}`);
  return problems;
}
