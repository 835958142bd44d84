/** Latency statistics and the report table of the benchmark. */

/** Percentile (nearest rank) of samples in milliseconds. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50 and p99 of a series. */
export interface Latency {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
}

export function latency(samples: readonly number[]): Latency {
  return { n: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number): number => performance.now() - start;

/** One line of the report: what was measured, its figure, the baseline's, and the target. */
export interface ReportRow {
  readonly scenario: string;
  readonly measure: string;
  readonly value: string;
  readonly baseline?: string;
  readonly ratio?: string;
  readonly target?: string;
  /** `met`, `missed by …`, or empty when there is no target. */
  readonly verdict?: string;
}

const COLUMNS: readonly (keyof ReportRow)[] = [
  'scenario',
  'measure',
  'value',
  'baseline',
  'ratio',
  'target',
  'verdict',
];

/** A plain-text table of the rows. */
export function renderTable(rows: readonly ReportRow[]): string {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(COLUMNS.map((c) => r[c] ?? ''))),
  ].join('\n');
}

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 3 : 1)} ms`;
export const times = (value: number): string => `${value.toFixed(3)}x`;

/** `met` when `actual` is within `limit` (lower is better), otherwise by how much it missed. */
export function verdictAtMost(actual: number, limit: number, unit = ''): string {
  return actual <= limit ? 'met' : `missed by ${(actual - limit).toFixed(3)}${unit}`;
}

/** `met` when `actual` reaches `floor` (higher is better), otherwise by how much it missed. */
export function verdictAtLeast(actual: number, floor: number, unit = ''): string {
  return actual >= floor ? 'met' : `missed by ${(floor - actual).toFixed(3)}${unit}`;
}
