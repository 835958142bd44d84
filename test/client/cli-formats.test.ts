/** The CLI's pure parts: `--scope` parsing and the shell formats, the latter proven by real shells. */
import { execFileSync } from 'node:child_process';
import { parseScopeSpec } from '../../client/cli/scope-spec';
import { renderEnvironment } from '../../client/cli/shell-format';

describe('parseScopeSpec', () => {
  it.each([
    ['tenants/acme/', { prefix: 'tenants/acme/' }],
    ['tenants/acme/reports/:read,list', { prefix: 'tenants/acme/reports/', access: ['read', 'list'] }],
    ['s3://credvend-data/tenants/acme/', { bucket: 'credvend-data', prefix: 'tenants/acme/' }],
    [
      's3://credvend-data/tenants/acme/:write',
      { bucket: 'credvend-data', prefix: 'tenants/acme/', access: ['write'] },
    ],
    ['s3://credvend-data', { bucket: 'credvend-data' }],
    [':read', { access: ['read'] }],
  ])('reads %s', (spec, entry) => {
    expect(parseScopeSpec(spec)).toEqual(entry);
  });

  it('refuses an unknown access level with a message naming the valid ones', () => {
    expect(() => parseScopeSpec('tenants/acme/:admin')).toThrow(
      'unknown access level "admin" in --scope tenants/acme/:admin: use read, write, delete, list',
    );
  });
});

describe('renderEnvironment', () => {
  const nasty = `it's "quoted" $HOME \`id\` \\ back`;

  it('sh output, evaluated by sh, sets every value literally', () => {
    const script = renderEnvironment({ CREDVEND_A: nasty, CREDVEND_B: 'plain' }, 'sh');
    const out = execFileSync('sh', ['-c', `${script}printf '%s|%s' "$CREDVEND_A" "$CREDVEND_B"`], {
      encoding: 'utf8',
    });

    expect(out).toBe(`${nasty}|plain`);
  });

  it('renders fish, PowerShell and dotenv assignments', () => {
    expect(renderEnvironment({ A: "x'y" }, 'fish')).toBe("set -gx A 'x\\'y';\n");
    expect(renderEnvironment({ A: "x'y" }, 'powershell')).toBe("$Env:A = 'x''y'\n");
    expect(renderEnvironment({ A: 'x"$y' }, 'dotenv')).toBe('A="x\\"\\$y"\n');
  });
});
