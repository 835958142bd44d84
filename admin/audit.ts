/** The audit event of every change `credvend-admin` makes: who, what, the record before and after. Never a secret. */
import type { TenantItem } from './tenant-item';

/** What was done to a tenant. */
export type AdminAction = 'create' | 'update' | 'suspend' | 'resume' | 'revoke' | 'delete';

/** One change, as the audit trail keeps it. Tenant records hold no secret, so the whole record is in it. */
export interface AdminAuditEvent {
  readonly event: 'credvend.admin';
  readonly action: AdminAction;
  readonly tenantId: string;
  /** Who made the change: the caller's ARN (STS GetCallerIdentity), or the OS user name. */
  readonly actor: string;
  /** The record before the change; `null` when it did not exist. */
  readonly before: TenantItem | null;
  /** The record after the change; `null` when it was deleted. */
  readonly after: TenantItem | null;
  /** When, ISO 8601 UTC. */
  readonly at: string;
}

/** Where audit events go: the CLI writes JSON lines to stderr; a control plane its own log or queue. */
export interface AdminAuditSink {
  write(event: AdminAuditEvent): void;
}

/** A sink writing one JSON line per event to `stream` (the CLI's stderr). */
export function jsonLinesAuditSink(stream: { write(text: string): unknown }): AdminAuditSink {
  return { write: (event) => void stream.write(`${JSON.stringify(event)}\n`) };
}
