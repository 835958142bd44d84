/** The credvend stack: one construct per concern, wired together; configuration arrives as typed props. */
import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyDocument } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { checkTenantRoles, tenantRolesJson } from '../lambda/core/tenant-roles';
import { DataBuckets } from './constructs/data-buckets';
import { Identity, type IdentityConfig } from './constructs/identity';
import { Monitoring } from './constructs/monitoring';
import { DEFAULT_PREFIX_TEMPLATE, TenantAccessRole } from './constructs/tenant-access-role';
import { TenantTable } from './constructs/tenant-table';
import { type ThrottleSettings, VendApi } from './constructs/vend-api';
import { type LogLevel, VendFunction } from './constructs/vend-function';
import { WebIdentity } from './constructs/web-identity';
import { operatorPolicy } from './policies/operator-policy';
import {
  audienceOf,
  maxSessionSecondsOf,
  ROLE_CHAINING_MAX_SESSION_SECONDS,
  type SessionModeConfig,
  sessionModeProblems,
  signingKeysOf,
} from './session-mode';

/** The default session mode: the function's own role assumes the tenant access role. */
export const SESSION_MODE = 'role-chaining';
/** The default mode's cap: STS caps a chained session at one hour, whatever the role allows. */
export const SESSION_MODE_MAX_SESSION_SECONDS = ROLE_CHAINING_MAX_SESSION_SECONDS;

/** Properties of {@link CredvendStack}. */
export interface CredvendStackProps extends StackProps {
  /**
   * The deployment stage: names the API and its stage.
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * Where callers' JWTs come from.
   * @default - a Cognito user pool created by the stack, ID tokens
   */
  readonly identity?: IdentityConfig;
  /**
   * The JWT claim naming the tenant.
   * @default 'custom:tenant_id'
   */
  readonly tenantClaim?: string;
  /**
   * Browser origins allowed by CORS (API and created data bucket).
   * @default - none
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Regions credentials may be issued in.
   * @default - the stack's region
   */
  readonly allowedRegions?: readonly string[];
  /**
   * Existing data buckets, by name; none is created then.
   * @default - one data bucket is created
   */
  readonly dataBucketNames?: readonly string[];
  /**
   * Where a tenant's data lives in each bucket; `{tenant}` is the tenant id.
   * @default 'tenants/{tenant}/'
   */
  readonly tenantPrefixTemplate?: string;
  /**
   * Tenants' own roles by tenant id: the function may assume them besides the tenant access role, and a tenant
   * record's `roleArn` must be the one mapped to that tenant (`TENANT_ROLES`).
   * @default - none
   */
  readonly tenantRoles?: Readonly<Record<string, string>>;
  /**
   * How the function obtains sessions: role chaining (one hour at most), or web identity (its own OIDC issuer, up to
   * 12 hours; no `tenantRoles` yet).
   * @default { kind: 'role-chaining' }
   */
  readonly sessionMode?: SessionModeConfig;
  /**
   * Stage-wide API throttling.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: ThrottleSettings;
  /**
   * How long the function caches a tenant record.
   * @default Duration.seconds(30)
   */
  readonly tenantCacheTtl?: Duration;
  /**
   * Reserved concurrency of the function.
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the function's and the API's log groups.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * The function's log level.
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * Set the account's API Gateway CloudWatch Logs role.
   * @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /**
   * A regional WAFv2 web ACL for the API stage.
   * @default - none
   */
  readonly webAclArn?: string;
  /**
   * An SNS topic the alarms notify.
   * @default - none
   */
  readonly alarmTopicArn?: string;
}

/** The credential vending service. */
export class CredvendStack extends Stack {
  public readonly tenantTable: TenantTable;
  public readonly dataBuckets: DataBuckets;
  public readonly identity: Identity;
  public readonly vendFunction: VendFunction;
  public readonly tenantAccessRole: TenantAccessRole;
  public readonly api: VendApi;
  public readonly monitoring: Monitoring;
  /** credvend's own OIDC issuer: signing key and IAM OIDC provider (web-identity mode only). */
  public readonly webIdentity?: WebIdentity;
  /** The managed policy an operator role attaches to run `credvend-admin` on this deployment. */
  public readonly operatorPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: CredvendStackProps = {}) {
    super(scope, id, props);
    const stage = props.stage ?? 'dev';
    const prefixTemplate = props.tenantPrefixTemplate ?? DEFAULT_PREFIX_TEMPLATE;
    const allowedOrigins = props.allowedOrigins ?? [];
    const allowedRegions = props.allowedRegions?.length ? props.allowedRegions : [this.region];
    const sessionMode = props.sessionMode ?? { kind: 'role-chaining' };
    const tenantRoles = props.tenantRoles ?? {};
    const rolesCheck = checkTenantRoles(tenantRoles);
    if (!rolesCheck.ok) throw new Error(`CredvendStack tenantRoles: ${rolesCheck.problems.join('; ')}`);
    const modeProblems = sessionModeProblems(sessionMode, Object.keys(tenantRoles).length);
    if (modeProblems.length > 0) {
      throw new Error(`CredvendStack sessionMode ${sessionMode.kind}: ${modeProblems.join('; ')}`);
    }
    const maxSessionSeconds = maxSessionSecondsOf(sessionMode);

    this.tenantTable = new TenantTable(this, 'TenantTable');
    this.dataBuckets = new DataBuckets(this, 'DataBuckets', {
      ...(props.dataBucketNames && { existingBucketNames: props.dataBucketNames }),
      corsOrigins: allowedOrigins,
    });
    this.identity = new Identity(this, 'Identity', props.identity ?? { kind: 'cognito' });

    this.vendFunction = new VendFunction(this, 'VendFunction', {
      tenantTableName: this.tenantTable.tableName,
      dataBucketNames: this.dataBuckets.bucketNames,
      allowedRegions,
      identityEnvironment: this.identity.functionEnvironment,
      prefixTemplate,
      allowedOrigins,
      ...(props.tenantClaim && { tenantClaim: props.tenantClaim }),
      ...(props.tenantCacheTtl && { tenantCacheTtl: props.tenantCacheTtl }),
      ...(props.reservedConcurrency !== undefined && { reservedConcurrency: props.reservedConcurrency }),
      ...(props.logRetention && { logRetention: props.logRetention }),
      ...(props.logLevel && { logLevel: props.logLevel }),
    });
    this.tenantTable.grantGetItem(this.vendFunction.function);

    this.api = new VendApi(this, 'Api', {
      handler: this.vendFunction.function,
      stageName: stage,
      allowedOrigins,
      oidcDiscovery: sessionMode.kind === 'web-identity',
      ...(props.throttle && { throttle: props.throttle }),
      ...(props.logRetention && { accessLogRetention: props.logRetention }),
      ...(props.apiGatewayCloudWatchRole !== undefined && {
        createCloudWatchRole: props.apiGatewayCloudWatchRole,
      }),
      ...(props.webAclArn && { webAclArn: props.webAclArn }),
    });

    if (sessionMode.kind === 'web-identity') {
      this.webIdentity = new WebIdentity(this, 'WebIdentity', {
        issuer: this.api.baseUrl,
        audience: audienceOf(sessionMode),
        signingKeys: signingKeysOf(sessionMode),
        signer: this.vendFunction.role,
        publishedBy: [this.api.restApi.deploymentStage, ...this.api.discoveryMethods],
      });
      this.tenantAccessRole = new TenantAccessRole(this, 'TenantAccessRole', {
        trust: {
          kind: 'web-identity',
          identity: this.webIdentity.trust,
          maxSessionDuration: Duration.seconds(maxSessionSeconds),
        },
        dataBuckets: this.dataBuckets.buckets,
        prefixTemplate,
      });
      this.vendFunction.useWebIdentity({
        tenantRoleArn: this.tenantAccessRole.roleArn,
        issuer: this.webIdentity.issuer,
        audience: this.webIdentity.audience,
        signingKeyArns: this.webIdentity.signingKeyArns,
        maxSessionSeconds,
      });
    } else {
      this.tenantAccessRole = new TenantAccessRole(this, 'TenantAccessRole', {
        trust: { kind: 'role-chaining', trustedRole: this.vendFunction.role },
        dataBuckets: this.dataBuckets.buckets,
        prefixTemplate,
      });
      this.vendFunction.useTenantRoles(this.tenantAccessRole.role, tenantRoles);
    }

    // What an operator role attaches to run credvend-admin on this deployment; the function itself gets no IAM write.
    this.operatorPolicy = new ManagedPolicy(this, 'OperatorPolicy', {
      description:
        'credvend-admin on this deployment: tenant records, revocations on the tenant access role, outputs',
      document: PolicyDocument.fromJson(
        operatorPolicy({
          tenantRoleArn: this.tenantAccessRole.roleArn,
          tableArn: this.tenantTable.table.tableArn,
          stackArn: this.stackId,
        }),
      ),
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      function: this.vendFunction.function,
      stage: this.api.restApi.deploymentStage,
      ...(props.alarmTopicArn && { alarmTopicArn: props.alarmTopicArn }),
    });

    new CfnOutput(this, 'ApiUrl', { description: 'The API base URL', value: this.api.url });
    new CfnOutput(this, 'TenantAccessRoleArn', {
      description: 'The role vended sessions assume',
      value: this.tenantAccessRole.roleArn,
    });
    new CfnOutput(this, 'VendFunctionRoleArn', {
      description:
        "The principal a tenant-owned role's trust policy names (with the tenant tag and external id)",
      value: this.vendFunction.role.roleArn,
    });
    new CfnOutput(this, 'OperatorPolicyArn', {
      description: 'Attach to the role that runs credvend-admin on this deployment',
      value: this.operatorPolicy.managedPolicyArn,
    });
    new CfnOutput(this, 'TenantTableName', {
      description: 'Tenant records (partition key tenantId)',
      value: this.tenantTable.tableName,
    });
    new CfnOutput(this, 'DataBucketNames', {
      description: 'Buckets tenant grants may name (comma-separated)',
      value: this.dataBuckets.bucketNames.join(','),
    });
    // What credvend-admin reads to check records by the function's rules (`credvend-admin --stack NAME`).
    new CfnOutput(this, 'TenantPrefixTemplate', {
      description: "Each tenant's root prefix in the data buckets ({tenant} is the tenant id)",
      value: prefixTemplate,
    });
    new CfnOutput(this, 'AllowedRegions', {
      description: 'Regions credentials are issued in (comma-separated)',
      value: allowedRegions.join(','),
    });
    new CfnOutput(this, 'TenantRoles', {
      description: "Tenant-owned roles by tenant id (JSON): a record's roleArn must be its tenant's",
      value: tenantRolesJson(tenantRoles),
    });
    new CfnOutput(this, 'SessionMode', {
      description: 'How the function obtains sessions (role-chaining or web-identity)',
      value: sessionMode.kind,
    });
    new CfnOutput(this, 'MaxSessionSeconds', {
      description: 'The longest session the session mode can issue',
      value: String(maxSessionSeconds),
    });
    if (this.webIdentity) {
      new CfnOutput(this, 'IssuerUrl', {
        description:
          "The function's own OIDC issuer (iss of the tokens it signs; the IAM OIDC provider's URL)",
        value: this.webIdentity.issuer,
      });
      new CfnOutput(this, 'SigningKeyArn', {
        description: 'The KMS key the function signs its web-identity tokens with',
        value: this.webIdentity.signingKey.keyArn,
      });
      new CfnOutput(this, 'PublishedKeyArns', {
        description: "Every key the issuer's JWKS publishes, the signing one first (two during a rotation)",
        value: Fn.join(',', [...this.webIdentity.signingKeyArns]),
      });
    }
    if (this.identity.userPool && this.identity.appClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.identity.appClient.userPoolClientId });
    }
  }
}
