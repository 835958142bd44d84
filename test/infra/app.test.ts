/**
 * The CDK app as `npm run synth` runs it: bin/credvend.ts in its own process, offline, env-agnostic, with cdk-nag
 * registered. This is the one test that really bundles the function (local esbuild).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const { context: cdkJsonContext } = require('../../cdk.json') as { context: Record<string, unknown> };

/** Runs bin/credvend.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, output to CDK_OUTDIR. */
function runApp(context: Record<string, unknown>, outdir: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
  };
  for (const key of ['CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION', 'NODE_ENV', 'JEST_WORKER_ID'])
    delete env[key];
  return spawnSync(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'bin', 'credvend.ts')], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** A JSON file the app wrote to `outdir`. */
function readOutput<T>(outdir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')) as T;
}

/** The validation plugins (cdk-nag) whose report in `outdir` is not a success. */
function failedValidations(outdir: string): { pluginName: string; conclusion: string }[] {
  const report = readOutput<{ pluginReports: { pluginName: string; conclusion: string }[] }>(
    outdir,
    'validation-report.json',
  );
  return report.pluginReports.filter((r) => r.conclusion !== 'success');
}

describe('bin/credvend.ts', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'credvend-synth-'));
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('synthesizes offline with cdk-nag clean and a minified esbuild bundle of lambda/handler.ts', () => {
    const result = runApp({ ...cdkJsonContext, stage: 'ci' }, outdir);
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 0,
      stderr: expect.any(String),
    });

    const template = readOutput<{ Resources: Record<string, { Type: string }> }>(
      outdir,
      'credvend-ci.template.json',
    );
    expect(template.Resources.TenantTable?.Type).toBe('AWS::DynamoDB::Table');

    const assets = readOutput<{ files: Record<string, { source: { path: string; packaging?: string } }> }>(
      outdir,
      'credvend-ci.assets.json',
    );
    const zipped = Object.values(assets.files).filter((f) => f.source.packaging === 'zip');
    expect(zipped).toHaveLength(1);
    const assetDir = path.join(outdir, zipped[0]?.source.path ?? 'missing');
    const bundle = fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    // The real code, the SDK bundled in, minified (a handful of very long lines), with its source map.
    expect(bundle.length).toBeGreaterThan(200_000);
    expect(bundle).toContain('credvend');
    expect(bundle).toMatch(/handler:\(\)=>/);
    expect(bundle).toContain('AssumeRoleCommand');
    expect(bundle.split('\n').length).toBeLessThan(200);
    expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);

    // cdk-nag ran as a validation plugin: a finding would be a failed report here (and a non-zero exit above).
    expect(failedValidations(outdir)).toEqual([]);
  });

  it('synthesizes web-identity mode from context, cdk-nag clean', () => {
    const result = runApp(
      {
        ...cdkJsonContext,
        stage: 'ci',
        sessionMode: 'web-identity',
        maxSessionDuration: '28800',
        'aws:cdk:bundling-stacks': [],
      },
      outdir,
    );
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 0,
      stderr: expect.any(String),
    });

    const template = readOutput<{
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Outputs: Record<string, { Value: unknown }>;
    }>(outdir, 'credvend-ci.template.json');
    const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);
    expect(ofType('AWS::IAM::OIDCProvider')).toHaveLength(1);
    expect(ofType('AWS::KMS::Key')).toHaveLength(1);
    expect(ofType('AWS::IAM::Role').map((r) => r.Properties.MaxSessionDuration)).toContain(28_800);
    expect(template.Outputs.SessionMode?.Value).toBe('web-identity');
    expect(template.Outputs.MaxSessionSeconds?.Value).toBe('28800');
    expect(failedValidations(outdir)).toEqual([]);
  });

  it('refuses tenant-owned roles in web-identity mode, saying why', () => {
    const result = runApp(
      {
        ...cdkJsonContext,
        sessionMode: 'web-identity',
        tenantRoles: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
      },
      outdir,
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'tenantRoles: tenant-owned roles are not supported yet with sessionMode web-identity',
    );
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it('stops with every context problem named, before building anything', () => {
    const result = runApp({ ...cdkJsonContext, allowedOrigins: '*', throttleRateLimit: 'fast' }, outdir);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('InvalidContextError: credvend context is invalid:');
    expect(result.stderr).toContain('allowedOrigins: "*" is not an origin');
    expect(result.stderr).toContain('throttleRateLimit: "fast" is not a number');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});
