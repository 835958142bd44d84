/**
 * The `credvend` CLI refusing what it cannot use, in-process against the sandbox: usage errors exit 2 (commander's
 * own included), an unusable URL is invalid rather than unreachable, `container-env` takes one scope and checks the
 * token with a dry run before printing anything, and an expired token exits 3 saying so. Nothing reaches stdout when
 * a command fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_TOKEN_EXPIRED, EXIT_USAGE, main } from '../../client/cli/credvend';
import { devToken, useSandbox } from '../sandbox/sandbox-harness';

// The API's audit log would join the CLI's captured output in this one process: it is kept apart.
const auditEvents: Record<string, unknown>[] = [];
const keep = (_message: string, attributes: Record<string, unknown>) => void auditEvents.push(attributes);
const sandbox = useSandbox({ audit: { info: keep, warn: keep, error: keep } });
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credvend-cli-errors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process; its stdout and stderr are captured, not printed. */
async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'credvend', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function tokenFile(name: string, token: string): string {
  const file = join(dir, name);
  writeFileSync(file, token);
  return file;
}

describe('credvend usage errors', () => {
  it.each([
    [
      'no host',
      '127.0.0.1:3000',
      "error: option '--url <url>' argument '127.0.0.1:3000' is invalid. must be an http(s) URL",
    ],
    [
      'another scheme',
      'ftp://example.com',
      "argument 'ftp://example.com' is invalid. must be an http(s) URL, not ftp",
    ],
    ['a query', 'https://api.example.com/prod?x=1', 'must be the base URL alone'],
  ])('refuses a URL with %s as invalid, exit 2', async (_case, url, message) => {
    const result = await cli('whoami', '--url', url, '--token-env', 'NONE');

    expect(result).toMatchObject({ code: EXIT_USAGE, stdout: expect.not.stringContaining('http') });
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('could not be reached');
  });

  it("exits 2 for commander's own usage errors, and 0 for --help", async () => {
    const unknownOption = await cli('whoami', '--url', 'http://127.0.0.1:9', '--frobnicate');
    const unknownCommand = await cli('frobnicate');
    const help = await cli('--help');

    expect([unknownOption.code, unknownCommand.code]).toEqual([EXIT_USAGE, EXIT_USAGE]);
    expect(unknownOption.stderr).toContain("error: unknown option '--frobnicate'");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('container-env');
  });

  it('refuses two scopes for container-env in words, not with a RangeError', async () => {
    const result = await cli(
      'container-env',
      ...['--url', sandbox().apiUrl, '--token-file', tokenFile('ok', devToken(sandbox(), 'acme', 'alice'))],
      ...['--scope', 'tenants/acme/', '--scope', 'tenants/acme/uploads/'],
    );

    expect(result).toEqual({
      code: EXIT_USAGE,
      stdout: '',
      stderr:
        'credvend: container-env takes one --scope (the container-credentials URL carries one entry); use credential-process or env for more\n',
    });
  });
});

describe('credvend container-env checks before it prints', () => {
  it('prints the two variables for a good token', async () => {
    const result = await cli(
      'container-env',
      ...['--url', sandbox().apiUrl, '--token-file', tokenFile('good', devToken(sandbox(), 'acme', 'alice'))],
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `export AWS_CONTAINER_CREDENTIALS_FULL_URI='${sandbox().apiUrl}/v1/credentials/container'\n`,
    );
  });

  it.each([
    ['a garbage token', () => 'not-a-jwt', 1, /^credvend: UNAUTHENTICATED: /],
    [
      'an expired token, with exit 3 and what to do',
      () => devToken(sandbox(), 'acme', 'alice', { exp: 1_700_000_000 }),
      EXIT_TOKEN_EXPIRED,
      /^credvend: TOKEN_EXPIRED: The bearer token expired at 2023-11-14T22:13:20Z; get a new token from your identity provider\. \(request [\w-]+\)\n$/,
    ],
    ['a suspended tenant', () => devToken(sandbox(), 'initech', 'peter'), 1, /^credvend: TENANT_SUSPENDED: /],
  ])('refuses %s and prints nothing to stdout', async (_case, token, code, message) => {
    const result = await cli(
      'container-env',
      ...['--url', sandbox().apiUrl, '--token-file', tokenFile('bad', token())],
    );

    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    // Checked with a dry run: the API was asked, and vended nothing.
    expect(auditEvents.at(-1)).toMatchObject({ route: 'POST /v1/credentials/dry-run' });
  });

  it('refuses an API it cannot reach, as unreachable (exit 1), printing nothing to stdout', async () => {
    const result = await cli(
      'container-env',
      ...[
        '--url',
        'http://127.0.0.1:9',
        '--token-file',
        tokenFile('any', devToken(sandbox(), 'acme', 'alice')),
      ],
    );

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'credvend: CLIENT_ERROR: The credvend API at http://127.0.0.1:9 could not be reached.\n',
    });
  });
});
