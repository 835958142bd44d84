/**
 * What ships never holds the IAM policy simulator: `@cloud-copilot/iam-simulate` is AGPL-3.0 and a devDependency that
 * only the sandbox loads. The Lambda bundle (built with the deployed settings), the browser client and the CLIs are
 * bundled here and their inputs checked; the sandbox's account shows that the check sees the simulator when it is there.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { VEND_FUNCTION_BUNDLING } from '../../lib/constructs/vend-function';

const SIMULATOR = /node_modules\/@cloud-copilot\//;

/** The input files of a bundle of `entry`. */
async function bundleInputs(entry: string, platform: 'node' | 'browser'): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(__dirname, '../..', entry)],
    bundle: true,
    platform,
    format: platform === 'node' ? 'cjs' : 'esm',
    target: platform === 'node' ? VEND_FUNCTION_BUNDLING.target : 'es2022',
    mainFields: platform === 'node' ? [...VEND_FUNCTION_BUNDLING.mainFields] : ['browser', 'module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('the bundles credvend ships', () => {
  it.each([
    ['the vend function', 'lambda/handler.ts', 'node', 'lambda/handler.ts'],
    ['the browser client', 'client/index.ts', 'browser', 'client/provider.ts'],
    ['the credvend CLI', 'client/cli/credvend.ts', 'node', 'client/cli/credvend.ts'],
    ['the credvend-admin CLI', 'admin/cli.ts', 'node', 'admin/cli.ts'],
  ] as const)('leave the IAM policy simulator out of %s', async (_, entry, platform, ownFile) => {
    const inputs = await bundleInputs(entry, platform);

    expect(inputs).toContain(ownFile);
    expect(inputs.filter((input) => SIMULATOR.test(input))).toEqual([]);
  });

  it("see the simulator in the sandbox's emulated account, which loads it", async () => {
    const inputs = await bundleInputs('sandbox/account/account.ts', 'node');

    expect(inputs.some((input) => SIMULATOR.test(input))).toBe(true);
  });
});
