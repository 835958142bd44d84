/**
 * The running sandbox's state file (`.credvend/sandbox.json`): its endpoints, the deployment settings it runs with
 * and the operator's credentials, so that another process (`credvend-admin --local`) can find and address it.
 * Written atomically with mode 0600 (it holds the operator's key) by `npm start`; read back validated.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as z from 'zod/mini';
import '../lambda/core/zod-messages';
import type { LocalSandbox } from './sandbox';

/** The variable that moves the state file (tests point it at a temporary directory). */
export const STATE_FILE_ENV = 'CREDVEND_STATE_FILE';

/** `<project>/.credvend/sandbox.json`: gitignored, beside the dev issuer's key. */
export const DEFAULT_STATE_FILE = resolve(__dirname, '..', '.credvend', 'sandbox.json');

/** What the state file says of a running sandbox (`pid`: the process that serves it). */
export function sandboxState(sandbox: LocalSandbox, pid = process.pid): SandboxState {
  const { config } = sandbox;
  return {
    version: 1,
    pid,
    apiUrl: sandbox.apiUrl,
    stsUrl: sandbox.stsUrl,
    s3Url: sandbox.s3Url,
    dynamoDbUrl: sandbox.dynamoDbUrl,
    iamUrl: sandbox.iamUrl,
    region: config.regions[0] ?? 'eu-west-1',
    tableName: config.TENANT_TABLE_NAME,
    tenantRoleArn: config.TENANT_ROLE_ARN,
    dataBuckets: [...config.DATA_BUCKETS],
    prefixTemplate: config.TENANT_PREFIX_TEMPLATE,
    regions: [...config.regions],
    // Role chaining's hour, or the web-identity role's MaxSessionDuration.
    maxSessionSeconds: sandbox.maxSessionSeconds,
    sessionMode: sandbox.sessionMode,
    operator: sandbox.operatorCredentials,
  };
}

/** The state file named by `CREDVEND_STATE_FILE`, or the project default. */
export function stateFileFrom(env: NodeJS.ProcessEnv): string {
  const configured = env[STATE_FILE_ENV];
  return configured === undefined || configured.trim() === '' ? DEFAULT_STATE_FILE : resolve(configured);
}

const loopbackUrl = z.url().check(z.regex(/^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+\/?$/));

const sandboxStateSchema = z.object({
  version: z.literal(1),
  pid: z.int().check(z.positive()),
  apiUrl: loopbackUrl,
  stsUrl: loopbackUrl,
  s3Url: loopbackUrl,
  dynamoDbUrl: loopbackUrl,
  iamUrl: z.optional(loopbackUrl),
  region: z.string().check(z.minLength(1)),
  tableName: z.string().check(z.minLength(1)),
  tenantRoleArn: z.string().check(z.minLength(1)),
  dataBuckets: z.array(z.string()).check(z.minLength(1)),
  prefixTemplate: z.string().check(z.minLength(1)),
  regions: z.array(z.string()).check(z.minLength(1)),
  maxSessionSeconds: z.int().check(z.positive()),
  sessionMode: z.optional(z.enum(['role-chaining', 'web-identity'])),
  operator: z.optional(
    z.object({
      accessKeyId: z.string().check(z.minLength(1)),
      secretAccessKey: z.string().check(z.minLength(1)),
    }),
  ),
});

/** What the sandbox tells other processes about itself. */
export type SandboxState = z.infer<typeof sandboxStateSchema>;

/** Why a state file could not be used: `missing`, `stale` (its process is gone) or `invalid`. */
export class SandboxStateError extends Error {
  override name = 'SandboxStateError';

  constructor(
    readonly kind: 'missing' | 'stale' | 'invalid',
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** Writes `state` to `file`: directory 0700, file 0600, replaced in one rename (a reader never sees half of it). */
export function writeSandboxState(file: string, state: SandboxState): void {
  const checked = sandboxStateSchema.parse(state);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600, flag: 'w' });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Removes the state file when it is still this process's (a newer sandbox may have replaced it). */
export function removeSandboxState(file: string, pid = process.pid): void {
  try {
    const current = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    if (current.pid === pid) rmSync(file, { force: true });
  } catch {
    // Missing or unreadable: nothing of ours to remove.
  }
}

/**
 * Reads and validates the state file; throws `SandboxStateError` when it is missing, unreadable or invalid, or when
 * the process that wrote it is no longer running.
 */
export function readSandboxState(file: string): SandboxState {
  const startFirst = 'start the sandbox with npm start first';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SandboxStateError(
        'missing',
        file,
        `no sandbox is running (${file} does not exist): ${startFirst}`,
      );
    }
    throw new SandboxStateError('invalid', file, `cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SandboxStateError('invalid', file, `${file} is not JSON; delete it and ${startFirst}`);
  }
  const parsed = sandboxStateSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new SandboxStateError(
      'invalid',
      file,
      `${file} is not a sandbox state file of this version (${problems.join('; ')}); delete it and ${startFirst}`,
    );
  }
  if (!isRunning(parsed.data.pid)) {
    throw new SandboxStateError(
      'stale',
      file,
      `the sandbox that wrote ${file} (pid ${parsed.data.pid}) is no longer running: ${startFirst}`,
    );
  }
  return parsed.data;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
