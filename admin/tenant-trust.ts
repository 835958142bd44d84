/**
 * The trust policy a tenant's own role needs (`tenants trust-policy ID`): the deployment's vend role, the record's
 * generated external id and the tenant's id, as `lib/policies/trust-policies.ts` writes it.
 */
import type { PolicyJson } from '../lib/policies/tenant-access-policy';
import { tenantRoleTrustPolicy } from '../lib/policies/trust-policies';
import type { Deployment } from './deployment';
import { InvalidInputError } from './errors';
import type { TenantEntry } from './tenant-admin';

/**
 * The trust policy of `entry`'s own role in `deployment`. Throws `InvalidInputError` when the deployment does not
 * name its vend role, when the tenant uses the shared tenant access role (whose trust the stack manages), or when
 * its record holds no external id.
 */
export function tenantTrustPolicy(entry: TenantEntry, deployment: Deployment): PolicyJson {
  const { tenantId, record } = entry;
  const roleArn = typeof record.roleArn === 'string' ? record.roleArn : undefined;
  if (roleArn === undefined || roleArn === deployment.tenantRoleArn) {
    throw new InvalidInputError(
      `${tenantId} uses the shared tenant access role, whose trust policy the stack manages: a trust policy is ` +
        "for a tenant's own role (add it to the CDK context tenantRoles, deploy, then tenants put a record naming it)",
    );
  }
  if (typeof record.externalId !== 'string') {
    throw new InvalidInputError(
      `${tenantId}'s record holds no external id: tenants put its record (with roleArn) to have one generated`,
    );
  }
  if (deployment.vendRoleArn === undefined) {
    throw new InvalidInputError(
      `${deployment.source} does not say which role the vend function runs as: give --vend-role-arn (the stack ` +
        'output VendFunctionRoleArn), or use --stack',
    );
  }
  return tenantRoleTrustPolicy({
    vendRoleArn: deployment.vendRoleArn,
    tenantId,
    externalId: record.externalId,
  });
}
