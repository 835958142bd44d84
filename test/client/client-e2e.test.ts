/**
 * The zero-code clients against the sandbox, with real SDK providers and real shells: `credential_process` running
 * the built CLI (the SDK's own `fromProcess`), `fromCredvend` under a real STSClient, `credvend env` and
 * `credvend container-env` evaluated by `sh` for a child process's SDK, and the AWS CLI when it is installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromProcess } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { CredvendApiError } from '../../client/api';
import { buildCli } from '../../client/cli/build';
import { fromCredvend } from '../../client/provider';
import { devToken, useSandbox } from '../sandbox/sandbox-harness';
import { registerSecret, scanLogOutput } from '../support/leak-scan';

const execFileAsync = promisify(execFile);

/** Runs a command; its stderr (never meant for secrets) joins the leak scan. */
async function run(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  try {
    const result = await execFileAsync(file, [...args], options);
    scanLogOutput(result.stderr);
    return result;
  } catch (error) {
    scanLogOutput(String((error as { stderr?: unknown }).stderr ?? ''));
    throw error;
  }
}
const sandbox = useSandbox();
const ACME_SESSION =
  /^arn:aws:sts::000000000000:assumed-role\/credvend-tenant-access\/acme\.alice\.[A-Za-z0-9]+$/;

let dir: string;
let cli: string;
let tokenFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credvend-client-'));
  cli = await buildCli(join(dir, 'credvend.js'));
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${devToken(sandbox(), 'acme', 'alice')}\n`, { mode: 0o600 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The identity STS (the emulator) sees for `credentials`. */
async function callerArn(credentials: AwsCredentialIdentityProvider): Promise<string | undefined> {
  const sts = new STSClient({ region: 'eu-west-1', endpoint: sandbox().stsUrl, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

/** An environment with no AWS credentials or configuration of its own, so only what the test sets is used. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, ...extra };
  return env;
}

/** Node.js code, run by a child process, that prints the caller ARN its SDK's default credential chain gets. */
const CHILD_GET_CALLER_IDENTITY = `
const { STSClient, GetCallerIdentityCommand } = require(${JSON.stringify(require.resolve('@aws-sdk/client-sts'))});
const sts = new STSClient({ region: 'eu-west-1', endpoint: process.env.STS_ENDPOINT });
sts.send(new GetCallerIdentityCommand({})).then((r) => process.stdout.write(r.Arn), (e) => { process.stderr.write(e.name); process.exit(1); });
`;

describe('credential_process with the built CLI', () => {
  it("the SDK's fromProcess provider gets working credentials of the caller's tenant", async () => {
    const config = join(dir, 'config');
    writeFileSync(
      config,
      [
        '[profile acme]',
        `credential_process = ${process.execPath} ${cli} credential-process --url ${sandbox().apiUrl} --token-file ${tokenFile} --scope tenants/acme/uploads/:read,write --duration 900`,
        '',
      ].join('\n'),
    );

    const provider = fromProcess({
      profile: 'acme',
      configFilepath: config,
      filepath: join(dir, 'no-credentials'),
    });
    const credentials = await provider();
    registerSecret(credentials.secretAccessKey);
    registerSecret(credentials.sessionToken ?? '');

    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(await callerArn(async () => credentials)).toMatch(ACME_SESSION);
  });

  it('prints the API error code on stderr, no secret, and exits 1 for a suspended tenant', async () => {
    const suspended = join(dir, 'initech-token');
    writeFileSync(suspended, devToken(sandbox(), 'initech', 'mallory'));

    const failure = await run(process.execPath, [
      cli,
      'credential-process',
      '--url',
      sandbox().apiUrl,
      '--token-file',
      suspended,
    ]).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toMatch(
      /^credvend: TENANT_SUSPENDED: Tenant initech is suspended; .* \(request [\w-]+\)\n$/,
    );
  });
});

describe('credvend whoami', () => {
  it('shows the tenant, subject, role, duration and narrowed scope of a dry run, with no credentials', async () => {
    const { stdout } = await run(process.execPath, [
      cli,
      'whoami',
      '--url',
      sandbox().apiUrl,
      '--token-file',
      tokenFile,
      '--scope',
      'tenants/acme/uploads/2026/:read',
      '--duration',
      '1200',
    ]);

    expect(stdout).toMatch(
      /^tenant {3}acme\nsubject {2}alice\nrole {5}arn:aws:iam::000000000000:role\/credvend-tenant-access\n/,
    );
    expect(stdout).toMatch(
      /\nduration 1200 s \(credentials vended now would expire at \d{4}-\d\d-\d\dT[\d:]{8}Z\)\n/,
    );
    expect(stdout).toContain('scope    s3://credvend-local-data/tenants/acme/uploads/2026/ read\n');
    expect(stdout).not.toMatch(/ASIA|secret/i);
  });
});

describe('fromCredvend under a real STSClient', () => {
  /** fetch that counts the API requests the provider makes. */
  function countingFetch() {
    let count = 0;
    const counted: typeof fetch = async (input, init) => {
      count += 1;
      const response = await fetch(input, init);
      const body = await response.clone().json();
      if (typeof body.secretAccessKey === 'string') registerSecret(body.secretAccessKey);
      if (typeof body.sessionToken === 'string') registerSecret(body.sessionToken);
      return response;
    };
    return { fetch: counted, count: () => count };
  }

  it('signs STS calls as the tenant session, refreshes before expiry, and shares one request', async () => {
    const clock = { now: Date.now() };
    const api = countingFetch();
    const provider = fromCredvend({
      url: sandbox().apiUrl,
      token: () => devToken(sandbox(), 'acme', 'alice'),
      durationSeconds: 900,
      fetch: api.fetch,
      now: () => clock.now,
    });

    const [first] = await Promise.all(Array.from({ length: 10 }, () => provider()));
    expect(api.count()).toBe(1);
    expect(await callerArn(provider)).toMatch(ACME_SESSION);
    expect(api.count()).toBe(1);

    clock.now += 301_000; // 599 s of 900 left: inside the provider's 600 s window, outside the SDK's 300 s
    const refreshed = await provider();

    expect(api.count()).toBe(2);
    expect(refreshed).not.toBe(first);
  });

  it('surfaces a refusal as a CredvendApiError with the API code', async () => {
    const provider = fromCredvend({
      url: sandbox().apiUrl,
      token: devToken(sandbox(), 'initech', 'mallory'),
    });

    const error = await provider().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(CredvendApiError);
    expect(error).toMatchObject({ code: 'TENANT_SUSPENDED', status: 403 });
  });
});

describe('credvend env and container-env, evaluated by a shell', () => {
  const evalThenRun = (command: string, child: string, env: NodeJS.ProcessEnv) =>
    run('sh', ['-c', `eval "$(${command})" && ${child}`], { env });

  it('credvend env lets a child process reach STS as the tenant session', async () => {
    const env = cleanEnv({ CREDVEND_URL: sandbox().apiUrl, STS_ENDPOINT: sandbox().stsUrl });

    const { stdout } = await evalThenRun(
      `"${process.execPath}" "${cli}" env --token-file "${tokenFile}"`,
      `"${process.execPath}" -e "$CHILD"`,
      { ...env, CHILD: CHILD_GET_CALLER_IDENTITY },
    );

    expect(stdout).toMatch(ACME_SESSION);
  });

  it('credvend container-env makes the SDK fetch credentials from the API by itself', async () => {
    const env = cleanEnv({ CREDVEND_URL: sandbox().apiUrl, STS_ENDPOINT: sandbox().stsUrl });

    const { stdout } = await evalThenRun(
      `"${process.execPath}" "${cli}" container-env --token-file "${tokenFile}" --duration 900`,
      `"${process.execPath}" -e "$CHILD"`,
      { ...env, CHILD: CHILD_GET_CALLER_IDENTITY },
    );

    expect(stdout).toMatch(ACME_SESSION);
  });

  const awsCli = ['/usr/bin/aws', '/usr/local/bin/aws'].find((path) => existsSync(path));
  (awsCli === undefined ? it.skip : it)(
    'the AWS CLI gets the assumed-role identity through credential_process and through the container variables',
    async () => {
      const config = join(dir, 'cli-config');
      writeFileSync(
        config,
        `[profile acme]\ncredential_process = ${process.execPath} ${cli} credential-process --url ${sandbox().apiUrl} --token-file ${tokenFile}\n`,
      );
      const getCallerIdentity = `"${awsCli}" sts get-caller-identity --endpoint-url "${sandbox().stsUrl}" --region eu-west-1 --query Arn --output text`;

      const viaProcess = await run('sh', ['-c', `${getCallerIdentity} --profile acme`], {
        env: cleanEnv({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }),
      });
      const viaContainer = await evalThenRun(
        `"${process.execPath}" "${cli}" container-env --url "${sandbox().apiUrl}" --token-file "${tokenFile}"`,
        getCallerIdentity,
        cleanEnv({ AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }),
      );

      expect(viaProcess.stdout.trim()).toMatch(ACME_SESSION);
      expect(viaContainer.stdout.trim()).toMatch(ACME_SESSION);
    },
  );
  if (awsCli === undefined)
    process.stdout.write('AWS CLI not installed: its end-to-end test is skipped (.ci/run installs it)\n');
});
