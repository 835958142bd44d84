/**
 * The demo tenants the sandbox seeds into its tenant table on every start, as plain JSON-able records (the same
 * schema as the deployed table). The README and the sandbox tests refer to them from here.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The sandbox's tenant table. */
export const LOCAL_TENANT_TABLE = 'credvend-tenants';
/** The sandbox's data bucket (`DATA_BUCKETS`): only a name here, no S3 behind it. */
export const LOCAL_DATA_BUCKET = 'credvend-local-data';
/** Regions the sandbox issues credentials in (`ALLOWED_REGIONS`); the first is `AWS_REGION`. */
export const LOCAL_REGIONS = ['eu-west-1', 'us-east-1'] as const;

/**
 * - `acme`: active; reads and lists its whole prefix, writes and deletes under `uploads/`; 15 min by default, up to
 *   the 1-hour role-chaining cap (`demoTenants`: the mode's cap); eu-west-1 (home) and us-east-1.
 * - `globex`: active; reads its prefix only; 30 min, no more; us-east-1 only.
 * - `initech`: suspended: every route answers 403 TENANT_SUSPENDED.
 */
export const DEMO_TENANTS = [
  {
    tenantId: 'acme',
    status: 'active',
    grants: [
      { bucket: LOCAL_DATA_BUCKET, prefix: 'tenants/acme/', access: ['read', 'list'] },
      {
        bucket: LOCAL_DATA_BUCKET,
        prefix: 'tenants/acme/uploads/',
        access: ['read', 'write', 'delete', 'list'],
      },
    ],
    defaultDurationSeconds: 900,
    maxDurationSeconds: 3600,
    region: 'eu-west-1',
    regions: ['eu-west-1', 'us-east-1'],
  },
  {
    tenantId: 'globex',
    status: 'active',
    grants: [{ bucket: LOCAL_DATA_BUCKET, prefix: 'tenants/globex/', access: ['read'] }],
    defaultDurationSeconds: 1800,
    maxDurationSeconds: 1800,
    region: 'us-east-1',
  },
  {
    tenantId: 'initech',
    status: 'suspended',
    grants: [{ bucket: LOCAL_DATA_BUCKET, prefix: 'tenants/initech/', access: ['read', 'list'] }],
    defaultDurationSeconds: 900,
    maxDurationSeconds: 900,
    region: 'eu-west-1',
  },
] as const;

/**
 * The demo tenants for a sandbox whose sessions may last `maxSessionSeconds`: acme may ask for all of it (12 hours in
 * web-identity mode), the others are as in `DEMO_TENANTS`.
 */
export function demoTenants(maxSessionSeconds: number): readonly Record<string, unknown>[] {
  return DEMO_TENANTS.map((tenant) =>
    tenant.tenantId === 'acme' ? { ...tenant, maxDurationSeconds: maxSessionSeconds } : tenant,
  );
}

/** The id of a demo tenant. */
export type DemoTenantId = (typeof DEMO_TENANTS)[number]['tenantId'];

/** Writes every demo tenant into `tableName` (replacing what is there under the same ids). */
export async function seedTenants(
  documents: DynamoDBDocumentClient,
  tableName: string,
  tenants: readonly Record<string, unknown>[] = DEMO_TENANTS,
): Promise<void> {
  // BatchWriteItem takes 25 items at most.
  for (let start = 0; start < tenants.length; start += 25) {
    const items = tenants.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    const { UnprocessedItems } = await documents.send(
      new BatchWriteCommand({ RequestItems: { [tableName]: items } }),
    );
    if (UnprocessedItems !== undefined && Object.keys(UnprocessedItems).length > 0) {
      throw new Error(`seeding ${tableName} left items unprocessed`);
    }
  }
}
