/** The function's configuration, read from the environment once and checked, so a bad deployment fails loudly at init. */
import * as z from 'zod/mini';
import './core/zod-messages';
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

/** The checked configuration. */
export type Config = z.output<typeof base> &
  z.output<typeof identity> & { readonly regions: readonly string[] };

/** Parses the environment; throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsedBase = base.safeParse(env);
  const parsedIdentity = identity.safeParse({ JWT_PROVIDER: 'cognito', ...env });
  const issues = [
    ...(parsedBase.success ? [] : parsedBase.error.issues),
    ...(parsedIdentity.success ? [] : parsedIdentity.error.issues),
  ];
  if (!parsedBase.success || !parsedIdentity.success) {
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
  return { ...parsedBase.data, ...parsedIdentity.data, regions };
}
