/** `npm run token` in its own process, signing with the key file that a running sandbox publishes. */
import { rmSync } from 'node:fs';
import { type LocalSandbox, startSandbox } from '../../sandbox/sandbox';
import { registerSecret } from '../support/leak-scan';
import { killAll, spawnNpm } from './child-process';
import { callApi, FREE_PORTS, temporaryKeyFile } from './sandbox-harness';

const key = temporaryKeyFile();
let sandbox: LocalSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ ports: FREE_PORTS, devKeyFile: key.file });
});
afterAll(async () => {
  await killAll();
  await sandbox.close();
  rmSync(key.dir, { recursive: true, force: true });
});

/** `npm run --silent token -- <args>` against the sandbox's key file and issuer port. */
async function runToken(args: readonly string[]) {
  const child = spawnNpm(['run', '--silent', 'token', '--', ...args], {
    CREDVEND_DEV_KEY_FILE: key.file,
    CREDVEND_ISSUER_PORT: new URL(sandbox.issuerUrl).port,
  });
  const code = await child.exited;
  const stdout = child.stdout();
  registerSecret(stdout.trim());
  return { code, stdout, stderr: child.stderr() };
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('npm run token', () => {
  it('prints the token alone, newline-terminated, and the running sandbox accepts it', async () => {
    const { code, stdout, stderr } = await runToken(['--tenant', 'acme', '--user', 'alice']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = stdout.trim();
    expect(stderr).not.toContain(token);
    const tenant = await callApi(sandbox, 'GET', '/v1/tenant', { token });
    expect([tenant.status, tenant.body.tenantId]).toEqual([200, 'acme']);
  });

  it('sets the lifetime, audience, MFA and extra claims it is asked for', async () => {
    const { code, stdout } = await runToken([
      '--tenant',
      'globex',
      '--user',
      'bob',
      '--ttl',
      '120',
      '--audience',
      'another-api',
      '--mfa',
      '--claim',
      'plan=gold',
      '--claim',
      'seats=3',
    ]);

    expect(code).toBe(0);
    const claims = claimsOf(stdout.trim());
    expect(claims).toMatchObject({
      iss: sandbox.issuerUrl,
      aud: 'another-api',
      sub: 'bob',
      'custom:tenant_id': 'globex',
      amr: ['pwd', 'mfa'],
      plan: 'gold',
      seats: 3,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    // The sandbox expects its own audience.
    const refused = await callApi(sandbox, 'GET', '/v1/tenant', { token: stdout.trim() });
    expect(refused.status).toBe(401);
  });

  it('fails with a usage message on stderr and nothing on stdout when an option is missing', async () => {
    const { code, stdout, stderr } = await runToken(['--tenant', 'acme']);

    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain("required option '--user <id>' not specified");
  });
});
