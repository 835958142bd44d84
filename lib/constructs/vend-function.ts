/**
 * The vend function: the Lambda that verifies the caller's JWT and assumes the tenant access role for it, either with
 * its own role (role chaining) or with a token it signs itself (web identity).
 */
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { tenantRolesJson } from '../../lambda/core/tenant-roles';
import { acknowledge } from '../nag';
import { VEND_TRUST_ACTIONS } from '../policies/trust-policies';
import type { SessionModeName } from '../session-mode';
import { DEFAULT_PREFIX_TEMPLATE } from './tenant-access-role';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** API Gateway (REST) gives up on an integration after 29 seconds. */
const API_GATEWAY_TIMEOUT = Duration.seconds(29);

/**
 * How the function is bundled (the cold-start benchmark builds the same bundle, see bench/scenarios/cold-start.ts). The SDK clients are bundled too:
 * the adapters are tested against the pinned versions in package-lock.json, and they share @smithy packages (the
 * HTTP handler) that must match the clients' own.
 */
export const VEND_FUNCTION_BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: OutputFormat.CJS,
  // ES module builds first: esbuild can tree-shake them (a fifth smaller bundle, a quarter less init time).
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
} as const satisfies BundlingOptions;

/** Powertools log levels. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Properties of {@link VendFunction}: its configuration, as `lambda/config.ts` reads it. */
export interface VendFunctionProps {
  /** `TENANT_TABLE_NAME`. */
  readonly tenantTableName: string;
  /** `DATA_BUCKETS`: the buckets grants may name. */
  readonly dataBucketNames: readonly string[];
  /** `ALLOWED_REGIONS`: regions credentials are issued in (tokens allowed, e.g. `Aws.REGION`). */
  readonly allowedRegions: readonly string[];
  /** `JWT_PROVIDER` and its settings (see `Identity.functionEnvironment`). */
  readonly identityEnvironment: Readonly<Record<string, string>>;
  /**
   * `TENANT_PREFIX_TEMPLATE`.
   * @default 'tenants/{tenant}/'
   */
  readonly prefixTemplate?: string;
  /**
   * `TENANT_CLAIM`: the JWT claim naming the tenant.
   * @default 'custom:tenant_id'
   */
  readonly tenantClaim?: string;
  /**
   * `ALLOWED_ORIGINS`: CORS origins the function echoes.
   * @default - none
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * `TENANT_CACHE_TTL_SECONDS`: how long a tenant record is cached (bounds how late a suspension takes effect).
   * @default Duration.seconds(30)
   */
  readonly tenantCacheTtl?: Duration;
  /**
   * `STS_DEADLINE_MS`: the overall deadline of one AssumeRole, retries included.
   * @default Duration.seconds(6)
   */
  readonly stsDeadline?: Duration;
  /**
   * The function timeout: at least twice the STS deadline (a JWKS fetch and the tenant read come first) and
   * below API Gateway's 29 s, so the caller gets the function's JSON error rather than a gateway timeout.
   * @default Duration.seconds(15)
   */
  readonly timeout?: Duration;
  /**
   * Memory (and with it CPU, which JWT signature checks and cold starts use).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency: caps the function (and the STS calls it can make) and guarantees it that capacity.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the function's log group (it holds the audit events).
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * `POWERTOOLS_LOG_LEVEL`.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * X-Ray active tracing.
   * @default true
   */
  readonly tracing?: boolean;
}

/** What the function needs to know to be its own OIDC issuer (web-identity mode). */
export interface WebIdentitySessions {
  /** `TENANT_ROLE_ARN`: the tenant access role. */
  readonly tenantRoleArn: string;
  /** `WEB_IDENTITY_ISSUER`: the issuer URL, no trailing slash. */
  readonly issuer: string;
  /** `WEB_IDENTITY_AUDIENCE`. */
  readonly audience: string;
  /** `SIGNING_KEY_IDS`: KMS key ARNs; the first signs, all are published in the JWKS. */
  readonly signingKeyArns: readonly string[];
  /** `MAX_SESSION_SECONDS`: the tenant access role's MaxSessionDuration. */
  readonly maxSessionSeconds: number;
}

/** The vend function with its own least-privilege role and log group. */
export class VendFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its execution role: the only principal the tenant access role trusts (role chaining) or that may sign (web identity). */
  public readonly role: Role;
  /** Its log group (structured logs and one audit event per request). */
  public readonly logGroup: LogGroup;
  private hasTenantRole = false;

  constructor(scope: Construct, id: string, props: VendFunctionProps) {
    super(scope, id);
    const stsDeadline = props.stsDeadline ?? Duration.seconds(6);
    const timeout = props.timeout ?? Duration.seconds(15);
    if (timeout.toMilliseconds() < 2 * stsDeadline.toMilliseconds()) {
      throw new Error(
        `VendFunction timeout (${timeout.toSeconds()} s) must be at least twice the STS deadline (${stsDeadline.toMilliseconds()} ms)`,
      );
    }
    if (timeout.toMilliseconds() >= API_GATEWAY_TIMEOUT.toMilliseconds()) {
      throw new Error(`VendFunction timeout (${timeout.toSeconds()} s) must stay below API Gateway's 29 s`);
    }

    // An explicit role instead of the default one: no AWSLambdaBasicExecutionRole (which may create log groups
    // and write to any of them), only this function's own log group.
    this.role = new Role(this, 'Role', {
      description: 'credvend vend function: reads tenant records and assumes the tenant access role',
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
    });
    this.logGroup.grantWrite(this.role);

    const tracing = props.tracing ?? true;
    this.function = new NodejsFunction(this, 'Function', {
      description: 'credvend: verifies the JWT and vends tenant-scoped STS credentials',
      entry: path.join(PROJECT_ROOT, 'lambda', 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      bundling: VEND_FUNCTION_BUNDLING,
      environment: {
        TENANT_TABLE_NAME: props.tenantTableName,
        TENANT_CACHE_TTL_SECONDS: String((props.tenantCacheTtl ?? Duration.seconds(30)).toSeconds()),
        DATA_BUCKETS: props.dataBucketNames.join(','),
        TENANT_PREFIX_TEMPLATE: props.prefixTemplate ?? DEFAULT_PREFIX_TEMPLATE,
        ALLOWED_REGIONS: props.allowedRegions.join(','),
        TENANT_CLAIM: props.tenantClaim ?? 'custom:tenant_id',
        ALLOWED_ORIGINS: (props.allowedOrigins ?? []).join(','),
        STS_DEADLINE_MS: String(stsDeadline.toMilliseconds()),
        ...props.identityEnvironment,
        POWERTOOLS_SERVICE_NAME: 'credvend',
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the code is built (esbuild target node22) and tested for; moving to Node.js 24 ' +
        'is a deliberate upgrade with its own test run, not a side effect of a cdk-nag update.',
    );
    if (tracing) {
      acknowledge(
        this.role,
        'AwsSolutions-IAM5[Resource::*]',
        'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) use Resource "*": ' +
          'X-Ray write actions support no resource-level permissions.',
      );
    }
    this.node.addValidation({
      validate: () =>
        this.hasTenantRole
          ? []
          : ['VendFunction has no tenant access role: call useTenantRoles() or useWebIdentity()'],
    });
  }

  /**
   * Role-chaining mode (`SESSION_MODE=role-chaining`): makes `defaultRole` the tenant access role (`TENANT_ROLE_ARN`) and `tenantRoles` the tenants' own roles by
   * tenant id (`TENANT_ROLES`: a record may name only its tenant's), and lets the function assume exactly these
   * roles, with session tags and a source identity. Nothing else in STS.
   */
  public useTenantRoles(defaultRole: IRole, tenantRoles: Readonly<Record<string, string>> = {}): void {
    this.setSessionMode('role-chaining', defaultRole.roleArn, tenantRoles);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AssumeTenantRoles',
        actions: [...VEND_TRUST_ACTIONS],
        resources: [defaultRole.roleArn, ...new Set(Object.values(tenantRoles))],
      }),
    );
  }

  /**
   * Web-identity mode: the function signs its own token and calls AssumeRoleWithWebIdentity (unsigned), so its role
   * gets no STS permission at all; signing is granted on the key (see `WebIdentity`). No tenant-owned roles.
   */
  public useWebIdentity(sessions: WebIdentitySessions): void {
    this.setSessionMode('web-identity', sessions.tenantRoleArn, {});
    this.function.addEnvironment('WEB_IDENTITY_ISSUER', sessions.issuer);
    this.function.addEnvironment('WEB_IDENTITY_AUDIENCE', sessions.audience);
    this.function.addEnvironment('SIGNING_KEY_IDS', sessions.signingKeyArns.join(','));
    this.function.addEnvironment('MAX_SESSION_SECONDS', String(sessions.maxSessionSeconds));
  }

  private setSessionMode(
    mode: SessionModeName,
    tenantRoleArn: string,
    tenantRoles: Readonly<Record<string, string>>,
  ): void {
    if (this.hasTenantRole) {
      throw new Error('VendFunction.useTenantRoles() or useWebIdentity() may be called once');
    }
    this.hasTenantRole = true;
    this.function.addEnvironment('SESSION_MODE', mode);
    this.function.addEnvironment('TENANT_ROLE_ARN', tenantRoleArn);
    this.function.addEnvironment('TENANT_ROLES', tenantRolesJson(tenantRoles));
  }
}
