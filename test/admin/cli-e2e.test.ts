/**
 * `credvend-admin --local` end to end, in a child process as an operator runs it, against the sandbox of this test
 * process (its state file written here as `npm start` writes it): onboarding vends at once, an invalid file writes
 * nothing, suspension answers 403 TENANT_SUSPENDED once the tenant cache expires, and resume undoes it; revocation
 * takes back live S3 sessions through the sandbox's IAM and S3 fronts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { REVOCATION_POLICY_NAME } from '../../lib/policies/revocation-policy';
import { TENANT_ROLE_NAME } from '../../sandbox/account/local-account';
import { sandboxState, writeSandboxState } from '../../sandbox/state-file';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { killAll, spawnScript } from '../sandbox/child-process';
import {
  callApi,
  devToken,
  sandboxS3Client,
  useSandbox,
  type VendedCredentials,
  vendCredentials,
} from '../sandbox/sandbox-harness';
import { registerSecret, scanLogOutput } from '../support/leak-scan';

const sandbox = useSandbox({ env: { TENANT_CACHE_TTL_SECONDS: '1' } });
const OPERATOR_ARN = 'arn:aws:iam::000000000000:user/credvend-operator';

let dir: string;
let stateFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credvend-admin-e2e-'));
  stateFile = join(dir, 'sandbox.json');
  const s = sandbox();
  registerSecret(s.operatorCredentials.secretAccessKey);
  writeSandboxState(stateFile, sandboxState(s));
});
const clients: S3Client[] = [];
afterAll(async () => {
  for (const client of clients) client.destroy();
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

const AWS_CLI = '/usr/bin/aws';
if (!existsSync(AWS_CLI))
  process.stdout.write(`${AWS_CLI} not installed: the AWS CLI revocation test is skipped\n`);

/** Runs the AWS CLI with only `credentials` as its AWS configuration; never rejects. */
function awsCli(
  args: string[],
  credentials: Record<string, string>,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      args,
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: dir,
          AWS_CONFIG_FILE: join(dir, 'none'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
          AWS_DEFAULT_REGION: 'eu-west-1',
          ...credentials,
        },
      },
      (error, _stdout, stderr) => {
        scanLogOutput(stderr);
        resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stderr });
      },
    );
  });
}

/** Runs `credvend-admin --local ARGS` in a child process (stdin not a terminal) and waits for it. */
async function admin(...args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const child = spawnScript('admin', ['--local', ...args], { CREDVEND_STATE_FILE: stateFile });
  const code = await child.exited;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

function tenantFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The audit events a run wrote to stderr. */
function auditEvents(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function vendStatus(tenant: string): Promise<{ status: number; code?: string }> {
  const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
    token: devToken(sandbox(), tenant, 'alice'),
    body: {},
  });
  return { status: response.status, ...(response.body?.error && { code: response.body.error.code }) };
}

/** Polls until `check` holds (the tenant cache is 1 s here), or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const HOOLI = `tenantId: hooli
status: active
grants:
  - bucket: credvend-local-data
    prefix: tenants/hooli/
    access: [read, list]
defaultDurationSeconds: 900
maxDurationSeconds: 3600
region: eu-west-1
`;

describe('credvend-admin --local', () => {
  it('puts a new tenant from a YAML file, and its users vend at once', async () => {
    const result = await admin('tenants', 'put', '--file', tenantFile('hooli.yaml', HOOLI), '--yes');

    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('hooli: new tenant\n  + defaultDurationSeconds: 900\n');
    expect(result.stdout).toContain('hooli: created (version 1)');
    expect(auditEvents(result.stderr)).toEqual([
      expect.objectContaining({
        event: 'credvend.admin',
        action: 'create',
        tenantId: 'hooli',
        actor: OPERATOR_ARN,
      }),
    ]);
    expect(await vendStatus('hooli')).toEqual({ status: 200 });
  });

  it('refuses an invalid file with every problem on stderr and writes nothing', async () => {
    const file = tenantFile(
      'bad.json',
      JSON.stringify({
        tenantId: 'hooli-bad',
        status: 'active',
        version: 7,
        grants: [{ bucket: 'not-our-bucket', prefix: 'tenants/hooli-bad/', access: ['read'] }],
        defaultDurationSeconds: 900,
        maxDurationSeconds: 7200,
        region: 'eu-west-1',
      }),
    );

    const result = await admin('tenants', 'put', '--file', file, '--yes');
    const lookup = await admin('tenants', 'get', 'hooli-bad');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('credvend-admin: INVALID_RECORD: 3 problems found, nothing was written:');
    expect(result.stderr).toContain('hooli-bad: version: written by credvend-admin itself');
    expect(result.stderr).toContain("hooli-bad: maxDurationSeconds 7200 exceeds the issuer's cap of 3600 s");
    expect(result.stderr).toContain(
      'hooli-bad: grants.0.bucket: grant bucket not-our-bucket is not a data bucket',
    );
    expect(result.stdout).toBe('');
    expect(lookup.code).toBe(4);
    expect(await vendStatus('hooli-bad')).toEqual({ status: 403, code: 'TENANT_NOT_FOUND' });
  });

  it('suspends: vends answer 403 TENANT_SUSPENDED once the tenant cache expires; resume undoes it', async () => {
    const suspended = await admin('tenants', 'suspend', 'hooli', '--reason', 'unpaid invoice');

    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain('hooli: suspended (version 2)');
    expect(auditEvents(suspended.stderr)).toEqual([expect.objectContaining({ action: 'suspend' })]);
    await eventually(async () => (await vendStatus('hooli')).code === 'TENANT_SUSPENDED');

    const resumed = await admin('tenants', 'resume', 'hooli');

    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('hooli: active again (version 3)');
    await eventually(async () => (await vendStatus('hooli')).status === 200);
  });

  it("revokes: live S3 sessions of one user, then of the tenant, stop at once; fresh vends work; globex's do not stop", async () => {
    const read = (s3: S3Client, tenant: string) =>
      s3.send(new GetObjectCommand({ Bucket: LOCAL_DATA_BUCKET, Key: `tenants/${tenant}/README.txt` })).then(
        () => 'ok',
        (error: Error) => error.name,
      );
    const as = async (tenant: string, user: string) => {
      const client = sandboxS3Client(sandbox(), await vendCredentials(sandbox(), tenant, user));
      clients.push(client);
      return client;
    };
    const [alice, bob, globex] = [
      await as('acme', 'alice'),
      await as('acme', 'bob'),
      await as('globex', 'carol'),
    ];
    try {
      const aliceOnly = await admin('tenants', 'revoke', 'acme', '--subject', 'alice', '--yes');

      expect(aliceOnly.code).toBe(0);
      expect(auditEvents(aliceOnly.stderr)).toEqual([
        expect.objectContaining({ action: 'revoke', actor: OPERATOR_ARN }),
      ]);
      expect([await read(alice, 'acme'), await read(bob, 'acme')]).toEqual(['AccessDenied', 'ok']);

      const everyone = await admin('tenants', 'revoke', 'acme', '--yes');

      expect(everyone.code).toBe(0);
      expect([await read(bob, 'acme'), await read(globex, 'globex')]).toEqual(['AccessDenied', 'ok']);
      // Once the revocation time has passed and the tenant cache has expired, a vend is a new, working session.
      await eventually(async () => (await read(await as('acme', 'alice'), 'acme')) === 'ok');
    } finally {
      sandbox().account.deleteRolePolicy(TENANT_ROLE_NAME, REVOCATION_POLICY_NAME);
    }
  });

  (existsSync(AWS_CLI) ? it : it.skip)(
    'revokes: an aws s3 cp with acme credentials vended before fails with AccessDenied, a fresh vend works, globex is untouched',
    async () => {
      const before = await vendCredentials(sandbox(), 'acme', 'dave');
      const globex = await vendCredentials(sandbox(), 'globex', 'erin');
      const cp = (credentials: VendedCredentials | 'container', tenant: string) =>
        awsCli(
          [
            's3',
            'cp',
            `s3://${LOCAL_DATA_BUCKET}/tenants/${tenant}/README.txt`,
            '-',
            '--endpoint-url',
            sandbox().s3Url,
          ],
          credentials === 'container'
            ? {
                AWS_CONTAINER_CREDENTIALS_FULL_URI: `${sandbox().apiUrl}/v1/credentials/container`,
                AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${devToken(sandbox(), tenant, 'dave')}`,
              }
            : {
                AWS_ACCESS_KEY_ID: credentials.accessKeyId,
                AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
                AWS_SESSION_TOKEN: credentials.sessionToken,
              },
        );
      expect((await cp(before, 'acme')).code).toBe(0);
      try {
        expect((await admin('tenants', 'revoke', 'acme', '--yes')).code).toBe(0);

        const refused = await cp(before, 'acme');
        expect(refused.code).not.toBe(0);
        // `cp` from S3 starts with HeadObject, whose error has no body: the CLI names the status.
        expect(refused.stderr).toMatch(/\(403\)|AccessDenied/);
        expect((await cp(globex, 'globex')).code).toBe(0);
        await eventually(async () => (await cp('container', 'acme')).code === 0);
      } finally {
        sandbox().account.deleteRolePolicy(TENANT_ROLE_NAME, REVOCATION_POLICY_NAME);
      }
    },
  );

  it('lists the tenants as a table', async () => {
    const result = await admin('tenants', 'list');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TENANT +STATUS +VERSION +REGION +GRANTS +MAX S +REVOCATIONS +UPDATED\n/);
    expect(result.stdout).toMatch(/^hooli +active +3 +eu-west-1 +1 +3600 +1 +\d{4}-/m);
    expect(result.stdout).toMatch(/^initech +suspended +0 /m);
  });
});
