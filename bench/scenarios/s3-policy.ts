/**
 * S3 policy evaluation: what the S3 emulator's IAM decision (the policy simulator over the role and session policies)
 * costs per request, as a figure and as a share of a whole GetObject through the real `S3Client`, measured in the
 * same run. Not a target: the emulator is a sandbox part, but a developer should know where its time goes.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startBenchSandbox } from '../bench-sandbox';
import { type Latency, latency, ms, type ReportRow, since, times } from '../stats';

export interface S3PolicyResult {
  /** `EmulatedAccount.authorize` alone for the GetObject's IAM request. */
  readonly evaluation: Latency;
  /** A whole GetObject (SigV4, authentication, evaluation, the object) through `S3Client` over loopback HTTP. */
  readonly getObject: Latency;
  /** The evaluation's p50 as a share of the GetObject's. */
  readonly shareP50: number;
}

const KEY = 'tenants/acme/README.txt';

/** Measures `iterations` evaluations and GetObjects with one vended credential of acme. */
export async function s3Policy(iterations: number): Promise<S3PolicyResult> {
  const bench = await startBenchSandbox();
  const { sandbox } = bench;
  const vend = await bench.vend('s3-bench');
  if (vend.statusCode !== 200) throw new Error(`vend failed: ${vend.statusCode} ${vend.body}`);
  // Only the three fields: the SDK reads an `expiration` as a Date, and the vend body's is a string.
  const { accessKeyId, secretAccessKey, sessionToken } = JSON.parse(vend.body) as Record<string, string>;
  const credentials = {
    accessKeyId: accessKeyId ?? '',
    secretAccessKey: secretAccessKey ?? '',
    sessionToken,
  };
  const bucket = sandbox.config.DATA_BUCKETS[0] ?? '';
  const s3 = new S3Client({
    region: sandbox.config.regions[0],
    endpoint: sandbox.s3Url,
    forcePathStyle: true,
    credentials,
  });
  try {
    const request = { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${KEY}` };
    const evaluationMs: number[] = [];
    const getMs: number[] = [];
    const warmUp = Math.min(20, iterations);
    for (let i = 0; i < iterations + warmUp; i += 1) {
      let start = performance.now();
      const decision = await sandbox.account.authorize(credentials.accessKeyId, request, { secure: false });
      const evaluated = since(start);
      if (decision !== 'Allowed') throw new Error(`acme may not read ${KEY}: ${decision}`);
      start = performance.now();
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }));
      await object.Body?.transformToByteArray();
      const fetched = since(start);
      if (i >= warmUp) {
        evaluationMs.push(evaluated);
        getMs.push(fetched);
      }
    }
    const evaluation = latency(evaluationMs);
    const getObject = latency(getMs);
    return { evaluation, getObject, shareP50: evaluation.p50 / getObject.p50 };
  } finally {
    s3.destroy();
    await bench.close();
  }
}

export function s3PolicyRows(result: S3PolicyResult): ReportRow[] {
  return [
    {
      scenario: 'S3 policy evaluation',
      measure: 'p50',
      value: ms(result.evaluation.p50),
      baseline: `GetObject ${ms(result.getObject.p50)}`,
      ratio: times(result.shareP50),
    },
    {
      scenario: 'S3 policy evaluation',
      measure: 'p99',
      value: ms(result.evaluation.p99),
      baseline: `GetObject ${ms(result.getObject.p99)}`,
      ratio: times(result.evaluation.p99 / result.getObject.p99),
    },
  ];
}
