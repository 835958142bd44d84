/**
 * Tenant records as the admin tool reads and writes them: which attributes a tenant file may hold and which the tool
 * owns, the checks a file record must pass (the function's own, plus the tool's), versions, and revocation times.
 * Pure: no I/O.
 */
import { checkTenantRecord, type TenantRecordRules, tenantRecordSchema } from '../lambda/core/tenant-record';

/** A tenant item as the table holds it (plain values, as the document client reads them). */
export type TenantItem = Readonly<Record<string, unknown>>;

/** One revocation as a record keeps it (the tenant is the record's). */
export interface RecordRevocation {
  /** ISO 8601 UTC, whole seconds. */
  readonly before: string;
  readonly sourceIdentity?: string;
}

/**
 * Attributes `credvend-admin` owns and writes itself; a tenant file must not hold them: `version` (the conditional
 * write's counter), `updatedAt`, `updatedBy`, `suspendedReason` (`tenants suspend --reason`), `revocations`
 * (`tenants revoke`, `tenants suspend`) and `externalId` (generated when a put sets `roleArn`: a record must never
 * choose the secret-ish value a tenant's trust policy checks).
 */
export const ADMIN_OWNED_ATTRIBUTES = [
  'version',
  'updatedAt',
  'updatedBy',
  'suspendedReason',
  'revocations',
  'externalId',
] as const;

/**
 * Stands in for the external id a put generates, so that a file record with `roleArn` is checked by the function's
 * rules (which require one) before the id exists.
 */
const EXTERNAL_ID_TO_GENERATE = 'generated-by-credvend-admin';

/** Attributes a tenant file may hold: the record schema's, without those the tool owns. */
export const FILE_ATTRIBUTES: readonly string[] = Object.keys(tenantRecordSchema.shape).filter(
  (key) => !(ADMIN_OWNED_ATTRIBUTES as readonly string[]).includes(key),
);

/** A record of a tenant file, checked: its id, and every problem found (empty when it may be written). */
export interface FileRecordCheck {
  /** `tenantId` when the record has a string one. */
  readonly tenantId?: string;
  readonly problems: readonly string[];
}

/**
 * Checks one record of a tenant file by the function's schema and the deployment's `rules` (`checkTenantRecord`),
 * and by the tool's own rules: an object, no attribute the tool owns, no attribute the schema does not know.
 */
export function checkFileRecord(record: unknown, rules: TenantRecordRules): FileRecordCheck {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { problems: ['a tenant record must be an object'] };
  }
  const item = record as Record<string, unknown>;
  const tenantId = typeof item.tenantId === 'string' ? item.tenantId : undefined;
  const problems: string[] = [];
  for (const key of Object.keys(item)) {
    if ((ADMIN_OWNED_ATTRIBUTES as readonly string[]).includes(key)) {
      problems.push(`${key}: written by credvend-admin itself, never by a file; remove it${ownedHint(key)}`);
    } else if (!FILE_ATTRIBUTES.includes(key)) {
      problems.push(`${key}: not a tenant record attribute (known: ${FILE_ATTRIBUTES.join(', ')})`);
    }
  }
  const known = Object.fromEntries(Object.entries(item).filter(([key]) => FILE_ATTRIBUTES.includes(key)));
  const withId = known.roleArn === undefined ? known : { ...known, externalId: EXTERNAL_ID_TO_GENERATE };
  const check = checkTenantRecord(withId, tenantId ?? '', rules);
  if (!check.ok) {
    // Without a usable id, the "record is for tenant" problem only repeats the tenantId problem.
    problems.push(...check.problems.filter((p) => tenantId !== undefined || !p.startsWith('record is for')));
  }
  return { ...(tenantId !== undefined && { tenantId }), problems };
}

function ownedHint(key: string): string {
  switch (key) {
    case 'revocations':
      return ' (tenants revoke writes them)';
    case 'suspendedReason':
      return ' (tenants suspend --reason sets it)';
    case 'externalId':
      return ' (credvend-admin generates it when a put sets roleArn; tenants get shows it)';
    default:
      return '';
  }
}

/** The attributes of `item` a tenant file holds (what a diff compares and a put replaces). */
export function fileAttributes(item: TenantItem): TenantItem {
  return Object.fromEntries(Object.entries(item).filter(([key]) => FILE_ATTRIBUTES.includes(key)));
}

/**
 * The tool's attributes of `before` that a put keeps: revocations always, the reason while still suspended, the
 * external id while the record keeps a `roleArn` (the tenant's trust policy names it).
 */
export function ownedAttributes(before: TenantItem, after: TenantItem): TenantItem {
  return {
    ...(before.revocations !== undefined && { revocations: before.revocations }),
    ...(after.status === 'suspended' &&
      before.suspendedReason !== undefined && { suspendedReason: before.suspendedReason }),
    ...(after.roleArn !== undefined &&
      typeof before.externalId === 'string' && { externalId: before.externalId }),
  };
}

/**
 * What a put does to the external id: `generate` when `after` sets a `roleArn` and `before` holds no id, `remove`
 * when `after` has no `roleArn` and `before` holds one, `undefined` otherwise (kept, or none either way).
 */
export function externalIdChange(
  before: TenantItem | undefined,
  after: TenantItem,
): 'generate' | 'remove' | undefined {
  const held = typeof before?.externalId === 'string';
  if (after.roleArn !== undefined) return held ? undefined : 'generate';
  return held ? 'remove' : undefined;
}

/** A put never changes the status of an existing tenant: suspend and resume do, with what they imply. */
export function statusChange(tenantId: string, before: TenantItem, after: TenantItem): string | undefined {
  if (before.status === after.status) return undefined;
  if (after.status === 'active') {
    return `status: tenant ${tenantId} is suspended and the file says active: resume it with "tenants resume ${tenantId}" (or let the file say suspended)`;
  }
  return `status: tenant ${tenantId} is active and the file says suspended: suspend it with "tenants suspend ${tenantId} --reason …", which also stops credentials cached before it`;
}

/** The item's version: 0 for a record written without the tool (no `version` attribute). */
export function versionOf(item: TenantItem): number {
  return typeof item.version === 'number' && Number.isInteger(item.version) ? item.version : 0;
}

/** The item's revocations (an item written by hand may have none, or a malformed list: that is the record check's). */
export function revocationsOf(item: TenantItem): RecordRevocation[] {
  const list = item.revocations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => {
    const e = entry as { before?: unknown; sourceIdentity?: unknown } | null;
    if (typeof e?.before !== 'string') return [];
    return [
      { before: e.before, ...(typeof e.sourceIdentity === 'string' && { sourceIdentity: e.sourceIdentity }) },
    ];
  });
}

/**
 * The revocation time for "now": the next whole second after `nowMs`, so that sessions issued in the current second
 * are revoked too (a vend in that same second, after the revocation, is revoked as well).
 */
export function revocationTimeAt(nowMs: number): string {
  return isoSeconds(Math.floor(nowMs / 1000) * 1000 + 1000);
}

/** `ms` as ISO 8601 UTC in whole seconds (`2026-12-01T12:00:00Z`), as STS writes `aws:TokenIssueTime`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
