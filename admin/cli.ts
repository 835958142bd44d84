/**
 * `credvend-admin`: onboard, change, suspend, resume, revoke and offboard the tenants of a credvend deployment.
 * Results go to stdout, audit events (JSON lines) and errors to stderr. Exit codes: 0 done, 1 AWS or other failure,
 * 2 invalid input or usage, 3 a conflicting change, 4 not found.
 */
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { stsSafeName } from '../lambda/core/session-plan';
import type { Revocation } from '../lib/policies/revocation-policy';
import { type AdminAuditSink, jsonLinesAuditSink } from './audit';
import { createDocumentClient, resolveActor } from './aws-clients';
import {
  recordJson,
  renderPlan,
  renderPut,
  renderRecord,
  renderResumed,
  renderRevoked,
  renderSuspended,
  renderTable,
} from './cli-output';
import type { Deployment } from './deployment';
import { AdminError, ConfirmationRequiredError, InvalidRecordError } from './errors';
import { type DeploymentOptions, resolveDeployment } from './resolve-deployment';
import { createSessionRevoker, type SessionRevoker } from './session-revoker';
import { TenantAdmin, type TenantPlan } from './tenant-admin';
import { readTenantFile } from './tenant-file';
import { tenantTrustPolicy } from './tenant-trust';

/** Where the CLI reads and writes; `processIo()` outside tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when a person can answer a question (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** Asks a yes/no question; only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(?:es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}

/** A change the operator declined; nothing was written. */
class CancelledError extends AdminError {
  readonly code = 'CANCELLED';
  readonly exitCode = 1;
  override name = 'CancelledError';
}

const SUSPENSION_BITES =
  "once the function's tenant cache expires (TENANT_CACHE_TTL_SECONDS, 30 s by default)";

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

/** Builds the program over `io`. */
export function createProgram(io: CliIo): Command {
  const program = new Command('credvend-admin')
    .description('Operate the tenants of a credvend deployment.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError()
    .addOption(new Option('--stack <name>', 'the deployment of this CloudFormation stack (its outputs)'))
    .addOption(new Option('--local', 'the running npm start sandbox (its state file, CREDVEND_STATE_FILE)'))
    .option('--table <name>', 'the tenant table')
    .option('--role-arn <arn>', 'the tenant access role')
    .option('--data-buckets <names>', 'buckets grants may name, comma-separated')
    .option('--prefix-template <template>', "each tenant's root prefix (default tenants/{tenant}/)")
    .option('--regions <regions>', 'regions credentials are issued in, comma-separated (default --region)')
    .option('--max-session-seconds <seconds>', 'the session cap of the session mode (default 3600)')
    .option(
      '--tenant-roles <json>',
      'tenant-owned roles by tenant, JSON {"<tenantId>": "<role ARN>"} (the TENANT_ROLES of the function; default none)',
    )
    .option(
      '--vend-role-arn <arn>',
      "the vend function's role, which tenants' own roles trust (tenants trust-policy)",
    )
    .option('--region <region>', 'the region of the stack and the table (default AWS_REGION or the profile)');

  const tenants = program.command('tenants').description('tenant records and their sessions');

  tenants
    .command('validate')
    .description("check a tenant file by the deployment's rules (offline: nothing is read or written)")
    .requiredOption('--file <file>', 'a JSON or YAML file with one record or a list')
    .action(async (options: { file: string }, command: Command) => {
      const records = readTenantFile(options.file);
      const { admin, close } = await open(command, io, { actor: false });
      try {
        admin.assertValid(records);
      } finally {
        close();
      }
      const ids = records.map((r) => (r as { tenantId: string }).tenantId);
      io.out(
        `${options.file}: ${ids.length} valid record${ids.length === 1 ? '' : 's'} (${ids.join(', ')})\n`,
      );
    });

  tenants
    .command('put')
    .description('create or change tenants from a file: shows the diff, asks, writes conditionally')
    .requiredOption('--file <file>', 'a JSON or YAML file with one record or a list')
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: { file: string; yes?: boolean }, command: Command) => {
      const records = readTenantFile(options.file);
      await withAdmin(command, io, async (admin, deployment) => {
        admin.assertValid(records);
        const plans = await planAll(admin, records);
        io.out(`${plans.map(renderPlan).join('\n')}\n`);
        const changing = plans.filter(
          (p) => p.before === undefined || p.diff.length > 0 || p.externalId !== undefined,
        );
        if (changing.length === 0) {
          io.out('nothing to change\n');
          return;
        }
        await confirm(io, options.yes, `Write ${changing.length} tenant record(s) to ${deployment.source}?`);
        for (const plan of changing) {
          const record = records.find((r) => (r as { tenantId?: unknown }).tenantId === plan.tenantId);
          io.out(`${renderPut(await admin.put(record, { expectedVersion: plan.expectedVersion }))}\n`);
        }
      });
    });

  tenants
    .command('get <id>')
    .description("show a tenant's record")
    .option('--json', 'print the record as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withAdmin(
        command,
        io,
        async (admin) => {
          const entry = await admin.get(id);
          io.out(`${options.json ? recordJson(entry.record) : renderRecord(entry)}\n`);
        },
        { actor: false },
      );
    });

  tenants
    .command('trust-policy <id>')
    .description(
      "print the trust policy the tenant's own role needs (its roleArn must trust the vend function)",
    )
    .action(async (id: string, _options: unknown, command: Command) => {
      await withAdmin(
        command,
        io,
        async (admin, deployment) => {
          io.out(`${JSON.stringify(tenantTrustPolicy(await admin.get(id), deployment), null, 2)}\n`);
        },
        { actor: false },
      );
    });

  tenants
    .command('list')
    .description('list tenants, a page at a time')
    .option('--json', 'print the records and the next cursor as JSON')
    .option('--limit <n>', 'tenants per page (1-1000, default 50)', wholeNumber)
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .action(async (options: { json?: boolean; limit?: number; cursor?: string }, command: Command) => {
      await withAdmin(
        command,
        io,
        async (admin) => {
          const page = await admin.list({
            ...(options.limit !== undefined && { limit: options.limit }),
            ...(options.cursor !== undefined && { cursor: options.cursor }),
          });
          if (options.json) {
            io.out(
              `${JSON.stringify({ tenants: page.tenants.map((t) => t.record), cursor: page.cursor ?? null }, null, 2)}\n`,
            );
            return;
          }
          io.out(`${renderTable(page.tenants)}\n`);
          if (page.cursor !== undefined) io.out(`more: tenants list --cursor ${page.cursor}\n`);
        },
        { actor: false },
      );
    });

  tenants
    .command('suspend <id>')
    .description('stop new vends of a tenant (live sessions: revoke)')
    .requiredOption('--reason <text>', 'why, for the record and the audit trail')
    .action(async (id: string, options: { reason: string }, command: Command) => {
      await withAdmin(command, io, async (admin) => {
        io.out(`${renderSuspended(await admin.suspend(id, options.reason), SUSPENSION_BITES)}\n`);
      });
    });

  tenants
    .command('resume <id>')
    .description('let a suspended tenant vend again')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withAdmin(command, io, async (admin) => {
        io.out(`${renderResumed(await admin.resume(id))}\n`);
      });
    });

  tenants
    .command('revoke <id>')
    .description('take back live sessions of a tenant, or of one of its users, issued before a time')
    .option('--subject <sub>', "only this user's sessions (the token's subject)")
    .option('--before <time>', 'ISO 8601 time (default: now, rounded up to the next second)')
    .option('--yes', 'do not ask for confirmation')
    .action(
      async (id: string, options: { subject?: string; before?: string; yes?: boolean }, command: Command) => {
        await withAdmin(command, io, async (admin) => {
          const who =
            options.subject === undefined ? 'every session' : `every session of user ${options.subject}`;
          const when = options.before === undefined ? 'issued until now' : `issued before ${options.before}`;
          await confirm(io, options.yes, `Revoke ${who} of tenant ${id} ${when}?`);
          const result = await admin.revoke(id, {
            ...(options.subject !== undefined && { subject: options.subject }),
            ...(options.before !== undefined && { before: options.before }),
          });
          const identity = options.subject === undefined ? undefined : stsSafeName(options.subject);
          io.out(`${renderRevoked(result, identity)}\n`);
        });
      },
    );

  tenants
    .command('delete <id>')
    .description('offboard a tenant: suspend it, revoke every session, delete its record')
    .option('--yes', 'do not ask for confirmation')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      await withAdmin(command, io, async (admin) => {
        await admin.get(id);
        await confirm(
          io,
          options.yes,
          `Offboard tenant ${id}: suspend it, revoke every session, delete its record?`,
        );
        await admin.delete(id);
        io.out(`${id}: offboarded (suspended, every session revoked, record deleted)\n`);
      });
    });

  return program;
}

/** Plans every record; the status problems of all of them are reported together. */
async function planAll(admin: TenantAdmin, records: readonly unknown[]): Promise<TenantPlan[]> {
  const plans: TenantPlan[] = [];
  const problems: InvalidRecordError['records'][number][] = [];
  for (const record of records) {
    try {
      plans.push(await admin.plan(record));
    } catch (error) {
      if (!(error instanceof InvalidRecordError)) throw error;
      problems.push(...error.records);
    }
  }
  if (problems.length > 0) throw new InvalidRecordError(problems);
  return plans;
}

async function confirm(io: CliIo, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  if (!io.interactive) {
    throw new ConfirmationRequiredError(
      `${question.replace(/\?$/, '')}: needs a confirmation; run it in a terminal, or pass --yes`,
    );
  }
  if (!(await io.confirm(question))) throw new CancelledError('cancelled; nothing was written');
}

interface OpenedAdmin {
  readonly admin: TenantAdmin;
  readonly deployment: Deployment;
  close(): void;
}

/** The deployment from the global options, and a `TenantAdmin` on it. */
async function open(command: Command, io: CliIo, options: { actor: boolean }): Promise<OpenedAdmin> {
  const deployment = await resolveDeployment(command.optsWithGlobals<DeploymentOptions>());
  const documents = createDocumentClient(deployment.aws);
  const audit: AdminAuditSink = jsonLinesAuditSink({ write: io.err });
  const actor = options.actor ? await resolveActor(deployment.aws) : 'read-only';
  const admin = new TenantAdmin({ deployment, documents, revoker: lazyRevoker(deployment), audit, actor });
  return { admin, deployment, close: () => documents.destroy() };
}

async function withAdmin(
  command: Command,
  io: CliIo,
  run: (admin: TenantAdmin, deployment: Deployment) => Promise<void>,
  options: { actor: boolean } = { actor: true },
): Promise<void> {
  const { admin, deployment, close } = await open(command, io, options);
  try {
    await run(admin, deployment);
  } finally {
    close();
  }
}

/** The deployment's revoker, built on first use: commands that revoke nothing never need IAM. */
function lazyRevoker(deployment: Deployment): SessionRevoker {
  let revoker: SessionRevoker | undefined;
  return {
    revoke: async (revocation: Revocation) => {
      revoker ??= createSessionRevoker(deployment);
      await revoker.revoke(revocation);
    },
  };
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the problem already; help and version are not failures.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof AdminError) {
      io.err(`credvend-admin: ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(
      `credvend-admin: unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : 'error'}\n`,
    );
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
