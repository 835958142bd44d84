/**
 * The CLI in-process over dynalite (a state file pointing `--local` at it): confirmations, exit codes, usage errors
 * and output formats. The end-to-end run against the sandbox, in a child process, is cli-e2e.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, main } from '../../admin/cli';
import { tenantRoleTrustPolicy } from '../../lib/policies/trust-policies';
import { STATE_FILE_ENV, writeSandboxState } from '../../sandbox/state-file';
import { DYNALITE_CREDENTIALS, type LocalDynamoDb, startDynalite } from '../support/dynalite';
import { sampleSandboxState } from '../support/sandbox-state';
import { tenantRecord } from './admin-fixtures';

let dynalite: LocalDynamoDb;
let dir: string;
const previousStateFile = process.env[STATE_FILE_ENV];

beforeAll(async () => {
  dynalite = await startDynalite();
  dir = mkdtempSync(join(tmpdir(), 'credvend-admin-cli-'));
  const stateFile = join(dir, 'sandbox.json');
  writeSandboxState(
    stateFile,
    sampleSandboxState({
      apiUrl: 'http://127.0.0.1:9',
      // Nothing listens there: the actor falls back to the OS user name at once.
      stsUrl: 'http://127.0.0.1:9',
      s3Url: 'http://127.0.0.1:9',
      dynamoDbUrl: dynalite.endpoint,
      tableName: dynalite.tableName,
      dataBuckets: ['credvend-data'],
      regions: ['eu-west-1'],
    }),
  );
  process.env[STATE_FILE_ENV] = stateFile;
});
afterAll(async () => {
  if (previousStateFile === undefined) delete process.env[STATE_FILE_ENV];
  else process.env[STATE_FILE_ENV] = previousStateFile;
  rmSync(dir, { recursive: true, force: true });
  await dynalite.close();
});

/** Runs the CLI with `args`; `answer` is what a person at a terminal says (no terminal when absent). */
async function run(args: string[], answer?: boolean) {
  let stdout = '';
  let stderr = '';
  const questions: string[] = [];
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    interactive: answer !== undefined,
    confirm: async (question) => {
      questions.push(question);
      return answer ?? false;
    },
  };
  const code = await main(['node', 'credvend-admin', ...args], io);
  return { code, stdout, stderr, questions };
}

function file(name: string, records: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(records));
  return path;
}

describe('credvend-admin', () => {
  it('validates a file offline and names its records', async () => {
    const valid = await run([
      '--local',
      'tenants',
      'validate',
      '--file',
      file('ok.json', [tenantRecord('v-a'), tenantRecord('v-b')]),
    ]);
    const invalid = await run([
      '--local',
      'tenants',
      'validate',
      '--file',
      file('bad.json', tenantRecord('v-c', { region: 'mars', updatedAt: 'x' })),
    ]);

    expect(valid).toMatchObject({ code: 0, stderr: '' });
    expect(valid.stdout).toBe(`${join(dir, 'ok.json')}: 2 valid records (v-a, v-b)\n`);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('credvend-admin: INVALID_RECORD: 2 problems found');
    expect(invalid.stderr).toContain('  v-c: updatedAt: written by credvend-admin itself');
    expect(invalid.stderr).toContain('  v-c: region: ');
  });

  it('refuses to put without a terminal and without --yes (exit 2), and writes nothing', async () => {
    const result = await run(['--local', 'tenants', 'put', '--file', file('p1.json', tenantRecord('p-one'))]);
    const lookup = await run(['--local', 'tenants', 'get', 'p-one']);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain('p-one: new tenant');
    expect(result.stderr).toBe(
      `credvend-admin: CONFIRMATION_REQUIRED: Write 1 tenant record(s) to the sandbox (${process.env[STATE_FILE_ENV]}): needs a confirmation; run it in a terminal, or pass --yes\n`,
    );
    expect(lookup.code).toBe(4);
  });

  it('asks at a terminal, writes on yes and cancels on no', async () => {
    const declined = await run(
      ['--local', 'tenants', 'put', '--file', file('p2.json', tenantRecord('p-two'))],
      false,
    );
    const accepted = await run(
      ['--local', 'tenants', 'put', '--file', file('p2.json', tenantRecord('p-two'))],
      true,
    );
    const again = await run(
      ['--local', 'tenants', 'put', '--file', file('p2.json', tenantRecord('p-two'))],
      true,
    );

    expect(declined).toMatchObject({
      code: 1,
      stderr: 'credvend-admin: CANCELLED: cancelled; nothing was written\n',
    });
    expect(accepted.code).toBe(0);
    expect(accepted.questions).toEqual([expect.stringMatching(/^Write 1 tenant record\(s\) to the sandbox/)]);
    expect(accepted.stdout).toContain('p-two: created (version 1)');
    expect(JSON.parse(accepted.stderr.trim())).toMatchObject({
      action: 'create',
      actor: expect.stringMatching(/^user:/),
    });
    expect(again).toMatchObject({ code: 0, questions: [] });
    expect(again.stdout).toBe('p-two: no changes (version 1)\nnothing to change\n');
  });

  it('shows the diff of a change before asking', async () => {
    await run(['--local', 'tenants', 'put', '--yes', '--file', file('d.json', tenantRecord('diffed'))]);

    const result = await run(
      [
        '--local',
        'tenants',
        'put',
        '--file',
        file('d.json', tenantRecord('diffed', { maxDurationSeconds: 1800, regions: ['eu-west-1'] })),
      ],
      true,
    );

    expect(result.stdout).toBe(
      [
        'diffed: 2 changes to version 1',
        '  ~ maxDurationSeconds: 3600 → 1800',
        '  + regions: ["eu-west-1"]',
        'diffed: updated (version 2)',
        '',
      ].join('\n'),
    );
  });

  it('prints a record as YAML for people and as JSON for scripts, and answers 4 for an unknown tenant', async () => {
    await run(['--local', 'tenants', 'put', '--yes', '--file', file('g.json', tenantRecord('shown'))]);

    const yaml = await run(['--local', 'tenants', 'get', 'shown']);
    const json = await run(['--local', 'tenants', 'get', 'shown', '--json']);
    const missing = await run(['--local', 'tenants', 'get', 'nobody']);

    expect(yaml.stdout).toMatch(/^tenantId: shown\nstatus: active\n/);
    expect(JSON.parse(json.stdout)).toMatchObject({ tenantId: 'shown', version: 1 });
    expect(missing).toMatchObject({
      code: 4,
      stderr: "credvend-admin: TENANT_NOT_FOUND: there is no tenant nobody in this deployment's table\n",
    });
  });

  it('lists as JSON with a cursor for the next page', async () => {
    const first = await run(['--local', 'tenants', 'list', '--json', '--limit', '1']);
    const page = JSON.parse(first.stdout) as { tenants: unknown[]; cursor: string | null };
    const second = await run([
      '--local',
      'tenants',
      'list',
      '--json',
      '--limit',
      '1',
      '--cursor',
      page.cursor ?? '',
    ]);

    expect(page.tenants).toHaveLength(1);
    expect(typeof page.cursor).toBe('string');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).tenants).not.toEqual(page.tenants);
  });

  it('asks before offboarding, and refuses without a terminal', async () => {
    await run(['--local', 'tenants', 'put', '--yes', '--file', file('o.json', tenantRecord('leaving'))]);

    const result = await run(['--local', 'tenants', 'delete', 'leaving']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CONFIRMATION_REQUIRED: Offboard tenant leaving');
    expect((await run(['--local', 'tenants', 'get', 'leaving'])).code).toBe(0);
  });

  it("prints the trust policy of a tenant's own role, and refuses one on the shared role (exit 2)", async () => {
    const vendRole = 'arn:aws:iam::123456789012:role/credvend-prod-VendFunctionRole-7G8H9I';
    const ownRole = 'arn:aws:iam::210987654321:role/owned-data';
    // The deployment by flags, its table reached the way the SDK lets any endpoint be set: by environment.
    const flags = [
      ...[
        '--table',
        dynalite.tableName,
        '--role-arn',
        'arn:aws:iam::000000000000:role/credvend-tenant-access',
      ],
      ...['--data-buckets', 'credvend-data', '--region', 'eu-west-1'],
      ...['--tenant-roles', JSON.stringify({ owned: ownRole }), '--vend-role-arn', vendRole],
    ];
    const environment = {
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      // Nothing listens there: the actor is the OS user, and no test reaches AWS.
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
    };
    const saved = Object.fromEntries(Object.keys(environment).map((key) => [key, process.env[key]]));
    Object.assign(process.env, environment);
    try {
      await run([
        ...flags,
        'tenants',
        'put',
        '--yes',
        '--file',
        file('t.json', tenantRecord('owned', { roleArn: ownRole })),
      ]);
      const externalId = JSON.parse(
        (await run([...flags, 'tenants', 'get', 'owned', '--json'])).stdout,
      ).externalId;

      const printed = await run([...flags, 'tenants', 'trust-policy', 'owned']);
      const shared = await run(['--local', 'tenants', 'trust-policy', 'shown']);

      expect(printed.code).toBe(0);
      expect(JSON.parse(printed.stdout)).toEqual(
        tenantRoleTrustPolicy({ vendRoleArn: vendRole, tenantId: 'owned', externalId }),
      );
      expect(shared.code).toBe(2);
      expect(shared.stderr).toContain('INVALID_INPUT: shown uses the shared tenant access role');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it.each([
    [['--local', 'tenants', 'frobnicate']],
    [['--local', 'tenants', 'put']],
    [['--local', 'tenants', 'list', '--limit', 'many']],
    [['--stack', 'credvend-prod', '--local', 'tenants', 'list']],
    [['tenants', 'list']],
  ])('exits 2 for the usage error %j', async (args) => {
    const result = await run(args);

    expect(result.code).toBe(2);
    expect(result.stderr).not.toBe('');
  });

  it('exits 0 for --help', async () => {
    const result = await run(['tenants', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('validate [options]');
  });
});
