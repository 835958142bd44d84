/**
 * Vend overhead: the real handler in-process (real STS client → the emulator) against a bare
 * `STSClient.send(AssumeRoleCommand)` with the same input to the same emulator, interleaved so both see the same
 * machine. Also the cache hit: a vend served from the function's credential cache.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startBenchSandbox } from '../bench-sandbox';
import { type Latency, latency, ms, type ReportRow, since, times, verdictAtMost } from '../stats';

export interface VendOverheadResult {
  readonly latencyMs: number;
  readonly handler: Latency;
  readonly bareSts: Latency;
  readonly overheadP50Ms: number;
  readonly ratioP50: number;
}

/** Measures the handler and the bare call at each injected latency. */
export async function vendOverhead(
  iterations: number,
  latencies: readonly number[],
): Promise<VendOverheadResult[]> {
  const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '0' });
  const { sandbox } = bench;
  const sts = new STSClient({
    region: sandbox.config.regions[0],
    endpoint: sandbox.stsUrl,
    credentials: sandbox.baseCredentials,
  });
  try {
    const input = await bench.assumeRoleInput('overhead');
    const results: VendOverheadResult[] = [];
    for (const latencyMs of latencies) {
      sandbox.emulator.setFaults({ latencyMs });
      const handlerMs: number[] = [];
      const bareMs: number[] = [];
      const warmUp = Math.min(50, iterations);
      for (let i = 0; i < iterations + warmUp; i += 1) {
        let start = performance.now();
        const response = await bench.vend('overhead');
        const handlerTime = since(start);
        if (response.statusCode !== 200)
          throw new Error(`vend failed: ${response.statusCode} ${response.body}`);
        start = performance.now();
        await sts.send(new AssumeRoleCommand(input));
        const bareTime = since(start);
        if (i >= warmUp) {
          handlerMs.push(handlerTime);
          bareMs.push(bareTime);
        }
      }
      const handler = latency(handlerMs);
      const bareSts = latency(bareMs);
      results.push({
        latencyMs,
        handler,
        bareSts,
        overheadP50Ms: handler.p50 - bareSts.p50,
        ratioP50: handler.p50 / bareSts.p50,
      });
    }
    sandbox.emulator.setFaults({});
    return results;
  } finally {
    sts.destroy();
    await bench.close();
  }
}

/** p50/p99 of vends served from the credential cache. */
export async function cacheHit(iterations: number): Promise<Latency> {
  const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '1000' });
  try {
    const samples: number[] = [];
    await bench.vend('cached');
    for (let i = 0; i < iterations + 100; i += 1) {
      const start = performance.now();
      const response = await bench.vend('cached');
      if (i >= 100) samples.push(since(start));
      if (response.statusCode !== 200) throw new Error(`vend failed: ${response.statusCode}`);
    }
    if (bench.stsCalls() !== 1)
      throw new Error(`expected one STS call for cached vends, saw ${bench.stsCalls()}`);
    return latency(samples);
  } finally {
    await bench.close();
  }
}

export function overheadRows(results: readonly VendOverheadResult[], hit: Latency): ReportRow[] {
  return [
    ...results.flatMap((r): ReportRow[] => [
      {
        scenario: `vend overhead (STS +${r.latencyMs} ms)`,
        measure: 'p50',
        value: ms(r.handler.p50),
        baseline: ms(r.bareSts.p50),
        ratio: times(r.ratioP50),
        ...(r.latencyMs === 0
          ? { target: 'overhead ≤ 0.5 ms', verdict: verdictAtMost(r.overheadP50Ms, 0.5, ' ms') }
          : { target: 'ratio ≤ 1.03', verdict: verdictAtMost(r.ratioP50, 1.03) }),
      },
      {
        scenario: `vend overhead (STS +${r.latencyMs} ms)`,
        measure: 'p99',
        value: ms(r.handler.p99),
        baseline: ms(r.bareSts.p99),
        ratio: times(r.handler.p99 / r.bareSts.p99),
      },
    ]),
    { scenario: 'cache hit', measure: 'p50', value: ms(hit.p50) },
    {
      scenario: 'cache hit',
      measure: 'p99',
      value: ms(hit.p99),
      target: 'p99 ≤ 0.3 ms',
      verdict: verdictAtMost(hit.p99, 0.3, ' ms'),
    },
  ];
}
