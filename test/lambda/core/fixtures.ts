/** Tenants and principals shared by the core tests. */
import type { Principal, Tenant } from '../../../lambda/core/model';
import type { TenantRecordRules } from '../../../lambda/core/tenant-record';

export const DATA_BUCKET = 'credvend-data';

export const RULES: TenantRecordRules = {
  maxSessionSeconds: 3600,
  dataBuckets: [DATA_BUCKET, 'credvend-archive'],
  prefixTemplate: 'tenants/{tenant}/',
  tenantRoles: new Map([
    ['acme', 'arn:aws:iam::210987654321:role/acme-data'],
    ['globex', 'arn:aws:iam::210987654321:role/globex-data'],
  ]),
};

export const ACME: Tenant = {
  tenantId: 'acme',
  status: 'active',
  grants: [
    { bucket: DATA_BUCKET, prefix: 'tenants/acme/', access: ['read', 'list'] },
    { bucket: DATA_BUCKET, prefix: 'tenants/acme/uploads/', access: ['read', 'write', 'delete', 'list'] },
  ],
  defaultDurationSeconds: 900,
  maxDurationSeconds: 3600,
  region: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1'],
  revocations: [],
};

export const ALICE: Principal = { subject: 'alice', tenantId: 'acme', mfa: false };
