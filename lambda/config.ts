/** The function's configuration, read from the environment once and checked, so a bad deployment fails loudly at init. */
import * as z from 'zod/mini';
import './core/zod-messages';
import { issuerUrlProblem, parseSigningKeyRef } from './core/oidc-issuer';
import { STS_MAX_DURATION_SECONDS } from './core/tenant-record';
import { checkTenantRoles, NO_TENANT_ROLES, type TenantRoles } from './core/tenant-roles';

const split = (s: string) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

const list = z.pipe(z.string(), z.transform(split));
const optionalList = z.pipe(
  z.optional(z.string()),
  z.transform((s) => (s === undefined ? [] : split(s))),
);

/** `null` when the variable is empty or the literal `null`: the explicit opt-out of an audience check. */
const listOrNull = z.pipe(
  z.string(),
  z.transform((s) => (s.trim() === '' || s.trim() === 'null' ? null : split(s))),
);

const positiveInt = (fallback: number) =>
  z.pipe(
    z.optional(z.string().check(z.regex(/^\d+$/))),
    z.transform((v) => (v === undefined ? fallback : Number(v))),
  );

/** `TENANT_ROLES`: JSON `{"<tenantId>": "<role ARN>"}`; none when unset. */
const tenantRoles = z.pipe(
  z.optional(z.string()),
  z.transform((s, ctx): TenantRoles => {
    if (s === undefined || s.trim() === '') return NO_TENANT_ROLES;
    const check = checkTenantRoles(s);
    if (check.ok) return check.roles;
    for (const problem of check.problems) ctx.issues.push({ code: 'custom', message: problem, input: s });
    return NO_TENANT_ROLES;
  }),
);

const base = z.object({
  TENANT_TABLE_NAME: z.string().check(z.minLength(1)),
  TENANT_CACHE_TTL_SECONDS: positiveInt(30),
  TENANT_ROLE_ARN: z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/)),
  /** Tenant-owned roles by tenant: the only `roleArn` a tenant's record may name. */
  TENANT_ROLES: tenantRoles,
  DATA_BUCKETS: z.pipe(list, z.array(z.string()).check(z.minLength(1))),
  TENANT_PREFIX_TEMPLATE: z._default(
    z
      .string()
      .check(
        z.refine((t) => t.endsWith('/') && t.includes('{tenant}'), 'must contain {tenant} and end with "/"'),
      ),
    'tenants/{tenant}/',
  ),
  ALLOWED_REGIONS: optionalList,
  AWS_REGION: z.optional(z.string()),
  TENANT_CLAIM: z._default(z.string().check(z.minLength(1)), 'custom:tenant_id'),
  ALLOWED_ORIGINS: optionalList,
  STS_DEADLINE_MS: positiveInt(6000),
  /** Credential cache: entries kept (0 disables it), and the share of the asked-for lifetime a reused credential must still have. */
  CREDENTIAL_CACHE_MAX_ENTRIES: positiveInt(1000),
  CREDENTIAL_CACHE_MIN_REMAINING_SHARE: z.pipe(
    z.optional(z.string().check(z.regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?)$/, 'must be a number from 0 to 1'))),
    z.transform((v) => (v === undefined ? 0.9 : Number(v))),
  ),
  /** Overrides for the local sandbox; unset in AWS. */
  STS_ENDPOINT: z.optional(z.url()),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
});

const identity = z.discriminatedUnion('JWT_PROVIDER', [
  z.object({
    JWT_PROVIDER: z.literal('cognito'),
    COGNITO_USER_POOL_ID: z.string().check(z.regex(/^[\w-]+_[0-9a-zA-Z]+$/)),
    COGNITO_CLIENT_IDS: listOrNull,
    COGNITO_TOKEN_USE: z._default(z.enum(['id', 'access']), 'id'),
  }),
  z.object({
    JWT_PROVIDER: z.literal('oidc'),
    JWT_ISSUER: z.url(),
    JWT_AUDIENCE: listOrNull,
    JWT_JWKS_URI: z.optional(z.url()),
  }),
]);

/** `WEB_IDENTITY_ISSUER`: the `iss` of credvend's own tokens, exactly the IAM OIDC provider's URL. */
const issuerUrl = z.pipe(
  z.string(),
  z.transform((s, ctx) => {
    const problem = issuerUrlProblem(s);
    if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: s });
    return s;
  }),
);

/** `SIGNING_KEY_IDS`: KMS key ids or ARNs, the signing key first; each key once. */
const signingKeyIds = z.pipe(
  list,
  z.transform((ids, ctx) => {
    if (ids.length === 0) {
      ctx.issues.push({
        code: 'custom',
        message: 'at least one KMS key id or key ARN is required',
        input: ids,
      });
    }
    const seen = new Set<string>();
    for (const id of ids) {
      const ref = parseSigningKeyRef(id);
      if (ref === undefined) {
        ctx.issues.push({
          code: 'custom',
          message: `${id} is not a KMS key id or key ARN (aliases are refused: a kid must name one key)`,
          input: id,
        });
      } else if (seen.has(ref.keyId)) {
        ctx.issues.push({ code: 'custom', message: `key ${ref.keyId} is listed twice`, input: id });
      } else {
        seen.add(ref.keyId);
      }
    }
    return ids;
  }),
);

/** The shortest MaxSessionDuration IAM allows a role: below it, web-identity mode gains nothing. */
const MIN_ROLE_MAX_SESSION_SECONDS = 3600;

/** `MAX_SESSION_SECONDS`: the tenant access role's MaxSessionDuration, the web-identity mode's cap. */
const maxSessionSeconds = z.pipe(
  z.string(),
  z.transform((s, ctx) => {
    const value = /^\d{1,6}$/.test(s) ? Number(s) : Number.NaN;
    if (!(value >= MIN_ROLE_MAX_SESSION_SECONDS && value <= STS_MAX_DURATION_SECONDS)) {
      ctx.issues.push({
        code: 'custom',
        message: `must be the tenant access role's MaxSessionDuration, a whole number of seconds from ${MIN_ROLE_MAX_SESSION_SECONDS} to ${STS_MAX_DURATION_SECONDS}`,
        input: s,
      });
    }
    return value;
  }),
);

/** How the function obtains sessions: its own role assuming the tenant's (default), or its own OIDC tokens. */
const sessionMode = z.discriminatedUnion('SESSION_MODE', [
  z.object({ SESSION_MODE: z.literal('role-chaining') }),
  z.object({
    SESSION_MODE: z.literal('web-identity'),
    WEB_IDENTITY_ISSUER: issuerUrl,
    WEB_IDENTITY_AUDIENCE: z._default(
      z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 printable characters without spaces')),
      'credvend',
    ),
    SIGNING_KEY_IDS: signingKeyIds,
    MAX_SESSION_SECONDS: maxSessionSeconds,
    /** Override for the local sandbox; unset in AWS. */
    KMS_ENDPOINT: z.optional(z.url()),
  }),
]);

/** The checked configuration. */
export type Config = z.output<typeof base> &
  z.output<typeof identity> &
  z.output<typeof sessionMode> & { readonly regions: readonly string[] };

/** The configuration of web-identity mode. */
export type WebIdentityConfig = Extract<Config, { SESSION_MODE: 'web-identity' }>;

/** Parses the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsedBase = base.safeParse(env);
  const parsedIdentity = identity.safeParse({ JWT_PROVIDER: 'cognito', ...env });
  const parsedMode = sessionMode.safeParse({ SESSION_MODE: 'role-chaining', ...env });
  const issues = [
    ...(parsedBase.success ? [] : parsedBase.error.issues),
    ...(parsedIdentity.success ? [] : parsedIdentity.error.issues),
    ...(parsedMode.success ? [] : parsedMode.error.issues),
  ];
  if (!parsedBase.success || !parsedIdentity.success || !parsedMode.success) {
    const lines = issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`credvend configuration is invalid:\n  ${lines.join('\n  ')}`);
  }
  const regions =
    parsedBase.data.ALLOWED_REGIONS.length > 0
      ? parsedBase.data.ALLOWED_REGIONS
      : parsedBase.data.AWS_REGION === undefined
        ? []
        : [parsedBase.data.AWS_REGION];
  if (regions.length === 0)
    throw new Error('credvend configuration is invalid:\n  ALLOWED_REGIONS: required');
  return { ...parsedBase.data, ...parsedIdentity.data, ...parsedMode.data, regions };
}
