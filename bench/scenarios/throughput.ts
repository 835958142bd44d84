/**
 * Throughput over HTTP with keep-alive (autocannon): the sandbox API vending credentials, with and without the
 * credential cache; baseline: a minimal `node:http` server that only makes the bare STS call to the same emulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import autocannon from 'autocannon';
import { type BenchSandbox, startBenchSandbox } from '../bench-sandbox';
import { type ReportRow, times, verdictAtLeast } from '../stats';

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export interface ThroughputResult {
  readonly seconds: number;
  readonly connections: number;
  readonly credvend: LoadResult;
  readonly credvendUncached: LoadResult;
  readonly baseline: LoadResult;
}

async function load(url: string, seconds: number, connections: number, token?: string): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    connections,
    duration: seconds,
  });
  const non2xx = result.non2xx ?? 0;
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + non2xx,
  };
}

/** The baseline: POST anything → one bare AssumeRole → 200 with the access key id. */
async function startBareServer(
  bench: BenchSandbox,
  input: AssumeRoleCommandInput,
): Promise<{ url: string; close(): Promise<void> }> {
  const sts = new STSClient({
    region: bench.sandbox.config.regions[0],
    endpoint: bench.sandbox.stsUrl,
    credentials: bench.sandbox.baseCredentials,
  });
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      sts.send(new AssumeRoleCommand(input)).then(
        (output) =>
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ accessKeyId: output.Credentials?.AccessKeyId })),
        () => response.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      sts.destroy();
    },
  };
}

export async function throughput(seconds: number, connections: number): Promise<ThroughputResult> {
  const measure = async (cacheEntries: string) => {
    const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: cacheEntries });
    try {
      return await load(`${bench.sandbox.apiUrl}/v1/credentials`, seconds, connections, bench.token('load'));
    } finally {
      await bench.close();
    }
  };
  const credvend = await measure('1000');
  const credvendUncached = await measure('0');
  const bench = await startBenchSandbox({ CREDENTIAL_CACHE_MAX_ENTRIES: '0' });
  try {
    const bare = await startBareServer(bench, await bench.assumeRoleInput('load'));
    try {
      const baseline = await load(bare.url, seconds, connections);
      return { seconds, connections, credvend, credvendUncached, baseline };
    } finally {
      await bare.close();
    }
  } finally {
    await bench.close();
  }
}

export function throughputRows(result: ThroughputResult): ReportRow[] {
  const scenario = `throughput (${result.connections} keep-alive connections, ${result.seconds} s)`;
  const rps = (r: LoadResult) =>
    `${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms} ms, ${r.errors} errors`;
  const ratio = (r: LoadResult) => r.requestsPerSecond / result.baseline.requestsPerSecond;
  const row = (measure: string, r: LoadResult): ReportRow => ({
    scenario,
    measure,
    value: rps(r),
    baseline: rps(result.baseline),
    ratio: times(ratio(r)),
    target: '≥ 0.7x, 0 errors',
    verdict: r.errors > 0 ? `missed: ${r.errors} errors` : verdictAtLeast(ratio(r), 0.7, 'x'),
  });
  return [row('credvend (cache on)', result.credvend), row('credvend (cache off)', result.credvendUncached)];
}
