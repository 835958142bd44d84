/** STS economy: how many AssumeRole calls typical vend patterns cost with the credential cache on. */
import { startBenchSandbox } from '../bench-sandbox';
import type { ReportRow } from '../stats';

export interface StsEconomyResult {
  readonly sequential: { readonly vends: number; readonly stsCalls: number };
  readonly concurrent: { readonly vends: number; readonly stsCalls: number };
  readonly distinctCallers: { readonly vends: number; readonly stsCalls: number };
}

export async function stsEconomy(sequentialVends: number): Promise<StsEconomyResult> {
  const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '1000' });
  const expectOk = (statuses: readonly number[]) => {
    if (statuses.some((s) => s !== 200))
      throw new Error(`vends failed: ${statuses.filter((s) => s !== 200)}`);
  };
  const count = async (run: () => Promise<number[]>) => {
    bench.resetStsCalls();
    expectOk(await run());
    return bench.stsCalls();
  };
  try {
    const sequential = await count(async () => {
      const statuses: number[] = [];
      for (let i = 0; i < sequentialVends; i += 1) statuses.push((await bench.vend('sequential')).statusCode);
      return statuses;
    });
    const concurrent = await count(async () =>
      (await Promise.all(Array.from({ length: 100 }, () => bench.vend('concurrent')))).map(
        (r) => r.statusCode,
      ),
    );
    const distinct = await count(async () =>
      (await Promise.all(Array.from({ length: 100 }, (_, i) => bench.vend(`caller-${i}`)))).map(
        (r) => r.statusCode,
      ),
    );
    return {
      sequential: { vends: sequentialVends, stsCalls: sequential },
      concurrent: { vends: 100, stsCalls: concurrent },
      distinctCallers: { vends: 100, stsCalls: distinct },
    };
  } finally {
    await bench.close();
  }
}

export function economyRows(result: StsEconomyResult): ReportRow[] {
  const row = (scenario: string, r: { vends: number; stsCalls: number }, target: number): ReportRow => ({
    scenario,
    measure: 'STS calls',
    value: `${r.stsCalls} for ${r.vends} vends`,
    target: String(target),
    verdict: r.stsCalls === target ? 'met' : `missed by ${r.stsCalls - target} calls`,
  });
  return [
    row('STS economy: sequential, one caller', result.sequential, 1),
    row('STS economy: 100 concurrent identical', result.concurrent, 1),
    row('STS economy: 100 different callers', result.distinctCallers, 100),
  ];
}
