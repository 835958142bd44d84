/** Memory: resident set size of the sandbox (this process) after a warm-up and after many more vends. */
import { startBenchSandbox } from '../bench-sandbox';
import type { ReportRow } from '../stats';

export interface MemoryResult {
  readonly vends: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
}

const CALLERS = 500;
const mb = (bytes: number) => bytes / 1024 / 1024;

function settle(): void {
  // `npm run bench` runs node with --expose-gc, so the readings are not a garbage collector's mood.
  (globalThis as { gc?: () => void }).gc?.();
}

export async function memory(vends: number): Promise<MemoryResult> {
  const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '1000' });
  const run = async (count: number) => {
    for (let i = 0; i < count; i += 1) {
      const response = await bench.vend(`memory-${i % CALLERS}`);
      if (response.statusCode !== 200) throw new Error(`vend failed: ${response.statusCode}`);
    }
  };
  try {
    await run(Math.min(vends, 5_000));
    settle();
    const before = process.memoryUsage();
    await run(vends);
    settle();
    const after = process.memoryUsage();
    return {
      vends,
      rssBeforeMb: mb(before.rss),
      rssAfterMb: mb(after.rss),
      heapBeforeMb: mb(before.heapUsed),
      heapAfterMb: mb(after.heapUsed),
    };
  } finally {
    await bench.close();
  }
}

export function memoryRows(result: MemoryResult): ReportRow[] {
  const growth = result.heapAfterMb - result.heapBeforeMb;
  return [
    {
      scenario: `memory (${result.vends} vends, ${CALLERS} callers)`,
      measure: 'RSS',
      value: `${result.rssAfterMb.toFixed(1)} MB`,
      baseline: `${result.rssBeforeMb.toFixed(1)} MB after warm-up`,
    },
    {
      scenario: `memory (${result.vends} vends, ${CALLERS} callers)`,
      measure: 'heap used',
      value: `${result.heapAfterMb.toFixed(1)} MB`,
      baseline: `${result.heapBeforeMb.toFixed(1)} MB after warm-up`,
      target: 'no growth beyond noise (≤ 5 MB)',
      verdict: growth <= 5 ? 'met' : `missed by ${(growth - 5).toFixed(1)} MB`,
    },
  ];
}
