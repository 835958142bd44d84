/** What `credvend-admin` prints for people: plans with their diffs, tenant tables, records, outcomes. Pure. */
import { stringify } from 'yaml';
import { renderDiff } from './record-diff';
import type { ChangeResult, TenantEntry, TenantPlan } from './tenant-admin';
import { revocationsOf, type TenantItem, versionOf } from './tenant-item';

/** A plan as a header line and its diff, indented. */
export function renderPlan(plan: TenantPlan): string {
  const externalId =
    plan.externalId === 'generate'
      ? ['+ externalId: (generated on write; tenants get shows it)']
      : plan.externalId === 'remove'
        ? ['- externalId: (removed with roleArn)']
        : [];
  const lines = [...renderDiff(plan.diff), ...externalId];
  if (plan.before === undefined) {
    return [`${plan.tenantId}: new tenant`, ...indent(lines)].join('\n');
  }
  const version = `version ${versionOf(plan.before)}`;
  if (lines.length === 0) return `${plan.tenantId}: no changes (${version})`;
  const count = plan.diff.length + externalId.length;
  const changes = `${count} change${count === 1 ? '' : 's'}`;
  return [`${plan.tenantId}: ${changes} to ${version}`, ...indent(lines)].join('\n');
}

/** The outcome of a put. */
export function renderPut(result: ChangeResult): string {
  if (!result.changed) return `${result.tenantId}: unchanged`;
  const version = result.after === null ? '' : ` (version ${versionOf(result.after)})`;
  return `${result.tenantId}: ${result.before === null ? 'created' : 'updated'}${version}`;
}

/** A record for people: YAML (a tenant file's own format), its problems as a trailing comment block. */
export function renderRecord(entry: TenantEntry): string {
  const problems = entry.problems.map((p) => `#   ${p}`);
  return [
    stringify(entry.record, { sortMapEntries: false }).trimEnd(),
    ...(problems.length === 0
      ? []
      : ['# the function refuses this record (500 TENANT_MISCONFIGURED):', ...problems]),
  ].join('\n');
}

/** Tenants as a table: id, status (`invalid` when the function would refuse the record), version, and a summary. */
export function renderTable(tenants: readonly TenantEntry[]): string {
  const header = ['TENANT', 'STATUS', 'VERSION', 'REGION', 'GRANTS', 'MAX S', 'REVOCATIONS', 'UPDATED'];
  const rows = tenants.map((t) => [
    t.tenantId,
    t.problems.length > 0 ? 'invalid' : String(t.record.status),
    String(t.version),
    String(t.record.region ?? ''),
    String(Array.isArray(t.record.grants) ? t.record.grants.length : 0),
    String(t.record.maxDurationSeconds ?? ''),
    String(revocationsOf(t.record).length),
    typeof t.record.updatedAt === 'string' ? t.record.updatedAt : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** What a suspension does and does not do, after it. */
export function renderSuspended(result: ChangeResult, cacheNote: string): string {
  return [
    `${result.tenantId}: suspended (version ${versionOf(result.after ?? {})})`,
    `  new vends answer 403 TENANT_SUSPENDED ${cacheNote}; sessions vended before keep working until they expire:`,
    `  "tenants revoke ${result.tenantId}" takes them back`,
  ].join('\n');
}

/** The outcome of a resume. */
export function renderResumed(result: ChangeResult): string {
  if (!result.changed) return `${result.tenantId}: not suspended; nothing changed`;
  return `${result.tenantId}: active again (version ${versionOf(result.after ?? {})})`;
}

/** The outcome of a revocation: the newest entry the record now carries for that tenant or user. */
export function renderRevoked(result: ChangeResult, sourceIdentity: string | undefined): string {
  const entry = revocationsOf(result.after ?? {}).find((r) => r.sourceIdentity === sourceIdentity);
  const who = sourceIdentity === undefined ? 'every session' : `every session of ${sourceIdentity}`;
  return `${result.tenantId}: ${who} issued before ${entry?.before ?? '?'} is revoked`;
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** The item's attributes a script wants: everything the table holds. */
export function recordJson(item: TenantItem): string {
  return JSON.stringify(item, null, 2);
}
