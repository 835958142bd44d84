/** The function's configuration, read from the environment once and checked, so a bad deployment fails loudly at init. */
import { z } from 'zod';

const list = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0),
  )
  .pipe(z.array(z.string()));

const optionalList = list.optional().transform((v) => v ?? []);

/** `null` when the variable is empty or the literal `null`: the explicit opt-out of an audience check. */
const listOrNull = z
  .string()
  .transform((s) => (s.trim() === '' || s.trim() === 'null' ? null : s.split(',').map((v) => v.trim())));

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .optional()
    .transform((v) => v ?? fallback);

const base = z.object({
  TENANT_TABLE_NAME: z.string().min(1),
  TENANT_CACHE_TTL_SECONDS: positiveInt(30),
  TENANT_ROLE_ARN: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/),
  DATA_BUCKETS: list.pipe(z.array(z.string()).min(1)),
  TENANT_PREFIX_TEMPLATE: z
    .string()
    .refine((t) => t.endsWith('/') && t.includes('{tenant}'), 'must contain {tenant} and end with "/"')
    .default('tenants/{tenant}/'),
  ALLOWED_REGIONS: optionalList,
  AWS_REGION: z.string().optional(),
  TENANT_CLAIM: z.string().min(1).default('custom:tenant_id'),
  ALLOWED_ORIGINS: optionalList,
  STS_DEADLINE_MS: positiveInt(6000),
  /** Credential cache: entries kept (0 disables it), and the share of the asked-for lifetime a reused credential must still have. */
  CREDENTIAL_CACHE_MAX_ENTRIES: positiveInt(1000),
  CREDENTIAL_CACHE_MIN_REMAINING_SHARE: z
    .string()
    .regex(/^(?:0(?:\.\d+)?|1(?:\.0+)?)$/, 'must be a number from 0 to 1')
    .transform(Number)
    .optional()
    .transform((v) => v ?? 0.9),
  /** Overrides for the local sandbox; unset in AWS. */
  STS_ENDPOINT: z.url().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
});

const identity = z.discriminatedUnion('JWT_PROVIDER', [
  z.object({
    JWT_PROVIDER: z.literal('cognito'),
    COGNITO_USER_POOL_ID: z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/),
    COGNITO_CLIENT_IDS: listOrNull,
    COGNITO_TOKEN_USE: z.enum(['id', 'access']).default('id'),
  }),
  z.object({
    JWT_PROVIDER: z.literal('oidc'),
    JWT_ISSUER: z.url(),
    JWT_AUDIENCE: listOrNull,
    JWT_JWKS_URI: z.url().optional(),
  }),
]);

/** The checked configuration. */
export type Config = z.infer<typeof base> &
  z.infer<typeof identity> & { readonly regions: readonly string[] };

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
