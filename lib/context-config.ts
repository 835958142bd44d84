/**
 * Turns raw CDK context values into checked stack props. Values arrive as strings from `-c key=value` (lists
 * comma-separated) or as JSON from cdk.json; both are accepted. `bin/` does the reading; this only parses.
 */
import { Duration, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUCKET_PATTERN, PREFIX_PATTERN, REGION_PATTERN } from '../lambda/core/tenant-record';
import { checkTenantRoles } from '../lambda/core/tenant-roles';
import type { IdentityConfig } from './constructs/identity';
import type { LogLevel } from './constructs/vend-function';
import { ContextReader, isNearMiss } from './context-reader';
import type { CredvendStackProps } from './credvend-stack';
import {
  AUDIENCE_PATTERN,
  ROLE_CHAINING_MAX_SESSION_SECONDS,
  ROLE_MAX_SESSION_RANGE,
  SESSION_MODE_NAMES,
  type SessionModeConfig,
  type SessionModeName,
  signingKeyProblems,
  WEB_IDENTITY_TENANT_ROLES_UNSUPPORTED,
} from './session-mode';

/** The whole context of the app (`app.node.getAllContext()`): credvend's keys, feature flags, CDK's own. */
export type Context = Readonly<Record<string, unknown>>;

/** The context keys credvend reads. */
export const CONTEXT_KEYS: readonly string[] = [
  'stage',
  'allowedOrigins',
  'allowedRegions',
  'dataBucketArns',
  'dataBuckets',
  'tenantPrefixTemplate',
  'tenantClaim',
  'jwtIssuer',
  'jwtAudience',
  'jwksUri',
  'cognitoTokenUse',
  'throttleRateLimit',
  'throttleBurstLimit',
  'tenantRoles',
  'sessionMode',
  'maxSessionDuration',
  'webIdentityAudience',
  'webIdentitySigningKeys',
  'tenantCacheTtlSeconds',
  'reservedConcurrency',
  'logRetentionDays',
  'logLevel',
  'apiGatewayCloudWatchRole',
  'webAclArn',
  'alarmTopicArn',
];

/** Keys credvend no longer reads, with what to write instead. */
const RETIRED_KEYS: Readonly<Record<string, string>> = {
  extraTenantRoleArns:
    'replaced by tenantRoles, which binds each tenant-owned role to its tenant: write a JSON object ' +
    '{"<tenantId>": "<role ARN>"}, e.g. -c tenantRoles=\'{"globex":"arn:aws:iam::111122223333:role/globex-access"}\'',
};

/** Bad context: the message names every bad key. */
export class InvalidContextError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`credvend context is invalid:\n  ${problems.join('\n  ')}`);
    this.name = 'InvalidContextError';
  }
}

/** The stack props that come from context (no `env`: that is the environment's business). */
export type ContextProps = Omit<CredvendStackProps, keyof StackProps> & {
  readonly stage: string;
};

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
const BUCKET_ARN_PATTERN = /^arn:aws[a-z-]*:s3:::([^/*?]+)$/;
const WEB_ACL_ARN_PATTERN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]+\/[\w-]+$/;
const TOPIC_ARN_PATTERN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;
const CLAIM_PATTERN = /^[\w:./#-]{1,256}$/;
const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/**
 * Parses and checks every credvend context key; throws one `InvalidContextError` naming all problems, a
 * misspelt key among them (`-c jwtIssur=...` must not quietly deploy with the Cognito default).
 */
export function propsFromContext(context: Context): ContextProps {
  const problems: string[] = [];
  const read = new ContextReader((key) => context[key], problems);
  for (const key of Object.keys(context)) {
    const retired = Object.hasOwn(RETIRED_KEYS, key) ? RETIRED_KEYS[key] : undefined;
    if (retired !== undefined) {
      problems.push(`${key}: ${retired}`);
      continue;
    }
    const meant = CONTEXT_KEYS.includes(key)
      ? undefined
      : CONTEXT_KEYS.find((known) => isNearMiss(key, known));
    if (meant !== undefined) problems.push(`${key}: unknown context key; did you mean ${meant}?`);
  }

  const stage = read.string('stage') ?? 'dev';
  if (!STAGE_PATTERN.test(stage)) problems.push(`stage: "${stage}" must match ${STAGE_PATTERN}`);

  const allowedOrigins = read.list('allowedOrigins', checkOrigin);
  const allowedRegions = read.list('allowedRegions', (r) =>
    REGION_PATTERN.test(r) ? undefined : 'is not a region name',
  );
  const dataBucketNames = [
    ...(
      read.list('dataBucketArns', (arn) =>
        BUCKET_ARN_PATTERN.test(arn) ? checkBucketName(bucketOfArn(arn)) : 'is not an S3 bucket ARN',
      ) ?? []
    ).map(bucketOfArn),
    ...(read.list('dataBuckets', checkBucketName) ?? []),
  ];

  const tenantPrefixTemplate = read.string('tenantPrefixTemplate');
  if (tenantPrefixTemplate !== undefined) {
    const problem = checkPrefixTemplate(tenantPrefixTemplate);
    if (problem) problems.push(`tenantPrefixTemplate: "${tenantPrefixTemplate}" ${problem}`);
  }
  const tenantClaim = read.string('tenantClaim');
  if (tenantClaim !== undefined && !CLAIM_PATTERN.test(tenantClaim)) {
    problems.push(`tenantClaim: "${tenantClaim}" must match ${CLAIM_PATTERN}`);
  }

  const identity = readIdentity(read, problems);
  const rateLimit = read.number('throttleRateLimit', { min: 1, max: 10_000 });
  const burstLimit = read.number('throttleBurstLimit', { min: 1, max: 5_000, integer: true });
  const tenantRoles = readTenantRoles(context.tenantRoles, problems);
  const sessionMode = readSessionMode(read, problems, tenantRoles);
  const tenantCacheTtlSeconds = read.number('tenantCacheTtlSeconds', { min: 0, max: 3600, integer: true });
  const reservedConcurrency = read.number('reservedConcurrency', { min: 1, max: 10_000, integer: true });
  const logRetentionDays = read.number('logRetentionDays', { min: 1, max: 3653, integer: true });
  if (logRetentionDays !== undefined && !RETENTION_DAYS.has(logRetentionDays)) {
    problems.push(
      `logRetentionDays: ${logRetentionDays} is not a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, ...)`,
    );
  }
  const logLevel = read.string('logLevel');
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel as LogLevel)) {
    problems.push(`logLevel: "${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const apiGatewayCloudWatchRole = read.boolean('apiGatewayCloudWatchRole');
  const webAclArn = read.matching('webAclArn', WEB_ACL_ARN_PATTERN, 'a regional WAFv2 web ACL ARN');
  const alarmTopicArn = read.matching('alarmTopicArn', TOPIC_ARN_PATTERN, 'an SNS topic ARN');

  if (problems.length > 0) throw new InvalidContextError(problems);
  return {
    stage,
    identity,
    ...(allowedOrigins && { allowedOrigins }),
    ...(allowedRegions && { allowedRegions }),
    ...(dataBucketNames.length > 0 && { dataBucketNames: [...new Set(dataBucketNames)] }),
    ...(tenantPrefixTemplate !== undefined && { tenantPrefixTemplate }),
    ...(tenantClaim !== undefined && { tenantClaim }),
    throttle: { rateLimit: rateLimit ?? 50, burstLimit: burstLimit ?? 100 },
    ...(tenantRoles && { tenantRoles }),
    ...(sessionMode && { sessionMode }),
    ...(tenantCacheTtlSeconds !== undefined && { tenantCacheTtl: Duration.seconds(tenantCacheTtlSeconds) }),
    ...(reservedConcurrency !== undefined && { reservedConcurrency }),
    ...(logRetentionDays !== undefined && { logRetention: logRetentionDays as RetentionDays }),
    ...(logLevel !== undefined && { logLevel: logLevel as LogLevel }),
    ...(apiGatewayCloudWatchRole !== undefined && { apiGatewayCloudWatchRole }),
    ...(webAclArn !== undefined && { webAclArn }),
    ...(alarmTopicArn !== undefined && { alarmTopicArn }),
  };
}

/** Cognito by default; an external OIDC issuer when `jwtIssuer` is set (then `jwtAudience` is required). */
function readIdentity(read: ContextReader, problems: string[]): IdentityConfig {
  const issuer = read.string('jwtIssuer');
  const jwksUri = read.string('jwksUri');
  const tokenUse = read.string('cognitoTokenUse');
  const audienceIsNull = read.isExplicitNull('jwtAudience');
  const audience = audienceIsNull ? undefined : read.list('jwtAudience');
  if (issuer === undefined) {
    for (const key of ['jwtAudience', 'jwksUri'] as const) {
      if (read.isSet(key)) problems.push(`${key}: only applies with jwtIssuer (an external OIDC issuer)`);
    }
    if (tokenUse !== undefined && tokenUse !== 'id' && tokenUse !== 'access') {
      problems.push(`cognitoTokenUse: "${tokenUse}" must be "id" or "access"`);
    }
    return { kind: 'cognito', ...(tokenUse === 'access' ? { tokenUse: 'access' } : { tokenUse: 'id' }) };
  }
  const issuerProblem = checkHttpsUrl(issuer);
  if (issuerProblem) problems.push(`jwtIssuer: "${issuer}" ${issuerProblem}`);
  if (jwksUri !== undefined) {
    const jwksProblem = checkHttpsUrl(jwksUri);
    if (jwksProblem) problems.push(`jwksUri: "${jwksUri}" ${jwksProblem}`);
  }
  if (tokenUse !== undefined)
    problems.push('cognitoTokenUse: only applies without jwtIssuer (the Cognito pool)');
  if (!audienceIsNull && (audience === undefined || audience.length === 0)) {
    problems.push('jwtAudience: required with jwtIssuer; pass "null" to accept any audience explicitly');
  }
  return {
    kind: 'oidc',
    issuer,
    audience: audienceIsNull ? null : (audience ?? []),
    ...(jwksUri !== undefined && { jwksUri }),
  };
}

/**
 * `sessionMode` (role-chaining by default), `maxSessionDuration` (seconds: 3600 only with role chaining, 3600-43200
 * with web identity, 43200 by default) and `webIdentityAudience` (web identity only). Undefined for the default mode
 * when none of them is set.
 */
function readSessionMode(
  read: ContextReader,
  problems: string[],
  tenantRoles: Readonly<Record<string, string>> | undefined,
): SessionModeConfig | undefined {
  const mode = read.string('sessionMode');
  if (mode !== undefined && !SESSION_MODE_NAMES.includes(mode as SessionModeName)) {
    problems.push(`sessionMode: "${mode}" must be one of ${SESSION_MODE_NAMES.join(', ')}`);
    return undefined;
  }
  const { min, max } = ROLE_MAX_SESSION_RANGE;
  const maxSession = read.number('maxSessionDuration', { min, max, integer: true });
  const audience = read.string('webIdentityAudience');
  const signingKeys = read.list('webIdentitySigningKeys');
  if (mode !== 'web-identity') {
    if (maxSession !== undefined && maxSession !== ROLE_CHAINING_MAX_SESSION_SECONDS) {
      problems.push(
        `maxSessionDuration: ${maxSession} is not possible with sessionMode role-chaining, which STS caps at ` +
          `${ROLE_CHAINING_MAX_SESSION_SECONDS} s; set sessionMode=web-identity for sessions up to ${max} s`,
      );
    }
    if (audience !== undefined)
      problems.push('webIdentityAudience: only applies with sessionMode=web-identity');
    if (signingKeys !== undefined)
      problems.push('webIdentitySigningKeys: only applies with sessionMode=web-identity');
    return mode === undefined ? undefined : { kind: 'role-chaining' };
  }
  if (audience !== undefined && !AUDIENCE_PATTERN.test(audience)) {
    problems.push(`webIdentityAudience: "${audience}" must match ${AUDIENCE_PATTERN}`);
  }
  if (signingKeys !== undefined) problems.push(...signingKeyProblems(signingKeys, 'webIdentitySigningKeys'));
  // A malformed tenantRoles is refused on its own as well: say now that fixing it would not be enough.
  const hasTenantRoles =
    tenantRoles === undefined ? read.isSet('tenantRoles') : Object.keys(tenantRoles).length > 0;
  if (hasTenantRoles) {
    problems.push(`tenantRoles: ${WEB_IDENTITY_TENANT_ROLES_UNSUPPORTED}`);
  }
  return {
    kind: 'web-identity',
    ...(maxSession !== undefined && { maxSessionDuration: Duration.seconds(maxSession) }),
    ...(audience !== undefined && { audience }),
    ...(signingKeys !== undefined && { signingKeys }),
  };
}

/** `tenantRoles`: a JSON object from cdk.json, or its JSON text from `-c tenantRoles='{...}'`. */
function readTenantRoles(value: unknown, problems: string[]): Readonly<Record<string, string>> | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return undefined;
  }
  const check = checkTenantRoles(value);
  if (!check.ok) {
    problems.push(...check.problems.map((problem) => `tenantRoles: ${problem}`));
    return undefined;
  }
  return Object.fromEntries(check.roles);
}

function bucketOfArn(arn: string): string {
  return BUCKET_ARN_PATTERN.exec(arn)?.[1] ?? arn;
}

function checkBucketName(name: string): string | undefined {
  return BUCKET_PATTERN.test(name)
    ? undefined
    : 'is not a bucket name tenant records accept (3-63 of a-z, 0-9, "-"; no dots)';
}

/** An origin is scheme://host[:port] exactly; plain http only for localhost. `*` is refused. */
function checkOrigin(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not an origin (scheme://host[:port])';
  }
  if (url.origin !== origin) return 'is not an origin (scheme://host[:port], no path or trailing slash)';
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    return 'must be https (http only for localhost)';
  }
  return undefined;
}

function checkHttpsUrl(value: string): string | undefined {
  try {
    return new URL(value).protocol === 'https:' ? undefined : 'must be an https URL';
  } catch {
    return 'is not a URL';
  }
}

/** `{tenant}` exactly once, as a whole path segment; the rest safe key characters; ends with `/`. */
function checkPrefixTemplate(template: string): string | undefined {
  const segments = template.split('/');
  if (!template.endsWith('/')) return 'must end with "/"';
  if (template.split('{tenant}').length !== 2) return 'must contain {tenant} exactly once';
  if (!segments.includes('{tenant}'))
    return 'must have {tenant} as a whole path segment (e.g. tenants/{tenant}/)';
  if (!PREFIX_PATTERN.test(template.replace('{tenant}', 'tenant'))) {
    return 'must be path segments of [A-Za-z0-9!_.()=@+,-], each ending in "/" (no "..", "*", "$")';
  }
  return undefined;
}
