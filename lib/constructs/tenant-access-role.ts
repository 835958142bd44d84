/**
 * The tenant access role: the role every vended session assumes. Its trust policy admits only the vend function's
 * role, and only with a `tenant` session tag; its permissions reach only `${aws:PrincipalTag/tenant}`'s prefix.
 */
import { Duration } from 'aws-cdk-lib';
import { ArnPrincipal, type IRole, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TENANT_TAG_KEY } from '../../lambda/core/session-plan';
import { acknowledge, wildcardResourceFinding } from '../nag';
import { abacPrefix, DEFAULT_PREFIX_TEMPLATE, tenantAccessPolicy } from '../policies/tenant-access-policy';

export { DEFAULT_PREFIX_TEMPLATE, TENANT_OBJECT_ACTIONS } from '../policies/tenant-access-policy';

/** What the vend function must be allowed to do on a tenant access role (trust policy and its own policy alike). */
export const ASSUME_WITH_SESSION_TAGS_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

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
 * The trusted role as a principal that must tag the session with `tenant` (and nothing else) and name its source,
 * in one statement: STS evaluates the request's tags and source identity for each of the three actions.
 */
class TenantTaggingPrincipal extends ArnPrincipal {
  public override addToAssumeRolePolicy(document: PolicyDocument): void {
    document.addStatements(
      new PolicyStatement({
        actions: ASSUME_WITH_SESSION_TAGS_ACTIONS,
        principals: [new ArnPrincipal(this.arn)],
        conditions: {
          // `?*`, not `*`: the tag must be present and non-empty. A missing key fails a StringLike test.
          StringLike: { [`aws:RequestTag/${TENANT_TAG_KEY}`]: '?*', 'sts:SourceIdentity': '?*' },
          // ForAllValues alone passes when no tag is sent at all; the StringLike above closes that gap.
          'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG_KEY] },
        },
      }),
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
