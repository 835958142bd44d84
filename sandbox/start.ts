/**
 * `npm start`: the credvend API on http://127.0.0.1:3000 with its offline stand-ins, or (`--aws`) against AWS.
 * Prints the banner, then the audit log; SIGINT/SIGTERM stop everything and exit 0. Start-up failures are one
 * line on stderr and a non-zero exit, never a stack trace.
 */
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { renderBanner } from './banner';
import { PortUnavailableError } from './net/loopback-server';
import {
  type AwsSandbox,
  type EnvVars,
  type LocalSandbox,
  SandboxStartError,
  type SessionMode,
  startAwsSandbox,
  startSandbox,
} from './sandbox';
import { parsePort, SANDBOX_PARTS, type SandboxPart, type SandboxTarget, TARGET_ENV } from './settings';
import { removeSandboxState, sandboxState, stateFileFrom, writeSandboxState } from './state-file';

/** Function settings a developer may tune for the offline sandbox; the rest of the wiring is the sandbox's own. */
export const LOCAL_TUNABLES = [
  'STS_DEADLINE_MS',
  'TENANT_CACHE_TTL_SECONDS',
  'CREDENTIAL_CACHE_MAX_ENTRIES',
  'CREDENTIAL_CACHE_MIN_REMAINING_SHARE',
  'ALLOWED_ORIGINS',
] as const;

interface StartOptions {
  readonly port: number;
  readonly stsPort: number;
  readonly dynamodbPort: number;
  readonly issuerPort: number;
  readonly s3Port: number;
  readonly iamPort: number;
  readonly kmsPort: number;
  readonly sessionMode: SessionMode;
  readonly s3Storage: 'memory' | 'disk';
  readonly s3MaxBytes?: number;
  readonly aws?: boolean;
}

/** Where `--s3-storage disk` keeps objects, beside the dev issuer's key. */
export const S3_DATA_DIR = join('.credvend', 's3');

function portOption(part: SandboxPart, description: string): Option {
  const { flag, env, defaultPort } = SANDBOX_PARTS[part];
  return new Option(`${flag} <port>`, `${description} (0: any free port)`)
    .env(env)
    .default(defaultPort)
    .argParser((value) => {
      try {
        return parsePort(value);
      } catch (error) {
        throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
      }
    });
}

function positiveBytes(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value))
    throw new InvalidArgumentError(`"${value}" is not a positive number of bytes`);
  return Number(value);
}

function targetOf(options: StartOptions, env: NodeJS.ProcessEnv): SandboxTarget {
  if (options.aws) return 'aws';
  const target = env[TARGET_ENV] ?? 'local';
  if (target === '' || target === 'local') return 'local';
  if (target === 'aws') return 'aws';
  throw new SandboxStartError(`${TARGET_ENV} must be "local" or "aws", not "${target}"`);
}

async function start(options: StartOptions, env: NodeJS.ProcessEnv): Promise<LocalSandbox | AwsSandbox> {
  const ports = {
    api: options.port,
    sts: options.stsPort,
    dynamodb: options.dynamodbPort,
    issuer: options.issuerPort,
    s3: options.s3Port,
    iam: options.iamPort,
    kms: options.kmsPort,
  };
  if (targetOf(options, env) === 'aws') {
    try {
      return await startAwsSandbox({ ports, env });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      throw new SandboxStartError(
        `${oneLine(error.message)} (--aws reads the function environment: TENANT_TABLE_NAME, TENANT_ROLE_ARN, ` +
          'DATA_BUCKETS, AWS_REGION, and JWT_PROVIDER... for a real identity provider)',
      );
    }
  }
  const tunables: EnvVars = Object.fromEntries(
    LOCAL_TUNABLES.map((name) => [name, env[name]]).filter(([, v]) => v),
  );
  return startSandbox({
    ports,
    env: tunables,
    sessionMode: options.sessionMode,
    s3: {
      ...(options.s3Storage === 'disk' && { dir: resolve(S3_DATA_DIR) }),
      ...(options.s3MaxBytes !== undefined && { maxBytes: options.s3MaxBytes }),
    },
  });
}

/** `loadConfig`'s error: one line per bad variable. */
function isConfigError(error: unknown): error is Error {
  return error instanceof Error && error.message.startsWith('credvend configuration is invalid');
}

/** `a:\n  b\n  c` as `a: b; c`. */
function oneLine(message: string): string {
  return message.replace(/:\n\s+/, ': ').replace(/\n\s+/g, '; ');
}

/** The one line a failed start prints. */
function describeFailure(error: unknown): string {
  if (error instanceof PortUnavailableError) {
    const part = SANDBOX_PARTS[(error.part ?? 'api') as SandboxPart] ?? SANDBOX_PARTS.api;
    const problem = error.reason === 'in use' ? 'is already in use' : 'may not be used by this user';
    return (
      `port ${error.port} (${part.label}) ${problem}: stop what holds it, or pick another port with ` +
      `${part.env}=<port> npm start (or npm start -- ${part.flag} <port>)`
    );
  }
  if (error instanceof SandboxStartError) return error.message;
  if (isConfigError(error)) return oneLine(error.message);
  return `could not start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once (the user does not want to wait). */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      received += 1;
      if (received > 1) process.exit(130);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** How long stopping may take before the process gives up on a part that does not close. */
const STOP_TIMEOUT_MS = 5000;

/** Rejects after `ms`; the timer does not keep the process alive. */
function timeout(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms).unref(),
  );
}

/** Runs `npm start`: resolves with the exit code once the sandbox has stopped, or failed to start. */
export async function main(argv: readonly string[]): Promise<number> {
  const env = process.env;
  const options = new Command('start')
    .description('Run the credvend API locally: offline stand-ins by default, AWS with --aws.')
    .addOption(portOption('api', 'port of the API'))
    .addOption(portOption('sts', 'port of the STS emulator'))
    .addOption(portOption('dynamodb', 'port of dynalite'))
    .addOption(portOption('issuer', 'port of the dev OIDC issuer'))
    .addOption(portOption('s3', 'port of the S3 emulator'))
    .addOption(portOption('iam', 'port of the IAM emulator'))
    .addOption(portOption('kms', 'port of the KMS emulator (web-identity mode)'))
    .addOption(
      new Option(
        '--session-mode <mode>',
        'role-chaining: AssumeRole, sessions of at most 1 h (a default deployment); web-identity: credvend as its ' +
          'own OIDC issuer with KMS-signed tokens, AssumeRoleWithWebIdentity, sessions up to 12 h',
      )
        .choices(['role-chaining', 'web-identity'])
        .env('CREDVEND_SESSION_MODE')
        .default('role-chaining'),
    )
    .addOption(
      new Option('--s3-storage <where>', `keep S3 objects in memory or on disk under ${S3_DATA_DIR}`)
        .choices(['memory', 'disk'])
        .env('CREDVEND_S3_STORAGE')
        .default('memory'),
    )
    .addOption(
      new Option('--s3-max-bytes <bytes>', 'bound of the S3 store (default 512 MiB)')
        .env('CREDVEND_S3_MAX_BYTES')
        .argParser(positiveBytes),
    )
    .option('--aws', `use AWS STS and DynamoDB instead of the stand-ins (also ${TARGET_ENV}=aws)`)
    .showHelpAfterError()
    .parse([...argv])
    .opts<StartOptions>();
  const stopped = firstSignal();
  let sandbox: LocalSandbox | AwsSandbox;
  try {
    sandbox = await start(options, env);
  } catch (error) {
    process.stderr.write(`credvend sandbox: ${describeFailure(error)}\n`);
    return 1;
  }
  // `credvend-admin --local` finds the running sandbox (endpoints, settings, operator key) through this file.
  const stateFile = sandbox.target === 'local' ? stateFileFrom(env) : undefined;
  if (sandbox.target === 'local' && stateFile !== undefined)
    writeSandboxState(stateFile, sandboxState(sandbox));
  process.stdout.write(renderBanner(sandbox));
  const signal = await stopped;
  if (stateFile !== undefined) removeSandboxState(stateFile);
  process.stdout.write(`credvend sandbox: ${signal}, stopping\n`);
  try {
    await Promise.race([sandbox.close(), timeout(STOP_TIMEOUT_MS, 'stopping')]);
    return 0;
  } catch (error) {
    process.stderr.write(`credvend sandbox: stopped with errors: ${describeFailure(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => process.exit(code));
}
