/**
 * The tenant access role: the role every vended session assumes. Its trust policy admits only the vend function's
 * role, and only with a `tenant` session tag; its permissions reach only `${aws:PrincipalTag/tenant}`'s prefix.
 */
import { Duration } from 'aws-cdk-lib';
import { ArnPrincipal, type IRole, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag';
import { abacPrefix, DEFAULT_PREFIX_TEMPLATE, tenantAccessPolicy } from '../policies/tenant-access-policy';
import { tenantAccessTrustPolicy } from '../policies/trust-policies';

export { DEFAULT_PREFIX_TEMPLATE, TENANT_OBJECT_ACTIONS } from '../policies/tenant-access-policy';

/** Properties of {@link TenantAccessRole}. */
export interface TenantAccessRoleProps {
  /** The only principal the role trusts: the vend function's execution role. */
  readonly trustedRole: IRole;
  /** The buckets holding tenant data. */
  readonly dataBuckets: readonly IBucket[];
  /**
   * Where a tenant's data lives; `{tenant}` is the tenant id (the `tenant` session tag).
   * @default 'tenants/{tenant}/'
   */
  readonly prefixTemplate?: string;
}

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

/** The role vended sessions assume; the second isolation fence (the session policy is the first). */
export class TenantAccessRole extends Construct {
  /** The role. */
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: TenantAccessRoleProps) {
    super(scope, id);
    const prefixTemplate = props.prefixTemplate ?? DEFAULT_PREFIX_TEMPLATE;
    const objectArns = props.dataBuckets.map((bucket) =>
      bucket.arnForObjects(`${abacPrefix(prefixTemplate)}*`),
    );

    this.role = new Role(this, 'Role', {
      description:
        'credvend tenant access role: sessions reach only their own tenant prefix (ABAC on the tenant tag)',
      assumedBy: new TenantTaggingPrincipal(props.trustedRole.roleArn),
      // Role chaining caps sessions at one hour whatever this says; saying so keeps the two in agreement.
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        TenantData: PolicyDocument.fromJson(
          tenantAccessPolicy({ bucketArns: props.dataBuckets.map((b) => b.bucketArn), prefixTemplate }),
        ),
      },
    });

    for (const arn of objectArns) {
      acknowledge(
        this.role,
        wildcardResourceFinding(this, arn),
        'Object ARNs end in the tenant prefix ${aws:PrincipalTag/tenant}/ followed by *: the wildcard covers the ' +
          "keys under the caller's own tenant prefix only, which is the point of the ABAC fence.",
      );
    }
  }

  /** The role's ARN (the function's `TENANT_ROLE_ARN`). */
  public get roleArn(): string {
    return this.role.roleArn;
  }
}
