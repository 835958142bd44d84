/**
 * `npm run bench`: measures what credvend adds on top of STS, as ratios against baselines taken in the same run, and
 * prints a table and writes a JSON report. `--quick` runs everything briefly (CI does, so the suite never rots).
 * Nothing here asserts a timing; a missed target is reported with its margin.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Command } from 'commander';
import { coldStart, coldStartRows } from './scenarios/cold-start';
import { memory, memoryRows } from './scenarios/memory';
import { s3Policy, s3PolicyRows } from './scenarios/s3-policy';
import { economyRows, stsEconomy } from './scenarios/sts-economy';
import { throughput, throughputRows } from './scenarios/throughput';
import { cacheHit, overheadRows, vendOverhead } from './scenarios/vend-overhead';
import {
  tokenSigning,
  webIdentityCacheHit,
  webIdentityRows,
  webIdentityVend,
} from './scenarios/web-identity';
import { type ReportRow, renderTable } from './stats';

interface Sizes {
  readonly vends: number;
  readonly coldStartRuns: number;
  readonly loadSeconds: number;
  readonly sequentialVends: number;
  readonly memoryVends: number;
  readonly s3Requests: number;
  readonly webIdentityVends: number;
  readonly signedTokens: number;
}

const FULL: Sizes = {
  vends: 1000,
  coldStartRuns: 10,
  loadSeconds: 10,
  sequentialVends: 1000,
  memoryVends: 100_000,
  s3Requests: 1000,
  webIdentityVends: 1000,
  signedTokens: 1000,
};
const QUICK: Sizes = {
  vends: 100,
  coldStartRuns: 3,
  loadSeconds: 2,
  sequentialVends: 1000,
  memoryVends: 5_000,
  s3Requests: 100,
  webIdentityVends: 20,
  signedTokens: 100,
};

async function main(): Promise<void> {
  const options = new Command('bench')
    .option('--quick', 'run every scenario briefly')
    .option('--out <file>', 'where the JSON report goes', 'bench-report.json')
    .parse()
    .opts<{ quick?: boolean; out: string }>();
  const sizes = options.quick ? QUICK : FULL;
  const log = (text: string) => process.stderr.write(`${text}\n`);

  log(
    `credvend benchmark (${options.quick ? 'quick' : 'full'}) on Node.js ${process.version}, ${cpus().length} CPUs`,
  );
  log('vend overhead…');
  const overhead = await vendOverhead(sizes.vends, [0, 20]);
  log('cache hit…');
  const hit = await cacheHit(sizes.vends * 5);
  log('web-identity mode…');
  const webIdentity = {
    vend: await webIdentityVend(sizes.webIdentityVends, [0, 20]),
    signing: await tokenSigning(sizes.signedTokens),
    cacheHit: await webIdentityCacheHit(sizes.vends * 5),
  };
  log('STS economy…');
  const economy = await stsEconomy(sizes.sequentialVends);
  log('cold start…');
  const cold = await coldStart(sizes.coldStartRuns);
  log('throughput…');
  const load = await throughput(sizes.loadSeconds, 10);
  log('memory…');
  const mem = await memory(sizes.memoryVends);
  log('S3 policy evaluation…');
  const s3 = await s3Policy(sizes.s3Requests);

  const rows: ReportRow[] = [
    ...overheadRows(overhead, hit),
    ...webIdentityRows(webIdentity.vend, webIdentity.signing, webIdentity.cacheHit),
    ...coldStartRows(cold),
    ...throughputRows(load),
    ...economyRows(economy),
    ...memoryRows(mem),
    ...s3PolicyRows(s3),
  ];
  process.stdout.write(`${renderTable(rows)}\n`);
  const report = {
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    node: process.version,
    cpus: cpus().length,
    vendOverhead: overhead,
    cacheHit: hit,
    webIdentity,
    coldStart: cold,
    throughput: load,
    stsEconomy: economy,
    memory: mem,
    s3Policy: s3,
    rows,
  };
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  log(`report written to ${options.out}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
