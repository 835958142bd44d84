/** `npm start` as a developer runs it: the banner, a working API, Ctrl-C, and a clear message for a busy port. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { listenOnLoopback } from '../../sandbox/net/loopback-server';
import { killAll, signalGroup, spawnScript } from './child-process';
import { temporaryKeyFile } from './sandbox-harness';

const key = temporaryKeyFile();
/** Every part on a free port, the dev key in a temporary directory, the offline target whatever the shell says. */
const ENV = {
  CREDVEND_PORT: '0',
  CREDVEND_STS_PORT: '0',
  CREDVEND_DYNAMODB_PORT: '0',
  CREDVEND_ISSUER_PORT: '0',
  CREDVEND_S3_PORT: '0',
  CREDVEND_IAM_PORT: '0',
  CREDVEND_KMS_PORT: '0',
  CREDVEND_TARGET: 'local',
  CREDVEND_DEV_KEY_FILE: key.file,
  CREDVEND_STATE_FILE: join(key.dir, 'sandbox.json'),
};
const BANNER_END = 'Ctrl-C stops everything.';

afterAll(async () => {
  await killAll();
  rmSync(key.dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints the banner (the API first, then the STS emulator, DynamoDB, S3, IAM), serves /health, and exits 0 on Ctrl-C', async () => {
    const child = spawnScript('start', [], ENV);
    await child.waitForStdout(BANNER_END);

    const parts = child
      .stdout()
      .split('\n')
      .filter((line) => /^ {2}\S.*http:\/\/127\.0\.0\.1:\d+/.test(line));
    expect(parts[0]).toMatch(/^ {2}API +http:\/\/127\.0\.0\.1:\d+$/);
    expect(parts[1]).toMatch(/^ {2}STS emulator +http:\/\/127\.0\.0\.1:\d+ /);
    expect(parts[2]).toMatch(/^ {2}DynamoDB +http:\/\/127\.0\.0\.1:\d+ /);
    expect(parts[3]).toMatch(/^ {2}S3 emulator +http:\/\/127\.0\.0\.1:\d+ /);
    expect(parts[4]).toMatch(/^ {2}IAM emulator +http:\/\/127\.0\.0\.1:\d+ /);
    expect(parts[5]).toMatch(/^ {2}dev OIDC issuer +http:\/\/127\.0\.0\.1:\d+ /);
    const apiUrl = /http:\/\/127\.0\.0\.1:\d+/.exec(parts[0] ?? '')?.[0];
    const stsUrl = /http:\/\/127\.0\.0\.1:\d+/.exec(parts[1] ?? '')?.[0];
    expect(child.stdout()).toContain(
      `curl -s -X POST -H "Authorization: Bearer $TOKEN" ${apiUrl}/v1/credentials`,
    );
    expect(child.stdout()).toContain(
      `AWS_CONTAINER_CREDENTIALS_FULL_URI=${apiUrl}/v1/credentials/container AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer $TOKEN" ` +
        'aws --region eu-west-1 "$@"; }',
    );
    expect(child.stdout()).toContain(`acme_aws sts get-caller-identity --endpoint-url ${stsUrl}\n`);

    // The state file credvend-admin --local reads: this sandbox's endpoints, while it runs.
    expect(JSON.parse(readFileSync(ENV.CREDVEND_STATE_FILE, 'utf8'))).toMatchObject({ apiUrl, stsUrl });

    const health = await fetch(`${apiUrl}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);

    signalGroup(child, 'SIGINT');
    expect(await child.exited).toBe(0);
    expect(child.stderr()).not.toMatch(/^\s+at /m);
    await expect(fetch(`${apiUrl}/health`)).rejects.toThrow();
    expect(existsSync(ENV.CREDVEND_STATE_FILE)).toBe(false);
  });

  it('takes its ports from flags too, and exits 0 on SIGTERM', async () => {
    const flags = [
      '--port',
      '0',
      '--sts-port',
      '0',
      '--dynamodb-port',
      '0',
      '--issuer-port',
      '0',
      '--s3-port',
      '0',
      '--iam-port',
      '0',
      '--kms-port',
      '0',
    ];
    const child = spawnScript('start', flags, {
      CREDVEND_TARGET: 'local',
      CREDVEND_DEV_KEY_FILE: key.file,
      CREDVEND_STATE_FILE: ENV.CREDVEND_STATE_FILE,
    });
    await child.waitForStdout(BANNER_END);

    signalGroup(child, 'SIGTERM');

    expect(await child.exited).toBe(0);
    expect(child.stdout()).toContain('credvend sandbox: SIGTERM, stopping');
  });

  it('runs web-identity mode with --session-mode: the KMS emulator, the API as issuer, 12-hour sessions', async () => {
    const child = spawnScript('start', ['--session-mode', 'web-identity'], ENV);
    await child.waitForStdout(BANNER_END);

    const lines = child.stdout().split('\n');
    const apiUrl = /http:\/\/127\.0\.0\.1:\d+/.exec(lines.find((l) => /^ {2}API /.test(l)) ?? '')?.[0];
    expect(lines.find((l) => /^ {2}STS emulator /.test(l))).toMatch(
      /\(AssumeRoleWithWebIdentity into arn:aws:iam::000000000000:role\/credvend-tenant-access, up to 43200 s\)$/,
    );
    expect(lines.find((l) => /^ {2}KMS emulator /.test(l))).toMatch(
      new RegExp(
        `^ {2}KMS emulator +http://127\\.0\\.0\\.1:\\d+ +\\(the function's token signing key; its issuer is ${apiUrl}\\)$`,
      ),
    );
    const discovery = await fetch(`${apiUrl}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect((await discovery.json()).issuer).toBe(apiUrl);
    expect(JSON.parse(readFileSync(ENV.CREDVEND_STATE_FILE, 'utf8'))).toMatchObject({
      apiUrl,
      maxSessionSeconds: 43200,
    });

    signalGroup(child, 'SIGINT');
    expect(await child.exited).toBe(0);
  });

  it('names a busy port and the variable that moves it, and exits non-zero without a stack trace', async () => {
    const blocker: Server = createServer();
    const port = await listenOnLoopback(blocker, 0);
    try {
      const child = spawnScript('start', [], { ...ENV, CREDVEND_PORT: String(port) });

      expect(await child.exited).not.toBe(0);
      expect(child.stderr()).toContain(
        `credvend sandbox: port ${port} (API) is already in use: stop what holds it, or pick another port with ` +
          'CREDVEND_PORT=<port> npm start (or npm start -- --port <port>)',
      );
      expect(child.stderr()).not.toMatch(/^\s+at /m);
      expect(child.stdout()).not.toContain(BANNER_END);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
