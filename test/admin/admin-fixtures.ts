/** A `TenantAdmin` on dynalite with a fake clock, a recording revoker and a recording audit sink, for the admin tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AdminAuditEvent, AdminAuditSink } from '../../admin/audit';
import type { Deployment } from '../../admin/deployment';
import type { SessionRevoker } from '../../admin/session-revoker';
import { TenantAdmin } from '../../admin/tenant-admin';
import type { Revocation } from '../../lib/policies/revocation-policy';
import { DYNALITE_CREDENTIALS, DYNALITE_REGION, type LocalDynamoDb } from '../support/dynalite';

/** 2026-12-01T12:00:00.250Z: a quarter second into a second, so rounding up shows. */
export const T0 = Date.parse('2026-12-01T12:00:00.250Z');
export const OPERATOR = 'arn:aws:iam::123456789012:user/operator';
export const DATA_BUCKET = 'credvend-data';
/** The role of acme's own that the test deployment maps to acme. */
export const ACME_ROLE = 'arn:aws:iam::210987654321:role/acme-data';

/** The deployment the tests manage, on `dynalite`. */
export function testDeployment(dynalite: LocalDynamoDb): Deployment {
  return {
    source: 'test',
    tableName: dynalite.tableName,
    tenantRoleArn: 'arn:aws:iam::123456789012:role/credvend-tenant-access',
    dataBuckets: [DATA_BUCKET],
    prefixTemplate: 'tenants/{tenant}/',
    regions: ['eu-west-1', 'us-east-1'],
    maxSessionSeconds: 3600,
    tenantRoles: new Map([['acme', ACME_ROLE]]),
    sessionMode: 'role-chaining',
    aws: { region: DYNALITE_REGION, dynamoDbEndpoint: dynalite.endpoint, credentials: DYNALITE_CREDENTIALS },
  };
}

/** A valid file record for `tenantId`, with overrides. */
export function tenantRecord(
  tenantId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    tenantId,
    status: 'active',
    grants: [{ bucket: DATA_BUCKET, prefix: `tenants/${tenantId}/`, access: ['read', 'list'] }],
    defaultDurationSeconds: 900,
    maxDurationSeconds: 3600,
    region: 'eu-west-1',
    ...overrides,
  };
}

/** A revoker that records each call, optionally fails, and can look at the table while it is called. */
export class RecordingRevoker implements SessionRevoker {
  readonly calls: Revocation[] = [];
  failWith: Error | undefined;
  onRevoke: ((revocation: Revocation) => Promise<void>) | undefined;

  async revoke(revocation: Revocation): Promise<void> {
    this.calls.push(revocation);
    await this.onRevoke?.(revocation);
    if (this.failWith !== undefined) throw this.failWith;
  }
}

/** An audit sink that keeps the events. */
export class RecordingAudit implements AdminAuditSink {
  readonly events: AdminAuditEvent[] = [];

  write(event: AdminAuditEvent): void {
    this.events.push(event);
  }
}

/** Everything a test needs: the admin, its fakes, the clock, and a document client on the table. */
export interface AdminRig {
  readonly admin: TenantAdmin;
  readonly revoker: RecordingRevoker;
  readonly audit: RecordingAudit;
  readonly clock: { ms: number };
  readonly documents: DynamoDBDocumentClient;
  readonly deployment: Deployment;
  close(): void;
}

/** A rig on `dynalite`, the clock at `T0`. */
export function adminRig(dynalite: LocalDynamoDb, deployment = testDeployment(dynalite)): AdminRig {
  const client = new DynamoDBClient({
    region: DYNALITE_REGION,
    endpoint: dynalite.endpoint,
    credentials: DYNALITE_CREDENTIALS,
    maxAttempts: 1,
  });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const revoker = new RecordingRevoker();
  const audit = new RecordingAudit();
  const clock = { ms: T0 };
  const admin = new TenantAdmin({
    deployment,
    documents,
    revoker,
    audit,
    actor: OPERATOR,
    now: () => clock.ms,
  });
  return { admin, revoker, audit, clock, documents, deployment, close: () => client.destroy() };
}
