/**
 * Where `credvend-admin` finds the deployment it manages: the tenant table, the tenant access role, and the rules a
 * record must satisfy there (data buckets, prefix template, regions, the session cap, the tenant-owned roles). From explicit flags, the
 * running sandbox's state file (`--local`), or a stack's outputs (`--stack`, see `stack-deployment.ts`); every
 * source goes through the same checks, and every problem is listed at once.
 */
import { ROLE_CHAINING_MAX_SESSION_SECONDS } from '../lambda/adapters/sts-credential-issuer';
import type { TenantRecordRules } from '../lambda/core/tenant-record';
import { BUCKET_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from '../lambda/core/tenant-record';
import { checkTenantRoles, NO_TENANT_ROLES, type TenantRoles } from '../lambda/core/tenant-roles';
import { DEFAULT_PREFIX_TEMPLATE } from '../lib/policies/tenant-access-policy';
import { readSandboxState, type SandboxState, SandboxStateError } from '../sandbox/state-file';
import { InvalidDeploymentError, SandboxNotRunningError } from './errors';
import type { SessionMode } from './stack-deployment';

/** How the admin tool's AWS clients reach the deployment. */
export interface AwsSettings {
  /** The region of the tenant table and of the stack. */
  readonly region: string;
  /** Endpoint overrides (the sandbox); AWS's regional endpoints when absent. */
  readonly dynamoDbEndpoint?: string;
  readonly iamEndpoint?: string;
  readonly stsEndpoint?: string;
  /** Static credentials (the sandbox's operator); the SDK's default chain when absent. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** One credvend deployment, checked. */
export interface Deployment {
  /** Where the settings came from, for messages: `stack credvend-prod`, `flags`, `the sandbox (file)`. */
  readonly source: string;
  readonly tableName: string;
  /** The shared tenant access role (where revocations are written). */
  readonly tenantRoleArn: string;
  readonly dataBuckets: readonly string[];
  readonly prefixTemplate: string;
  /** Regions credentials are issued in (`ALLOWED_REGIONS`). */
  readonly regions: readonly string[];
  /** The longest session the deployment's session mode can issue: 3600 s for role chaining. */
  readonly maxSessionSeconds: number;
  /** Tenant-owned roles by tenant (`TENANT_ROLES`): the only `roleArn` each tenant's record may name. */
  readonly tenantRoles: TenantRoles;
  /** The vend function's execution role, which a tenant's own role must trust; unknown for bare flags without it. */
  readonly vendRoleArn?: string;
  /** How the function obtains sessions (the stack's `SessionMode`, the sandbox's mode); unknown for bare flags. */
  readonly sessionMode?: SessionMode;
  readonly aws: AwsSettings;
}

/** The rules `checkTenantRecord` applies for `deployment`, exactly as the function applies them. */
export function deploymentRules(deployment: Deployment): TenantRecordRules {
  return {
    maxSessionSeconds: deployment.maxSessionSeconds,
    maxSessionSource: MAX_SESSION_SOURCES[deployment.sessionMode ?? 'unknown'],
    dataBuckets: deployment.dataBuckets,
    prefixTemplate: deployment.prefixTemplate,
    tenantRoles: deployment.tenantRoles,
  };
}

/** What sets a deployment's session cap, by its session mode, for the refusal of a longer tenant maximum. */
const MAX_SESSION_SOURCES: Readonly<Record<SessionMode | 'unknown', string>> = {
  'role-chaining': 'STS role chaining',
  'web-identity': "the tenant access role's MaxSessionDuration, web-identity mode",
  unknown: "the deployment's session cap, --max-session-seconds",
};

/** A deployment's settings as text, before checking (comma-separated lists). */
export interface RawDeployment {
  readonly tableName?: string;
  readonly tenantRoleArn?: string;
  readonly dataBuckets?: string;
  readonly prefixTemplate?: string;
  readonly regions?: string;
  readonly maxSessionSeconds?: string;
  /** JSON `{"<tenantId>": "<role ARN>"}`. */
  readonly tenantRoles?: string;
  /** Optional: only `tenants trust-policy` needs it. */
  readonly vendRoleArn?: string;
  readonly region?: string;
}

/** What each setting is called where it came from (a flag, a stack output, a state file field). */
export type SettingNames = Readonly<Record<keyof RawDeployment, string>>;

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** STS limits for a session, whatever the mode. */
const MIN_SESSION_SECONDS = 900;
const MAX_SESSION_SECONDS = 43_200;

const split = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

/**
 * Checks `raw` and returns the deployment; throws `InvalidDeploymentError` naming every missing or invalid setting
 * by the name it has in `source`.
 */
export function checkDeployment(
  raw: RawDeployment,
  names: SettingNames,
  source: string,
  aws: Omit<AwsSettings, 'region'> = {},
): Deployment {
  const problems: string[] = [];
  const required = (key: keyof RawDeployment): string => {
    const value = raw[key]?.trim() ?? '';
    if (value === '') problems.push(`${names[key]}: required`);
    return value;
  };
  const tableName = required('tableName');
  if (tableName !== '' && !TABLE_NAME.test(tableName))
    problems.push(`${names.tableName}: "${tableName}" is not a DynamoDB table name`);
  const tenantRoleArn = required('tenantRoleArn');
  if (tenantRoleArn !== '' && !ROLE_ARN_PATTERN.test(tenantRoleArn))
    problems.push(`${names.tenantRoleArn}: "${tenantRoleArn}" is not an IAM role ARN`);
  const dataBuckets = split(required('dataBuckets'));
  for (const bucket of dataBuckets.filter((b) => !BUCKET_PATTERN.test(b)))
    problems.push(`${names.dataBuckets}: "${bucket}" is not an S3 bucket name`);
  const prefixTemplate = required('prefixTemplate');
  if (prefixTemplate !== '' && !(prefixTemplate.includes('{tenant}') && prefixTemplate.endsWith('/')))
    problems.push(`${names.prefixTemplate}: "${prefixTemplate}" must contain {tenant} and end with "/"`);
  const regions = split(required('regions'));
  for (const region of regions.filter((r) => !REGION_PATTERN.test(r)))
    problems.push(`${names.regions}: "${region}" is not an AWS region`);
  const maxSession = required('maxSessionSeconds');
  const maxSessionSeconds = Number(maxSession);
  if (
    maxSession !== '' &&
    !(
      /^\d+$/.test(maxSession) &&
      maxSessionSeconds >= MIN_SESSION_SECONDS &&
      maxSessionSeconds <= MAX_SESSION_SECONDS
    )
  )
    problems.push(
      `${names.maxSessionSeconds}: "${maxSession}" must be whole seconds from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`,
    );
  const tenantRolesJson = required('tenantRoles');
  const rolesCheck = tenantRolesJson === '' ? undefined : checkTenantRoles(tenantRolesJson);
  if (rolesCheck !== undefined && !rolesCheck.ok)
    problems.push(...rolesCheck.problems.map((p) => `${names.tenantRoles}: ${p}`));
  const vendRoleArn = raw.vendRoleArn?.trim() || undefined;
  if (vendRoleArn !== undefined && !ROLE_ARN_PATTERN.test(vendRoleArn))
    problems.push(`${names.vendRoleArn}: "${vendRoleArn}" is not an IAM role ARN`);
  const region = required('region');
  if (region !== '' && !REGION_PATTERN.test(region))
    problems.push(`${names.region}: "${region}" is not an AWS region`);
  if (problems.length > 0) throw new InvalidDeploymentError(source, problems);
  return {
    source,
    tableName,
    tenantRoleArn,
    dataBuckets,
    prefixTemplate,
    regions,
    maxSessionSeconds,
    tenantRoles: rolesCheck?.ok ? rolesCheck.roles : NO_TENANT_ROLES,
    ...(vendRoleArn !== undefined && { vendRoleArn }),
    aws: { ...aws, region },
  };
}

/** The deployment flags of the CLI, as given. */
export interface DeploymentFlags {
  readonly table?: string;
  readonly roleArn?: string;
  readonly dataBuckets?: string;
  readonly prefixTemplate?: string;
  readonly regions?: string;
  readonly maxSessionSeconds?: string;
  readonly tenantRoles?: string;
  readonly vendRoleArn?: string;
  readonly region?: string;
}

/** The flag of each setting. */
export const DEPLOYMENT_FLAG_NAMES: SettingNames = {
  tableName: '--table',
  tenantRoleArn: '--role-arn',
  dataBuckets: '--data-buckets',
  prefixTemplate: '--prefix-template',
  regions: '--regions',
  maxSessionSeconds: '--max-session-seconds',
  tenantRoles: '--tenant-roles',
  vendRoleArn: '--vend-role-arn',
  region: '--region',
};

/**
 * The deployment from explicit flags. `--prefix-template` defaults to the stack's `tenants/{tenant}/`,
 * `--max-session-seconds` to role chaining's 3600, `--tenant-roles` to none (`{}`), `--regions` to `--region` (as `ALLOWED_REGIONS` defaults to
 * `AWS_REGION`); `region` is the flag's value, or the SDK's default region when the flag is absent.
 */
export function deploymentFromFlags(flags: DeploymentFlags, defaultRegion?: string): Deployment {
  const region = flags.region ?? defaultRegion;
  return checkDeployment(
    {
      ...(flags.table !== undefined && { tableName: flags.table }),
      ...(flags.roleArn !== undefined && { tenantRoleArn: flags.roleArn }),
      ...(flags.dataBuckets !== undefined && { dataBuckets: flags.dataBuckets }),
      prefixTemplate: flags.prefixTemplate ?? DEFAULT_PREFIX_TEMPLATE,
      ...((flags.regions ?? region) !== undefined && { regions: flags.regions ?? region }),
      maxSessionSeconds: flags.maxSessionSeconds ?? String(ROLE_CHAINING_MAX_SESSION_SECONDS),
      tenantRoles: flags.tenantRoles ?? '{}',
      ...(flags.vendRoleArn !== undefined && { vendRoleArn: flags.vendRoleArn }),
      ...(region !== undefined && { region }),
    },
    { ...DEPLOYMENT_FLAG_NAMES, region: '--region (or AWS_REGION, or a region in your AWS profile)' },
    'flags',
  );
}

/** The running sandbox as a deployment: its table and role, on its endpoints, as its operator. */
export function deploymentFromSandbox(state: SandboxState, file: string): Deployment {
  const deployment = checkDeployment(
    {
      tableName: state.tableName,
      tenantRoleArn: state.tenantRoleArn,
      dataBuckets: state.dataBuckets.join(','),
      prefixTemplate: state.prefixTemplate,
      regions: state.regions.join(','),
      maxSessionSeconds: String(state.maxSessionSeconds),
      // The sandbox's function runs without tenant-owned roles.
      tenantRoles: '{}',
      region: state.region,
    },
    {
      tableName: 'tableName',
      tenantRoleArn: 'tenantRoleArn',
      dataBuckets: 'dataBuckets',
      prefixTemplate: 'prefixTemplate',
      regions: 'regions',
      maxSessionSeconds: 'maxSessionSeconds',
      tenantRoles: 'tenantRoles',
      vendRoleArn: 'vendRoleArn',
      region: 'region',
    },
    `the sandbox (${file})`,
    {
      dynamoDbEndpoint: state.dynamoDbUrl,
      stsEndpoint: state.stsUrl,
      ...(state.iamUrl !== undefined && { iamEndpoint: state.iamUrl }),
      // dynalite accepts any signature; without an operator the sandbox's IAM front is out of reach anyway.
      credentials: state.operator ?? { accessKeyId: 'AKIDLOCALADMIN', secretAccessKey: 'local-admin' },
    },
  );
  return state.sessionMode === undefined ? deployment : { ...deployment, sessionMode: state.sessionMode };
}

/** The deployment of the sandbox whose state file is `file`; `SandboxNotRunningError` when there is none. */
export function deploymentFromStateFile(file: string): Deployment {
  let state: SandboxState;
  try {
    state = readSandboxState(file);
  } catch (error) {
    if (error instanceof SandboxStateError) throw new SandboxNotRunningError(error.message, { cause: error });
    throw error;
  }
  return deploymentFromSandbox(state, file);
}
