/** `fromCredvend` is usable from a browser bundle: it bundles for the browser platform with no Node.js built-in. */
import { resolve } from 'node:path';
import { build } from 'esbuild';

describe('the client for browsers', () => {
  it('bundles client/index.ts for the browser without any Node.js module', async () => {
    const result = await build({
      entryPoints: [resolve(__dirname, '../../client/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('node:') || input.includes('node_modules'))).toEqual([]);
    expect(result.outputFiles?.[0]?.text).toContain('fromCredvend');
  });
});
