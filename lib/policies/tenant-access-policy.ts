/**
 * The tenant access role's permissions policy as plain JSON, with no CDK in it: the one source that the CDK construct
 * deploys and the sandbox's emulated account enforces, so that neither keeps a copy of the other.
 */
import { TENANT_TAG_KEY } from '../../lambda/core/session-plan';
import { OBJECT_ACTIONS } from '../../lambda/core/session-policy';

/** The default layout of tenant data: `tenants/<tenantId>/`. */
export const DEFAULT_PREFIX_TEMPLATE = 'tenants/{tenant}/';

/** Every S3 object action any session policy can grant (the union of the access levels' actions). */
export const TENANT_OBJECT_ACTIONS: readonly string[] = [...new Set(Object.values(OBJECT_ACTIONS).flat())];

/** The IAM form of a prefix template: `tenants/{tenant}/` becomes `tenants/${aws:PrincipalTag/tenant}/`. */
export function abacPrefix(prefixTemplate: string): string {
  return prefixTemplate.replaceAll('{tenant}', `\${aws:PrincipalTag/${TENANT_TAG_KEY}}`);
}

/** A policy document as IAM stores it. */
export interface PolicyJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/** Where the tenant access role lets sessions reach. */
export interface TenantAccessPolicyProps {
  /** The data buckets' ARNs (CDK tokens in the stack, literal ARNs in the sandbox). */
  readonly bucketArns: readonly string[];
  /** Where a tenant's data lives; `{tenant}` is the tenant id (the `tenant` session tag). */
  readonly prefixTemplate: string;
}

/**
 * The role's policy: every object action any access level grants under `<prefix with ${aws:PrincipalTag/tenant}>*`
 * of each data bucket, and `s3:ListBucket` on each data bucket for `s3:prefix` values under that prefix. The second
 * isolation fence: it holds even for a session whose session policy were missing.
 */
export function tenantAccessPolicy(props: TenantAccessPolicyProps): PolicyJson {
  const prefix = abacPrefix(props.prefixTemplate);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TenantObjects',
        Effect: 'Allow',
        Action: [...TENANT_OBJECT_ACTIONS],
        Resource: props.bucketArns.map((arn) => `${arn}/${prefix}*`),
      },
      {
        Sid: 'TenantListing',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: [...props.bucketArns],
        Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      },
    ],
  };
}
