/**
 * Cold start: the function bundled as deployed (lib/constructs/vend-function.ts's bundling), loaded by a fresh Node.js
 * process that serves its first request against the sandbox; baseline: a bundle that only loads @aws-sdk/client-sts
 * and makes the same AssumeRole call.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { VEND_FUNCTION_BUNDLING } from '../../lib/constructs/vend-function';
import { toRestEvent } from '../../sandbox/local-api/rest-event';
import { startBenchSandbox } from '../bench-sandbox';
import { ms, percentile, type ReportRow, since, times, verdictAtMost } from '../stats';

const ROOT = resolve(__dirname, '..', '..');

export interface ColdStartResult {
  readonly runs: number;
  readonly credvend: { readonly p50Ms: number; readonly initP50Ms: number; readonly bundleBytes: number };
  readonly baseline: { readonly p50Ms: number; readonly initP50Ms: number; readonly bundleBytes: number };
  readonly ratio: number;
}

/** Bundles `entry` with the deployed function's esbuild settings. */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    minify: VEND_FUNCTION_BUNDLING.minify,
    sourcemap: VEND_FUNCTION_BUNDLING.sourceMap,
    sourcesContent: VEND_FUNCTION_BUNDLING.sourcesContent,
    target: VEND_FUNCTION_BUNDLING.target,
    format: 'cjs',
    mainFields: [...VEND_FUNCTION_BUNDLING.mainFields],
    logLevel: 'error',
  });
  return statSync(outfile).size;
}

/** Spawn → first response of one fresh process, and the init time it reports. */
function firstRequest(env: NodeJS.ProcessEnv): Promise<{ totalMs: number; initMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [join(__dirname, '..', 'cold-start', 'first-request.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const totalMs = since(start);
      const line = out.split('\n').find((l) => l.startsWith('{"status"'));
      const report =
        line === undefined ? undefined : (JSON.parse(line) as { status: number; initMs: number });
      if (code !== 0 || report?.status !== 200) {
        reject(
          new Error(`cold-start run failed (exit ${code}, status ${report?.status}): ${err.slice(0, 300)}`),
        );
        return;
      }
      resolvePromise({ totalMs, initMs: report.initMs });
    });
  });
}

export async function coldStart(runs: number): Promise<ColdStartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'credvend-cold-'));
  const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '0' });
  try {
    const credvendBundle = join(dir, 'credvend', 'index.js');
    const baselineBundle = join(dir, 'baseline', 'index.js');
    const credvendBytes = await bundle(join(ROOT, 'lambda', 'handler.ts'), credvendBundle);
    const baselineBytes = await bundle(
      join(__dirname, '..', 'cold-start', 'baseline-handler.ts'),
      baselineBundle,
    );
    const functionEnv = { PATH: process.env.PATH, ...bench.functionEnv(), POWERTOOLS_LOG_LEVEL: 'SILENT' };
    const event = toRestEvent({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${bench.token('cold')}` },
      body: '{}',
    });
    const baselineInput = await bench.assumeRoleInput('cold');
    const credvendRuns: { totalMs: number; initMs: number }[] = [];
    const baselineRuns: { totalMs: number; initMs: number }[] = [];
    for (let i = 0; i < runs + 1; i += 1) {
      const a = await firstRequest({
        ...functionEnv,
        BENCH_BUNDLE: credvendBundle,
        BENCH_EVENT: JSON.stringify(event),
      });
      const b = await firstRequest({
        ...functionEnv,
        BENCH_BUNDLE: baselineBundle,
        BASELINE_ASSUME_ROLE_INPUT: JSON.stringify(baselineInput),
      });
      // The first pair warms the file system cache; it is not counted.
      if (i > 0) {
        credvendRuns.push(a);
        baselineRuns.push(b);
      }
    }
    const p50 = (xs: { totalMs: number }[]) =>
      percentile(
        xs.map((x) => x.totalMs),
        50,
      );
    const initP50 = (xs: { initMs: number }[]) =>
      percentile(
        xs.map((x) => x.initMs),
        50,
      );
    const credvend = {
      p50Ms: p50(credvendRuns),
      initP50Ms: initP50(credvendRuns),
      bundleBytes: credvendBytes,
    };
    const baseline = {
      p50Ms: p50(baselineRuns),
      initP50Ms: initP50(baselineRuns),
      bundleBytes: baselineBytes,
    };
    return { runs, credvend, baseline, ratio: credvend.p50Ms / baseline.p50Ms };
  } finally {
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function coldStartRows(result: ColdStartResult): ReportRow[] {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  return [
    {
      scenario: `cold start (${result.runs} fresh processes)`,
      measure: 'spawn → first response p50',
      value: ms(result.credvend.p50Ms),
      baseline: ms(result.baseline.p50Ms),
      ratio: times(result.ratio),
      target: '≤ 1.3x',
      verdict: verdictAtMost(result.ratio, 1.3, 'x'),
    },
    {
      scenario: `cold start (${result.runs} fresh processes)`,
      measure: 'module init p50',
      value: ms(result.credvend.initP50Ms),
      baseline: ms(result.baseline.initP50Ms),
      ratio: times(result.credvend.initP50Ms / result.baseline.initP50Ms),
    },
    {
      scenario: 'bundle size',
      measure: 'index.js',
      value: kb(result.credvend.bundleBytes),
      baseline: kb(result.baseline.bundleBytes),
      ratio: times(result.credvend.bundleBytes / result.baseline.bundleBytes),
    },
  ];
}
