/** The sandbox as the benchmarks use it: in-process, on free ports, silent, with helpers to vend and to mint tokens. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Config } from '../lambda/config';
import type { SessionPlan } from '../lambda/core/model';
import { mintDevToken } from '../sandbox/dev-issuer/dev-token';
import { loadOrCreateDevKey } from '../sandbox/dev-issuer/signing-key';
import { toRestEvent } from '../sandbox/local-api/rest-event';
import { type LocalSandbox, type SessionMode, startSandbox } from '../sandbox/sandbox';

/** Audit events are dropped: the benchmark measures the vend path, not the terminal. */
const SILENT = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A sandbox for one scenario. */
export interface BenchSandbox {
  readonly sandbox: LocalSandbox;
  /** A dev token for `user` of `tenant`, cached per user. */
  token(user: string, tenant?: string): string;
  /** `POST /v1/credentials` through the in-process handler (no HTTP), as Lambda would invoke it. */
  vend(user: string, body?: string): Promise<APIGatewayProxyResult>;
  /** The AssumeRole input the service would send for `user` with an empty body (from the dry run). */
  assumeRoleInput(user: string): Promise<AssumeRoleCommandInput>;
  /** The session plan the service would send to STS for `user` with an empty body (from the dry run). */
  sessionPlan(user: string): Promise<SessionPlan>;
  /** STS calls of the sandbox's session mode (AssumeRole or AssumeRoleWithWebIdentity) since `resetStsCalls`. */
  stsCalls(): number;
  resetStsCalls(): void;
  /** The function environment that reproduces this sandbox's configuration in another process. */
  functionEnv(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts a sandbox; `env` adds to the function environment (e.g. the credential cache settings), `sessionMode` picks
 * how the function obtains sessions (role chaining unless told otherwise, as a default deployment).
 */
export async function startBenchSandbox(
  env: Record<string, string> = {},
  options: { readonly sessionMode?: SessionMode } = {},
): Promise<BenchSandbox> {
  const keyDir = mkdtempSync(join(tmpdir(), 'credvend-bench-'));
  const sandbox = await startSandbox({
    ports: { api: 0, sts: 0, dynamodb: 0, issuer: 0, s3: 0, iam: 0, kms: 0 },
    devKeyFile: join(keyDir, 'key.pem'),
    audit: SILENT,
    env,
    ...(options.sessionMode && { sessionMode: options.sessionMode }),
  });
  const stsAction = sandbox.sessionMode === 'web-identity' ? 'AssumeRoleWithWebIdentity' : 'AssumeRole';
  const key = loadOrCreateDevKey(sandbox.devKeyFile);
  const tokens = new Map<string, string>();
  const token = (user: string, tenant = 'acme') => {
    const id = `${tenant}/${user}`;
    let value = tokens.get(id);
    if (value === undefined) {
      value = mintDevToken(key, { issuer: sandbox.issuerUrl, tenant, user });
      tokens.set(id, value);
    }
    return value;
  };
  const invoke = (user: string, url: string, body: string) =>
    sandbox.handle(
      toRestEvent({ method: 'POST', url, headers: { authorization: `Bearer ${token(user)}` }, body }),
    );
  const dryRun = async (user: string) =>
    JSON.parse((await invoke(user, '/v1/credentials/dry-run', '{}')).body);
  return {
    sandbox,
    token,
    vend: (user, body = '{}') => invoke(user, '/v1/credentials', body),
    assumeRoleInput: async (user) => {
      const plan = await dryRun(user);
      return {
        RoleArn: plan.roleArn,
        RoleSessionName: plan.roleSessionName,
        DurationSeconds: plan.durationSeconds,
        Policy: JSON.stringify(plan.sessionPolicy),
        Tags: plan.sessionTags,
        TransitiveTagKeys: plan.transitiveTagKeys,
        SourceIdentity: plan.sourceIdentity,
      };
    },
    sessionPlan: async (user) => {
      const plan = await dryRun(user);
      return {
        tenantId: plan.tenantId,
        subject: plan.subject,
        roleArn: plan.roleArn,
        region: plan.region,
        durationSeconds: plan.durationSeconds,
        scope: plan.scope,
        policy: JSON.stringify(plan.sessionPolicy),
        tags: plan.sessionTags.map((t: { Key: string; Value: string }) => ({ key: t.Key, value: t.Value })),
        transitiveTagKeys: plan.transitiveTagKeys,
        sourceIdentity: plan.sourceIdentity,
        roleSessionName: plan.roleSessionName,
      };
    },
    stsCalls: () => sandbox.emulator.calls.filter((c) => c.action === stsAction).length,
    resetStsCalls: () => sandbox.emulator.resetCalls(),
    functionEnv: () => ({
      ...environmentOf(sandbox.config),
      AWS_ACCESS_KEY_ID: sandbox.baseCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.baseCredentials.secretAccessKey,
    }),
    close: async () => {
      await sandbox.close();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** The environment variables `loadConfig` would read back into `config`. */
function environmentOf(config: Config): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (name === 'regions' || value === undefined) continue;
    if (value instanceof Map) env[name] = JSON.stringify(Object.fromEntries(value));
    else env[name] = Array.isArray(value) ? value.join(',') : value === null ? 'null' : String(value);
  }
  return env;
}
