/** A sandbox state file's content as `npm start` writes it for the default ports, for tests of its readers. */
import type { SandboxState } from '../../sandbox/state-file';

/** The state of a sandbox on the default ports, without the operator's key unless given. */
export function sampleSandboxState(extra: Partial<SandboxState> = {}): SandboxState {
  return {
    version: 1,
    pid: process.pid,
    apiUrl: 'http://127.0.0.1:3000',
    stsUrl: 'http://127.0.0.1:3001',
    dynamoDbUrl: 'http://127.0.0.1:3002',
    s3Url: 'http://127.0.0.1:3004',
    region: 'eu-west-1',
    tableName: 'credvend-tenants',
    tenantRoleArn: 'arn:aws:iam::000000000000:role/credvend-tenant-access',
    dataBuckets: ['credvend-local-data'],
    prefixTemplate: 'tenants/{tenant}/',
    regions: ['eu-west-1', 'us-east-1'],
    maxSessionSeconds: 3600,
    ...extra,
  };
}
