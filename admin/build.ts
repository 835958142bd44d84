/** Bundles the `credvend-admin` CLI into one executable file (`npm run build:cli` → `dist/credvend-admin.js`). */
import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

/** Where `npm run build:cli` writes the admin CLI. */
export const DEFAULT_ADMIN_CLI_OUTFILE = resolve(__dirname, '../dist/credvend-admin.js');

/** Bundles and minifies the admin CLI for Node.js 20+, with a shebang, to `outfile`. */
export async function buildAdminCli(outfile = DEFAULT_ADMIN_CLI_OUTFILE): Promise<string> {
  await build({
    entryPoints: [resolve(__dirname, 'cli.ts')],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

if (require.main === module) {
  void buildAdminCli().then((outfile) => process.stdout.write(`built ${outfile}\n`));
}
