/**
 * `TenantAdmin`: onboard, change, suspend, resume, revoke and offboard tenants of one deployment. Records are checked
 * by the function's own rules before anything is written; every write is conditional on the version read, so two
 * operators never silently overwrite each other; revocations reach IAM before the record; every change is one audit
 * event. What the `credvend-admin` CLI runs, and what a SaaS control plane calls on tenant sign-up.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stsSafeName } from '../lambda/core/session-plan';
import { MAX_RECORD_REVOCATIONS } from '../lambda/core/tenant-record';
import { pruneRevocations, RevocationPolicyError } from '../lib/policies/revocation-policy';
import { parseRevocationTime, parseSuspendReason } from './admin-input';
import type { AdminAction, AdminAuditSink } from './audit';
import { type Deployment, deploymentRules } from './deployment';
import {
  AdminError,
  AwsCallError,
  ConflictError,
  InvalidInputError,
  InvalidRecordError,
  NotFoundError,
  RevocationRefusedError,
} from './errors';
import { type DiffEntry, diffRecords } from './record-diff';
import type { SessionRevoker } from './session-revoker';
import {
  checkFileRecord,
  externalIdChange,
  fileAttributes,
  ownedAttributes,
  type RecordRevocation,
  revocationsOf,
  revocationTimeAt,
  statusChange,
  type TenantItem,
  versionOf,
} from './tenant-item';
import { TenantListing } from './tenant-listing';
import { type ExpectedVersion, TenantTable } from './tenant-table';

/** What `TenantAdmin` works with. */
export interface TenantAdminOptions {
  readonly deployment: Deployment;
  /** A document client on the deployment's table (region, endpoint and credentials of `deployment.aws`). */
  readonly documents: DynamoDBDocumentClient;
  /** The IAM side of revocations. */
  readonly revoker: SessionRevoker;
  readonly audit: AdminAuditSink;
  /** Who makes the changes, for the audit trail and `updatedBy`. */
  readonly actor: string;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Makes the external id of a tenant-owned role. @default 24 random bytes, base64url (32 characters) */
  readonly generateExternalId?: () => string;
}

/** 192 bits: unguessable, and base64url stays within STS's `[\w+=,.@:/-]` alphabet. */
function randomExternalId(): string {
  return randomBytes(24).toString('base64url');
}

/** One record of a file, checked. */
export interface RecordValidation {
  /** The record's position in the file (0-based). */
  readonly index: number;
  readonly tenantId?: string;
  /** `tenantId`, or `record N` (1-based) when the record has none. */
  readonly label: string;
  /** Every problem; empty when the record may be written. */
  readonly problems: readonly string[];
}

/** What a put of a record would do. */
export interface TenantPlan {
  readonly tenantId: string;
  /** The record as the table holds it now; undefined for a new tenant. */
  readonly before: TenantItem | undefined;
  /** The record's file attributes after the put (the tool's own attributes are added on write). */
  readonly after: TenantItem;
  /** What changes; empty when the table already holds this record. */
  readonly diff: readonly DiffEntry[];
  /** What the put does to the tool-owned external id: generates one (a `roleArn` is set), removes it, or neither. */
  readonly externalId?: 'generate' | 'remove';
  /** The version read, for `put`'s `expectedVersion`: `null` for a new tenant, 0 for a record without a version. */
  readonly expectedVersion: ExpectedVersion;
}

/** A tenant's record as read, with its version and whether the function would accept it. */
export interface TenantEntry {
  readonly tenantId: string;
  readonly version: number;
  readonly record: TenantItem;
  /** Why the function would refuse the record (`500 TENANT_MISCONFIGURED`); empty when it is valid. */
  readonly problems: readonly string[];
}

/** The result of a change. */
export interface ChangeResult {
  readonly tenantId: string;
  /** False when there was nothing to change (and nothing was written). */
  readonly changed: boolean;
  readonly before: TenantItem | null;
  readonly after: TenantItem | null;
}

/** How many times an intent (suspend, resume, revoke) is re-applied on a fresh read after losing a race. */
const INTENT_ATTEMPTS = 3;

/** The tenant operations of one deployment. */
export class TenantAdmin {
  private readonly table: TenantTable;
  private readonly listing: TenantListing;
  private readonly now: () => number;
  private readonly generateExternalId: () => string;

  constructor(private readonly options: TenantAdminOptions) {
    const { deployment } = options;
    this.table = new TenantTable(options.documents, deployment.tableName, deployment.aws.region);
    this.listing = new TenantListing(this.table, deploymentRules(deployment));
    this.now = options.now ?? Date.now;
    this.generateExternalId = options.generateExternalId ?? randomExternalId;
  }

  /** Checks records offline (no I/O): every problem of every record, by the deployment's rules and the tool's. */
  validate(records: readonly unknown[]): RecordValidation[] {
    const rules = deploymentRules(this.options.deployment);
    const checks = records.map((record, index) => {
      const check = checkFileRecord(record, rules);
      return { index, ...check, label: check.tenantId ?? `record ${index + 1}` };
    });
    const seen = new Map<string, number>();
    return checks.map((check) => {
      if (check.tenantId === undefined) return check;
      const first = seen.get(check.tenantId);
      if (first === undefined) {
        seen.set(check.tenantId, check.index);
        return check;
      }
      return {
        ...check,
        problems: [...check.problems, `tenantId: ${check.tenantId} is also record ${first + 1} of the file`],
      };
    });
  }

  /** Throws `InvalidRecordError` listing every problem unless every record is valid. */
  assertValid(records: readonly unknown[]): void {
    const invalid = this.validate(records).filter((v) => v.problems.length > 0);
    if (invalid.length > 0) throw new InvalidRecordError(invalid);
  }

  /** What putting `record` would change, against the record read now (strongly consistent). */
  async plan(record: unknown): Promise<TenantPlan> {
    this.assertValid([record]);
    const after = fileAttributes(record as TenantItem);
    const tenantId = after.tenantId as string;
    const before = await this.table.get(tenantId);
    const statusProblem = before === undefined ? undefined : statusChange(tenantId, before, after);
    if (statusProblem !== undefined)
      throw new InvalidRecordError([{ label: tenantId, problems: [statusProblem] }]);
    const externalId = externalIdChange(before, after);
    return {
      tenantId,
      before,
      after,
      diff: diffRecords(before === undefined ? {} : fileAttributes(before), after),
      ...(externalId !== undefined && { externalId }),
      expectedVersion: before === undefined ? null : versionOf(before),
    };
  }

  /**
   * Writes `record` (validated first), keeping what the tool owns of the existing record (revocations, suspension
   * reason, external id); generates the external id when the record first sets `roleArn`, and removes it with
   * `roleArn`. Conditional on `expectedVersion` (what `plan` read), or on the version read now when absent: a
   * concurrent change is a `ConflictError` and nothing is written. No change, no write.
   */
  async put(record: unknown, options: { expectedVersion?: ExpectedVersion } = {}): Promise<ChangeResult> {
    const plan = await this.plan(record);
    const { tenantId, before } = plan;
    if (options.expectedVersion !== undefined && options.expectedVersion !== plan.expectedVersion) {
      throw new ConflictError(tenantId, options.expectedVersion, plan.expectedVersion);
    }
    if (before !== undefined && plan.diff.length === 0 && plan.externalId === undefined)
      return { tenantId, changed: false, before, after: before };
    const kept = before === undefined ? {} : ownedAttributes(before, plan.after);
    const generated = plan.externalId === 'generate' ? { externalId: this.generateExternalId() } : {};
    const after = this.stamp({ ...plan.after, ...kept, ...generated }, plan.expectedVersion);
    await this.table.put(after, plan.expectedVersion);
    this.emit(before === undefined ? 'create' : 'update', tenantId, before, after);
    return { tenantId, changed: true, before: before ?? null, after };
  }

  /** The tenant's record; `NotFoundError` when there is none. */
  get(tenantId: string): Promise<TenantEntry> {
    return this.listing.get(tenantId);
  }

  /** One page of tenants (sorted by id within the page) and the cursor of the next page, if any. */
  list(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ tenants: TenantEntry[]; cursor?: string }> {
    return this.listing.list(options);
  }

  /**
   * Stops new vends: status `suspended` with `reason`, and a tenant-wide revocation time in the record so that no
   * credential cached before the suspension is handed out after a resume. Live sessions keep working until they
   * expire: `revoke` takes them back.
   */
  async suspend(tenantId: string, reason: string): Promise<ChangeResult> {
    const suspendedReason = parseSuspendReason(reason);
    return this.apply('suspend', tenantId, (item, nowMs) => ({
      ...item,
      status: 'suspended',
      suspendedReason,
      revocations: this.withRecordRevocation(tenantId, item, { before: revocationTimeAt(nowMs) }, nowMs),
    }));
  }

  /** Lets the tenant vend again (its revocations stay). A tenant that is not suspended is left as it is. */
  async resume(tenantId: string): Promise<ChangeResult> {
    return this.apply('resume', tenantId, (item) => {
      if (item.status !== 'suspended') return undefined;
      const { suspendedReason: _, ...rest } = item;
      return { ...rest, status: 'active' };
    });
  }

  /**
   * Takes back live sessions of the tenant (or of the user `subject`) issued before `before` (default: the next
   * whole second, so sessions of the current second go too, and so does a vend in that same second): first the IAM
   * deny through the revoker, then the record's revocations (merged, pruned by the deployment's longest session), so
   * the function never hands out a credential cached before it. A failing revoker leaves the record unchanged.
   */
  async revoke(
    tenantId: string,
    options: { subject?: string; before?: string | Date } = {},
  ): Promise<ChangeResult> {
    const nowMs = this.now();
    const before = parseRevocationTime(options.before, nowMs, this.options.deployment.maxSessionSeconds);
    const sourceIdentity = options.subject === undefined ? undefined : subjectIdentity(options.subject);
    const entry: RecordRevocation = { before, ...(sourceIdentity !== undefined && { sourceIdentity }) };
    const current = await this.table.get(tenantId);
    if (current === undefined) throw notFound(tenantId);
    // Refused now, before IAM is touched, if the record could not hold it.
    this.withRecordRevocation(tenantId, current, entry, nowMs);
    try {
      await this.options.revoker.revoke({
        tenantId,
        before,
        ...(sourceIdentity !== undefined && { sourceIdentity }),
      });
    } catch (error) {
      throw revokerFailure(tenantId, error);
    }
    return this.apply('revoke', tenantId, (item, at) => ({
      ...item,
      revocations: this.withRecordRevocation(tenantId, item, entry, at),
    }));
  }

  /** Offboards the tenant: suspends it, revokes every session, then removes the record (conditional on its version). */
  async delete(tenantId: string): Promise<ChangeResult> {
    await this.suspend(tenantId, 'offboarded: the record is being deleted');
    await this.revoke(tenantId);
    const before = await this.table.get(tenantId);
    if (before === undefined) throw notFound(tenantId);
    await this.table.delete(tenantId, versionOf(before));
    this.emit('delete', tenantId, before, null);
    return { tenantId, changed: true, before, after: null };
  }

  /** Reads, changes and writes back on the version read; on a lost race, re-applies the change to a fresh read. */
  private async apply(
    action: AdminAction,
    tenantId: string,
    change: (item: TenantItem, nowMs: number) => TenantItem | undefined,
  ): Promise<ChangeResult> {
    for (let attempt = 1; ; attempt++) {
      const before = await this.table.get(tenantId);
      if (before === undefined) throw notFound(tenantId);
      const changed = change(before, this.now());
      if (changed === undefined) return { tenantId, changed: false, before, after: before };
      const expected = versionOf(before);
      const after = this.stamp(changed, expected);
      try {
        await this.table.put(after, expected);
      } catch (error) {
        if (error instanceof ConflictError && error.actualVersion !== null && attempt < INTENT_ATTEMPTS)
          continue;
        throw error;
      }
      this.emit(action, tenantId, before, after);
      return { tenantId, changed: true, before, after };
    }
  }

  /** `item`'s revocations with `added`, merged and pruned; refused when the record could not hold them. */
  private withRecordRevocation(
    tenantId: string,
    item: TenantItem,
    added: RecordRevocation,
    nowMs: number,
  ): RecordRevocation[] {
    const pruned = pruneRevocations(
      [...revocationsOf(item), added].map((r) => ({ tenantId, ...r })),
      { nowMs, maxSessionSeconds: this.options.deployment.maxSessionSeconds },
    ).map(({ tenantId: _, ...r }) => r);
    if (pruned.length > MAX_RECORD_REVOCATIONS) {
      throw new RevocationRefusedError(
        `tenant ${tenantId} would carry ${pruned.length} revocations, over the ${MAX_RECORD_REVOCATIONS} a record ` +
          'holds: revoke the whole tenant instead of single users (one entry covers them all), or suspend it',
      );
    }
    return pruned;
  }

  private stamp(item: TenantItem, expected: ExpectedVersion): TenantItem & { tenantId: string } {
    return {
      ...item,
      tenantId: item.tenantId as string,
      version: (expected ?? 0) + 1,
      updatedAt: new Date(this.now()).toISOString(),
      updatedBy: this.options.actor,
    };
  }

  private emit(
    action: AdminAction,
    tenantId: string,
    before: TenantItem | undefined,
    after: TenantItem | null,
  ): void {
    this.options.audit.write({
      event: 'credvend.admin',
      action,
      tenantId,
      actor: this.options.actor,
      before: before ?? null,
      after,
      at: new Date(this.now()).toISOString(),
    });
  }
}

function subjectIdentity(subject: string): string {
  if (subject.trim() === '') throw new InvalidInputError('--subject must not be empty');
  // The vend sets the session's SourceIdentity from the token's subject this way; the deny must match it exactly.
  return stsSafeName(subject);
}

function notFound(tenantId: string): NotFoundError {
  return new NotFoundError(`there is no tenant ${tenantId} in this deployment's table`);
}

function revokerFailure(tenantId: string, error: unknown): AdminError {
  const untouched = `the record of ${tenantId} was not changed`;
  if (error instanceof RevocationPolicyError) {
    return new RevocationRefusedError(`${error.message} (${untouched})`, { cause: error });
  }
  if (error instanceof AdminError) return error;
  const e = error as { name?: unknown; message?: unknown };
  return new AwsCallError(
    `revoking the sessions of ${tenantId} in IAM failed (${String(e.name)}: ${String(e.message)}); ${untouched}: run the command again`,
    { cause: error },
  );
}
