/**
 * The `credvend` CLI: credentials from the credvend API in the forms the AWS SDKs and CLI read with no code —
 * `credential_process` JSON, shell exports, the container-credentials variables — and a dry-run `whoami`.
 * Secrets go to stdout only, where the caller asked for them; stderr carries error codes and messages.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  type ApiOptions,
  CredvendApiError,
  containerCredentialsUrl,
  previewSession,
  type VendParameters,
  vendCredentials,
} from '../api';
import { parseScopeSpec } from './scope-spec';
import { renderEnvironment, SHELL_FORMATS, type ShellFormat } from './shell-format';

interface CommonOptions {
  readonly url: string;
  readonly tokenFile?: string;
  readonly tokenEnv?: string;
  readonly scope: string[];
  readonly duration?: number;
  readonly region?: string;
}

/** Exit codes: 1 the API refused or could not be reached, 2 usage, 3 the caller's token expired (get a new one). */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_TOKEN_EXPIRED = 3;

/** A usage problem: reported without a stack trace, exit code 2. */
class UsageError extends Error {}

/** `--url`: an http(s) base URL, refused at once otherwise (not later as "could not be reached"). */
function apiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL, such as https://api.example.com/prod');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError(`must be an http(s) URL, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError('must be the base URL alone: no query, fragment or credentials');
  }
  return value;
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of seconds');
  return Number(value);
}

/** The caller's JWT from a file (re-read on every run, so a refreshed file is picked up) or a variable. */
function readToken(options: CommonOptions): string {
  let raw: string | undefined;
  if (options.tokenFile !== undefined) {
    try {
      raw = readFileSync(options.tokenFile, 'utf8');
    } catch {
      throw new UsageError(`cannot read the token file ${options.tokenFile}`);
    }
  } else if (options.tokenEnv !== undefined) {
    raw = process.env[options.tokenEnv];
    if (raw === undefined) throw new UsageError(`the variable ${options.tokenEnv} is not set`);
  } else {
    throw new UsageError('give the caller token with --token-file FILE or --token-env VARIABLE');
  }
  const token = raw.trim().replace(/^bearer\s+/i, '');
  if (token === '') throw new UsageError('the caller token is empty');
  return token;
}

function apiOptions(options: CommonOptions): ApiOptions {
  return { url: options.url, token: readToken(options) };
}

function vendParameters(options: CommonOptions): VendParameters {
  let scope: VendParameters['scope'];
  try {
    scope = options.scope.length === 0 ? undefined : options.scope.map(parseScopeSpec);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    ...(scope && { scope }),
    ...(options.duration !== undefined && { durationSeconds: options.duration }),
    ...(options.region !== undefined && { region: options.region }),
  };
}

/** Adds the options every subcommand shares. */
function withCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', 'base URL of the credvend API')
        .env('CREDVEND_URL')
        .argParser(apiUrl)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--token-file <file>', 'file holding the caller JWT').conflicts('tokenEnv'))
    .option('--token-env <variable>', 'environment variable holding the caller JWT')
    .option(
      '--scope <spec>',
      'narrow the grants: [s3://BUCKET/]PREFIX[:read,write,delete,list] (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--duration <seconds>', 'session length in seconds', positiveInteger)
    .option('--region <region>', 'region of the credentials');
}

const format = () =>
  new Option('--format <format>', 'output format').choices(SHELL_FORMATS).default('sh' as ShellFormat);

function write(text: string): void {
  process.stdout.write(text);
}

/** Builds the program; `main` runs it. Exported for tests. */
export function createProgram(): Command {
  const program = new Command('credvend')
    .description('Fetch tenant-scoped AWS credentials from a credvend API.')
    .exitOverride()
    .showHelpAfterError();

  withCommonOptions(program.command('credential-process'))
    .description('print credential_process JSON (Version 1), for ~/.aws/config')
    .action(async (options: CommonOptions) => {
      const vended = await vendCredentials(apiOptions(options), vendParameters(options));
      write(
        `${JSON.stringify({
          Version: 1,
          AccessKeyId: vended.accessKeyId,
          SecretAccessKey: vended.secretAccessKey,
          SessionToken: vended.sessionToken,
          Expiration: vended.expiration,
        })}\n`,
      );
    });

  withCommonOptions(program.command('env'))
    .description('print the credentials as environment variables, for eval')
    .addOption(format())
    .action(async (options: CommonOptions & { format: ShellFormat }) => {
      const vended = await vendCredentials(apiOptions(options), vendParameters(options));
      const variables = {
        AWS_ACCESS_KEY_ID: vended.accessKeyId,
        AWS_SECRET_ACCESS_KEY: vended.secretAccessKey,
        AWS_SESSION_TOKEN: vended.sessionToken,
        AWS_CREDENTIAL_EXPIRATION: vended.expiration,
        AWS_REGION: vended.region,
        AWS_DEFAULT_REGION: vended.region,
      };
      write(renderEnvironment(variables, options.format));
    });

  withCommonOptions(program.command('container-env'))
    .description(
      'print the two container-credentials variables: any AWS SDK then fetches and refreshes by itself',
    )
    .addOption(format())
    .action(async (options: CommonOptions & { format: ShellFormat }) => {
      if (options.scope.length > 1) {
        throw new UsageError(
          'container-env takes one --scope (the container-credentials URL carries one entry); ' +
            'use credential-process or env for more',
        );
      }
      const api = apiOptions(options);
      const parameters = vendParameters(options);
      // A dry run first: a bad, expired or refused token, or an unreachable API, fails here, not in every SDK later.
      await previewSession(api, parameters);
      const variables = {
        AWS_CONTAINER_CREDENTIALS_FULL_URI: containerCredentialsUrl(options.url, parameters),
        AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${api.token}`,
      };
      write(renderEnvironment(variables, options.format));
    });

  withCommonOptions(program.command('whoami'))
    .description('show the tenant, subject, scope and expiry a vend would get (a dry run: no credentials)')
    .option('--json', 'print the whole plan as JSON')
    .action(async (options: CommonOptions & { json?: boolean }) => {
      const plan = await previewSession(apiOptions(options), vendParameters(options));
      if (options.json) {
        write(`${JSON.stringify(plan, null, 2)}\n`);
        return;
      }
      const expiry = new Date(Date.now() + plan.durationSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const rows: [string, string][] = [
        ['tenant', plan.tenantId],
        ['subject', plan.subject],
        ['role', plan.roleArn],
        ['region', plan.region],
        ['duration', `${plan.durationSeconds} s (credentials vended now would expire at ${expiry})`],
        ...plan.scope.map((g): [string, string] => [
          'scope',
          `s3://${g.bucket}/${g.prefix} ${g.access.join(',')}`,
        ]),
      ];
      write(rows.map(([k, v]) => `${k.padEnd(9)}${v}\n`).join(''));
    });

  return program;
}

/** Runs the CLI; never prints a secret to stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the problem (or the help, or the version, which are no failures).
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof CredvendApiError) {
      const request = error.requestId === undefined ? '' : ` (request ${error.requestId})`;
      process.stderr.write(`credvend: ${error.code}: ${error.message}${request}\n`);
      return error.code === 'TOKEN_EXPIRED' ? EXIT_TOKEN_EXPIRED : EXIT_FAILED;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`credvend: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`credvend: unexpected ${error instanceof Error ? error.name : 'error'}\n`);
    return EXIT_FAILED;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
