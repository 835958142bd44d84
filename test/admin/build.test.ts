/** `npm run build:cli` also bundles credvend-admin: one file that runs on its own, without the IAM policy simulator. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildAdminCli } from '../../admin/build';

describe('the credvend-admin bundle', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'credvend-admin-build-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one executable file that runs outside the project', async () => {
    const outfile = await buildAdminCli(join(dir, 'credvend-admin.js'));

    const help = execFileSync(outfile, ['tenants', '--help'], { cwd: dir, encoding: 'utf8' });

    expect(help).toContain('Usage: credvend-admin tenants [options] [command]');
    expect(help).toContain('revoke [options] <id>');
  });

  it('leaves the IAM policy simulator (AGPL-3.0, a devDependency) out', async () => {
    const result = await build({
      entryPoints: [resolve(__dirname, '../../admin/cli.ts')],
      bundle: true,
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);

    expect(inputs).toContain('admin/cli.ts');
    expect(inputs.filter((input) => /node_modules\/@cloud-copilot\//.test(input))).toEqual([]);
  });
});
