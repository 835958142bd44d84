/** Bundles the `credvend-admin` CLI into one executable file (`npm run build:cli` → `dist/credvend-admin.js`). */
import { resolve } from 'node:path';
import { bundleExecutable } from '../client/cli/build';

/** Where `npm run build:cli` writes the admin CLI. */
export const DEFAULT_ADMIN_CLI_OUTFILE = resolve(__dirname, '../dist/credvend-admin.js');

/** Bundles and minifies the admin CLI for Node.js 20+, with a shebang, to `outfile`. */
export function buildAdminCli(outfile = DEFAULT_ADMIN_CLI_OUTFILE): Promise<string> {
  return bundleExecutable(resolve(__dirname, 'cli.ts'), outfile);
}

if (require.main === module) {
  void buildAdminCli().then((outfile) => process.stdout.write(`built ${outfile}\n`));
}
