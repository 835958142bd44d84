/**
 * The deployment's mapping of tenant-owned roles to tenants (`TENANT_ROLES`, CDK context `tenantRoles`): a tenant
 * record's `roleArn` must be the role mapped to that very tenant. One parser for the function, the stack and
 * `credvend-admin`, so all three accept exactly the same maps.
 */
import { ROLE_ARN_PATTERN, TENANT_ID_PATTERN } from './tenant-record';

/** Tenant id to the ARN of that tenant's own role. */
export type TenantRoles = ReadonlyMap<string, string>;

/** No tenant-owned roles: every tenant uses the tenant access role. */
export const NO_TENANT_ROLES: TenantRoles = new Map();

/** A map checked: the roles, or every problem found (each starting with the tenant id or value at fault). */
export type TenantRolesCheck =
  | { readonly ok: true; readonly roles: TenantRoles }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks `value`, a JSON object `{"<tenantId>": "<role ARN>"}` (or its JSON text): ids by `TENANT_ID_PATTERN`, ARNs
 * of one role each (no wildcards), and no role mapped to two tenants (a role's trust policy names one tenant).
 */
export function checkTenantRoles(value: unknown): TenantRolesCheck {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      return { ok: false, problems: ['is not JSON: write an object {"<tenantId>": "<role ARN>"}'] };
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    return { ok: false, problems: ['must be a JSON object {"<tenantId>": "<role ARN>"}'] };
  }
  const problems: string[] = [];
  const roles = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const [tenantId, arn] of Object.entries(object)) {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      problems.push(`"${tenantId}": is not a tenant id (1-48 of a-z, 0-9, inner "-")`);
    }
    if (typeof arn !== 'string' || !ROLE_ARN_PATTERN.test(arn)) {
      problems.push(`${tenantId}: ${JSON.stringify(arn)} is not an IAM role ARN (no wildcards)`);
      continue;
    }
    const owner = owners.get(arn);
    if (owner !== undefined) {
      problems.push(
        `${tenantId}: ${arn} is mapped to tenant ${owner} too; a tenant-owned role belongs to one tenant`,
      );
    }
    owners.set(arn, tenantId);
    roles.set(tenantId, arn);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, roles };
}

/** The map as JSON text, keys sorted (the `TENANT_ROLES` variable and the `TenantRoles` stack output). */
export function tenantRolesJson(roles: TenantRoles | Readonly<Record<string, string>>): string {
  const entries = roles instanceof Map ? [...roles.entries()] : Object.entries(roles);
  return JSON.stringify(Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
