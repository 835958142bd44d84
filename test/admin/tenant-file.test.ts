/** Tenant files: JSON or YAML, one record or a list; parse errors say where. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TenantFileError } from '../../admin/errors';
import { parseTenantFile, readTenantFile } from '../../admin/tenant-file';

function errorOf(run: () => unknown): TenantFileError {
  try {
    run();
  } catch (error) {
    if (error instanceof TenantFileError) return error;
    throw error;
  }
  throw new Error('expected a TenantFileError');
}

describe('parseTenantFile', () => {
  it('reads one JSON record or a list of them', () => {
    expect(parseTenantFile('{"tenantId": "acme"}', 'acme.json')).toEqual([{ tenantId: 'acme' }]);
    expect(parseTenantFile('[{"tenantId": "acme"}, {"tenantId": "globex"}]', 'all.json')).toEqual([
      { tenantId: 'acme' },
      { tenantId: 'globex' },
    ]);
  });

  it('reads YAML: one record, a list, or several documents', () => {
    const record =
      'tenantId: acme\nmaxDurationSeconds: 3600\ngrants:\n  - bucket: data\n    access: [read, list]\n';

    expect(parseTenantFile(record, 'acme.yaml')).toEqual([
      { tenantId: 'acme', maxDurationSeconds: 3600, grants: [{ bucket: 'data', access: ['read', 'list'] }] },
    ]);
    expect(parseTenantFile('- tenantId: acme\n- tenantId: globex\n', 'all.yml')).toEqual([
      { tenantId: 'acme' },
      { tenantId: 'globex' },
    ]);
    expect(parseTenantFile('tenantId: acme\n---\ntenantId: globex\n', 'all.yaml')).toHaveLength(2);
  });

  it('chooses by content when the name has no known extension', () => {
    expect(parseTenantFile('  {"tenantId": "acme"}', 'tenants')).toEqual([{ tenantId: 'acme' }]);
    expect(parseTenantFile('tenantId: acme', 'tenants')).toEqual([{ tenantId: 'acme' }]);
  });

  it('names the line and column of a JSON syntax error', () => {
    const error = errorOf(() => parseTenantFile('{\n  "tenantId": "acme",\n}\n', 'acme.json'));

    expect(error.position).toEqual({ line: 3, column: 1 });
    expect(error.message).toBe('acme.json:3:1: not valid JSON: Expected double-quoted property name');
    expect(error.exitCode).toBe(2);
  });

  it('names the end of a truncated JSON file', () => {
    const error = errorOf(() => parseTenantFile('{\n  "tenantId": "acme"', 'acme.json'));

    expect(error.message).toMatch(/^acme\.json:2:\d+: not valid JSON: /);
  });

  it('names the line and column of a YAML syntax error, and refuses duplicate keys', () => {
    const flow = errorOf(() =>
      parseTenantFile('tenantId: acme\nregions: [eu-west-1\nstatus: active\n', 'a.yaml'),
    );
    const duplicate = errorOf(() => parseTenantFile('tenantId: acme\ntenantId: globex\n', 'a.yaml'));

    expect(flow.message).toMatch(/^a\.yaml:3:1: not valid YAML: /);
    expect(duplicate.message).toBe('a.yaml:2:1: not valid YAML: Map keys must be unique');
  });

  it('refuses a file without records', () => {
    expect(errorOf(() => parseTenantFile('', 'empty.yaml')).message).toBe(
      'empty.yaml: holds no tenant record',
    );
    expect(errorOf(() => parseTenantFile('[]', 'empty.json')).message).toBe(
      'empty.json: holds no tenant record',
    );
  });
});

describe('readTenantFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credvend-tenant-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file', () => {
    const file = join(dir, 'acme.yaml');
    writeFileSync(file, 'tenantId: acme\n');

    expect(readTenantFile(file)).toEqual([{ tenantId: 'acme' }]);
  });

  it('says when the file does not exist', () => {
    const file = join(dir, 'nope.json');

    expect(errorOf(() => readTenantFile(file)).message).toBe(`${file}: no such file`);
  });
});
