/**
 * `npm run --silent token -- --tenant acme --user alice`: prints a token signed by the sandbox's dev issuer, and
 * nothing else, on stdout. It signs with the key file the running sandbox publishes (created on first use).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TOKEN_TTL_SECONDS, DEV_AUDIENCE, mintDevToken } from './dev-issuer/dev-token';
import type { JwtFields } from './dev-issuer/jws';
import { DEV_KEY_FILE_ENV, devKeyFileFrom, loadOrCreateDevKey } from './dev-issuer/signing-key';
import { DEFAULT_ISSUER_URL, parsePort, SANDBOX_PARTS } from './settings';

interface TokenOptions {
  readonly tenant: string;
  readonly user: string;
  readonly ttl: number;
  readonly audience: string;
  readonly claim: JwtFields;
  readonly mfa?: boolean;
  readonly issuer?: string;
  readonly keyFile?: string;
}

/** Longest lifetime accepted: a day is plenty for a dev token. */
const MAX_TTL_SECONDS = 86_400;

function ttlSeconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_TTL_SECONDS) {
    throw new InvalidArgumentError(`must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  }
  return Number(value);
}

/** `name=value`; a value that parses as JSON (a number, true, an array...) is taken as such, else as a string. */
function claim(value: string, previous: JwtFields): JwtFields {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('must look like name=value');
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON: the plain string.
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
}

function url(value: string): string {
  if (!URL.canParse(value)) throw new InvalidArgumentError('must be a URL');
  return value.replace(/\/+$/, '');
}

/** The issuer without `--issuer`/CREDVEND_ISSUER_URL: the dev issuer on CREDVEND_ISSUER_PORT or its default port. */
function defaultIssuer(env: NodeJS.ProcessEnv): string {
  const port = env[SANDBOX_PARTS.issuer.env];
  return port === undefined || port === '' ? DEFAULT_ISSUER_URL : `http://127.0.0.1:${parsePort(port)}`;
}

/** Builds the program; `main` runs it. */
export function createProgram(): Command {
  return new Command('token')
    .description('Print a JWT for the credvend sandbox, signed by its dev OIDC issuer.')
    .requiredOption('--tenant <id>', 'the tenant (the custom:tenant_id claim)')
    .requiredOption('--user <id>', 'the user (the sub claim)')
    .addOption(
      new Option('--ttl <seconds>', 'lifetime of the token')
        .argParser(ttlSeconds)
        .default(DEFAULT_TOKEN_TTL_SECONDS),
    )
    .option('--audience <aud>', 'the aud claim', DEV_AUDIENCE)
    .option(
      '--claim <name=value>',
      'an extra or overriding claim; JSON values as such (repeatable)',
      claim,
      {},
    )
    .option('--mfa', 'mark the sign-in as multi-factor (amr: ["pwd", "mfa"])')
    .addOption(
      new Option('--issuer <url>', `the iss claim: the dev issuer's URL [default: ${DEFAULT_ISSUER_URL}]`)
        .env('CREDVEND_ISSUER_URL')
        .argParser(url),
    )
    .addOption(
      new Option('--key-file <file>', 'the dev issuer key file [default: .credvend/dev-issuer-key.pem]').env(
        DEV_KEY_FILE_ENV,
      ),
    )
    .showHelpAfterError()
    .action((options: TokenOptions) => {
      const key = loadOrCreateDevKey(options.keyFile ?? devKeyFileFrom(process.env));
      const token = mintDevToken(key, {
        issuer: options.issuer ?? defaultIssuer(process.env),
        tenant: options.tenant,
        user: options.user,
        audience: options.audience,
        ttlSeconds: options.ttl,
        ...(options.mfa && { mfa: true }),
        claims: options.claim,
      });
      process.stdout.write(`${token}\n`);
    });
}

/** Runs the CLI: 0 on success, 1 on failure with a one-line message on stderr (usage errors: commander's, 1). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
