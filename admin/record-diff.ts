/** What a put changes in a tenant record, attribute by attribute, and its rendering for people. Pure. */

/** One changed value, at a dotted path (`grants.1.access`). */
export interface DiffEntry {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
}

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isListOfObjects = (value: unknown): value is Plain[] =>
  Array.isArray(value) && value.length > 0 && value.every(isPlainObject);

/**
 * The differences from `before` to `after`: objects and lists of objects (grants) are compared member by member,
 * anything else (strings, numbers, lists of strings) as a whole. Sorted by path; empty when nothing changes.
 */
export function diffRecords(before: Plain | undefined, after: Plain | undefined): DiffEntry[] {
  const entries: DiffEntry[] = [];
  walk(before, after, '', entries);
  return entries.sort((a, b) => comparePaths(a.path, b.path));
}

function walk(before: unknown, after: unknown, path: string, out: DiffEntry[]): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    out.push({ path, kind: 'added', after });
    return;
  }
  if (after === undefined) {
    out.push({ path, kind: 'removed', before });
    return;
  }
  const objects = isPlainObject(before) && isPlainObject(after);
  const lists = isListOfObjects(before) && isListOfObjects(after);
  if (objects || lists) {
    const b = before as Plain;
    const a = after as Plain;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    for (const key of keys) walk(b[key], a[key], path === '' ? key : `${path}.${key}`, out);
    return;
  }
  if (canonical(before) !== canonical(after)) out.push({ path, kind: 'changed', before, after });
}

/** JSON with object keys sorted, so that key order never counts as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}

/** Paths in reading order: `grants.2` before `grants.10`. */
function comparePaths(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] ?? '';
    const q = y[i] ?? '';
    if (p === q) continue;
    const numeric = /^\d+$/.test(p) && /^\d+$/.test(q);
    return numeric ? Number(p) - Number(q) : p.localeCompare(q);
  }
  return x.length - y.length;
}

/** The diff as lines: `+ path: value`, `- path: value`, `~ path: before → after`. */
export function renderDiff(entries: readonly DiffEntry[]): string[] {
  return entries.map((entry) => {
    switch (entry.kind) {
      case 'added':
        return `+ ${entry.path}: ${show(entry.after)}`;
      case 'removed':
        return `- ${entry.path}: ${show(entry.before)}`;
      default:
        return `~ ${entry.path}: ${show(entry.before)} → ${show(entry.after)}`;
    }
  });
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
