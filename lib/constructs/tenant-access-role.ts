/**
 * The tenant access role: the role every vended session assumes. Its trust policy admits only the vend function's
 * role (role chaining) or only tokens of credvend's own OIDC issuer (web identity), and only with a `tenant` session
 * tag; its permissions reach only `${aws:PrincipalTag/tenant}`'s prefix.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  ArnPrincipal,
  type CfnRole,
  FederatedPrincipal,
  type IRole,
  PolicyDocument,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag';
import { abacPrefix, DEFAULT_PREFIX_TEMPLATE, tenantAccessPolicy } from '../policies/tenant-access-policy';
import {
  tenantAccessTrustPolicy,
  type WebIdentityTrustProps,
  webIdentityTrustPolicy,
} from '../policies/trust-policies';
import { ROLE_CHAINING_MAX_SESSION_SECONDS } from '../session-mode';

export { DEFAULT_PREFIX_TEMPLATE, TENANT_OBJECT_ACTIONS } from '../policies/tenant-access-policy';

/** Role chaining: the vend function's execution role assumes the role. */
export interface RoleChainingTrust {
  readonly kind: 'role-chaining';
  /** The only principal the role trusts: the vend function's execution role. */
  readonly trustedRole: IRole;
}

/** Web identity: STS admits the function's own tokens (AssumeRoleWithWebIdentity). */
export interface WebIdentityTrust {
  readonly kind: 'web-identity';
  /** The OIDC provider, issuer and audience the trust policy names. */
  readonly identity: WebIdentityTrustProps;
  /** The role's MaxSessionDuration, the longest session a tenant can be given. */
  readonly maxSessionDuration: Duration;
}

/** Properties of {@link TenantAccessRole}. */
export interface TenantAccessRoleProps {
  /** Who may assume the role. */
  readonly trust: RoleChainingTrust | WebIdentityTrust;
  /** The buckets holding tenant data. */
  readonly dataBuckets: readonly IBucket[];
  /**
   * Where a tenant's data lives; `{tenant}` is the tenant id (the `tenant` session tag).
   * @default 'tenants/{tenant}/'
   */
  readonly prefixTemplate?: string;
}

/** The longest stack name the role's name leaves room for (64 characters, minus the suffix and a region name). */
const MAX_STACK_NAME_FOR_ROLE_NAME = 64 - '-tenant-access-'.length - 15;

/**
 * The trusted role as a principal that must tag the session with `tenant` (and nothing else) and name its source:
 * `tenantAccessTrustPolicy`'s statements, one per action (see `lib/policies/trust-policies.ts`).
 */
class TenantTaggingPrincipal extends ArnPrincipal {
  public override addToAssumeRolePolicy(document: PolicyDocument): void {
    document.addStatements(
      ...tenantAccessTrustPolicy(this.arn).Statement.map((statement) => PolicyStatement.fromJson(statement)),
    );
  }
}

/** credvend's OIDC provider as a principal: `webIdentityTrustPolicy`'s statements, one per action. */
class CredvendTokenPrincipal extends FederatedPrincipal {
  constructor(private readonly identity: WebIdentityTrustProps) {
    super(identity.providerArn, {}, 'sts:AssumeRoleWithWebIdentity');
  }

  public override addToAssumeRolePolicy(document: PolicyDocument): void {
    document.addStatements(
      ...webIdentityTrustPolicy(this.identity).Statement.map((statement) =>
        PolicyStatement.fromJson(statement),
      ),
    );
  }
}

/** The role vended sessions assume; the second isolation fence (the session policy is the first). */
export class TenantAccessRole extends Construct {
  /** The role. */
  public readonly role: Role;
  private readonly arn: string;

  constructor(scope: Construct, id: string, props: TenantAccessRoleProps) {
    super(scope, id);
    const { trust } = props;
    const prefixTemplate = props.prefixTemplate ?? DEFAULT_PREFIX_TEMPLATE;
    const objectArns = props.dataBuckets.map((bucket) =>
      bucket.arnForObjects(`${abacPrefix(prefixTemplate)}*`),
    );

    this.role = new Role(this, 'Role', {
      description:
        'credvend tenant access role: sessions reach only their own tenant prefix (ABAC on the tenant tag)',
      ...(trust.kind === 'role-chaining'
        ? {
            assumedBy: new TenantTaggingPrincipal(trust.trustedRole.roleArn),
            // Role chaining caps sessions at one hour whatever this says; saying so keeps the two in agreement.
            maxSessionDuration: Duration.seconds(ROLE_CHAINING_MAX_SESSION_SECONDS),
          }
        : {
            assumedBy: new CredvendTokenPrincipal(trust.identity),
            maxSessionDuration: trust.maxSessionDuration,
            roleName: webIdentityRoleName(this),
          }),
      inlinePolicies: {
        TenantData: PolicyDocument.fromJson(
          tenantAccessPolicy({ bucketArns: props.dataBuckets.map((b) => b.bucketArn), prefixTemplate }),
        ),
      },
    });

    if (trust.kind === 'web-identity') {
      // The trust policy's condition keys are named after the issuer's host, which holds the REST API id, a token;
      // CloudFormation allows no intrinsic in a JSON key, but AWS::IAM::Role also takes the document as JSON text.
      (this.role.node.defaultChild as CfnRole).assumeRolePolicyDocument = Stack.of(this).toJsonString(
        this.role.assumeRolePolicy,
      );
      // An ARN built from the name rather than read from the role: in web-identity mode the role waits for the OIDC
      // provider, which waits for the API stage, which waits for the function's methods; the function's
      // TENANT_ROLE_ARN must therefore not wait for the role.
      this.arn = Stack.of(this).formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: webIdentityRoleName(this),
      });
    } else {
      this.arn = this.role.roleArn;
    }

    for (const arn of objectArns) {
      acknowledge(
        this.role,
        wildcardResourceFinding(this, arn),
        'Object ARNs end in the tenant prefix ${aws:PrincipalTag/tenant}/ followed by *: the wildcard covers the ' +
          "keys under the caller's own tenant prefix only, which is the point of the ABAC fence.",
      );
    }
  }

  /**
   * The role's ARN (the function's `TENANT_ROLE_ARN`). In web-identity mode it is built from the role's name, so
   * that referring to it adds no dependency on the role.
   */
  public get roleArn(): string {
    return this.arn;
  }
}

/**
 * The role's name in web-identity mode, `<stack>-tenant-access-<region>`: known before the role exists (see
 * `roleArn`), and unique in the account (IAM is global, a stack name is unique per region).
 */
function webIdentityRoleName(scope: Construct): string {
  const stack = Stack.of(scope);
  if (stack.stackName.length > MAX_STACK_NAME_FOR_ROLE_NAME) {
    throw new Error(
      `TenantAccessRole: in web-identity mode the role is named <stack>-tenant-access-<region>, at most 64 ` +
        `characters; the stack name ${stack.stackName} is longer than ${MAX_STACK_NAME_FOR_ROLE_NAME}`,
    );
  }
  return `${stack.stackName}-tenant-access-${stack.region}`;
}
