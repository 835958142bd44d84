/** The `credvend-admin` library: tenant operations of one deployment, for the CLI and for a SaaS control plane. */
export { parseRevocationTime } from './admin-input';
export type { AdminAction, AdminAuditEvent, AdminAuditSink } from './audit';
export { jsonLinesAuditSink } from './audit';
export { createDocumentClient, resolveActor } from './aws-clients';
export type { AwsSettings, Deployment, DeploymentFlags } from './deployment';
export { deploymentFromFlags, deploymentFromStateFile, deploymentRules } from './deployment';
export {
  AdminError,
  AwsCallError,
  ConfirmationRequiredError,
  ConflictError,
  InvalidDeploymentError,
  InvalidInputError,
  InvalidRecordError,
  NotFoundError,
  RevocationRefusedError,
  SandboxNotRunningError,
  StackNotFoundError,
  TenantFileError,
} from './errors';
export type { DiffEntry } from './record-diff';
export { diffRecords, renderDiff } from './record-diff';
export type { DeploymentOptions } from './resolve-deployment';
export { resolveDeployment } from './resolve-deployment';
export type { SessionRevoker } from './session-revoker';
export { createSessionRevoker } from './session-revoker';
export { deploymentFromStack, STACK_OUTPUT_NAMES } from './stack-deployment';
export type {
  ChangeResult,
  RecordValidation,
  TenantAdminOptions,
  TenantEntry,
  TenantPlan,
} from './tenant-admin';
export { TenantAdmin } from './tenant-admin';
export { parseTenantFile, readTenantFile } from './tenant-file';
export type { RecordRevocation, TenantItem } from './tenant-item';
export { ADMIN_OWNED_ATTRIBUTES, FILE_ATTRIBUTES } from './tenant-item';
export { tenantTrustPolicy } from './tenant-trust';
