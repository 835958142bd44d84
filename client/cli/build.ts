/** Bundles the `credvend` CLI into one executable file (`npm run build:cli` → `dist/credvend.js`). */
import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

/** Where `npm run build:cli` writes the CLI. */
export const DEFAULT_CLI_OUTFILE = resolve(__dirname, '../../dist/credvend.js');

/** Bundles and minifies the CLI for Node.js 20+, with a shebang, to `outfile`. */
export function buildCli(outfile = DEFAULT_CLI_OUTFILE): Promise<string> {
  return bundleExecutable(resolve(__dirname, 'credvend.ts'), outfile);
}

/** Bundles and minifies `entry` into one executable file for Node.js 20+ (a shebang, mode 0755) at `outfile`. */
export async function bundleExecutable(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
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
  void buildCli().then((outfile) => process.stdout.write(`built ${outfile}\n`));
}
