/** `TenantAdmin` against dynalite (the real DynamoDB protocol), with a fake clock and a recording revoker. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { deploymentRules } from '../../admin/deployment';
import {
  AwsCallError,
  ConflictError,
  InvalidInputError,
  InvalidRecordError,
  NotFoundError,
  RevocationRefusedError,
} from '../../admin/errors';
import { TenantTable } from '../../admin/tenant-table';
import { DynamoDbTenantStore } from '../../lambda/adapters/dynamodb-tenant-store';
import { stsSafeName } from '../../lambda/core/session-plan';
import { RevocationPolicyError } from '../../lib/policies/revocation-policy';
import { failureOf } from '../support/async';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite';
import {
  type AdminRig,
  adminRig,
  DATA_BUCKET,
  OPERATOR,
  T0,
  tenantRecord,
  testDeployment,
} from './admin-fixtures';

let dynalite: LocalDynamoDb;
let rig: AdminRig;
let serial = 0;
/** A tenant id no other test uses (the table is shared by the file). */
const newId = (label: string) => `${label}-${++serial}`;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite.close();
});
beforeEach(() => {
  rig = adminRig(dynalite);
});
afterEach(() => rig.close());

async function stored(tenantId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await rig.documents.send(
    new GetCommand({ TableName: dynalite.tableName, Key: { tenantId }, ConsistentRead: true }),
  );
  return Item;
}

function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got success');
}

/** The function's own view of the record. */
function functionStore(): DynamoDbTenantStore {
  return new DynamoDbTenantStore({
    client: rig.documents,
    tableName: dynalite.tableName,
    rules: deploymentRules(rig.deployment),
  });
}

describe('TenantAdmin', () => {
  describe('validate', () => {
    it('lists every problem of every record at once, by the function rules and the tool rules, and writes nothing', async () => {
      const records = [
        tenantRecord('bad-one', {
          maxDurationSeconds: 7200,
          grants: [
            { bucket: 'someone-elses-bucket', prefix: 'tenants/bad-one/', access: ['read'] },
            { bucket: DATA_BUCKET, prefix: 'tenants/other/', access: ['read'] },
          ],
        }),
        tenantRecord('bad-two', {
          version: 3,
          updatedAt: '2026-01-01T00:00:00Z',
          revocations: [],
          extrnalId: 'x',
        }),
        'not a record',
        tenantRecord('good'),
      ];

      const results = rig.admin.validate(records);

      expect(results.map((r) => [r.label, r.problems])).toEqual([
        [
          'bad-one',
          [
            "maxDurationSeconds 7200 exceeds the issuer's cap of 3600 s (STS role chaining)",
            'grants.0.bucket: grant bucket someone-elses-bucket is not a data bucket of this deployment',
            'grants.1.prefix: grant prefix tenants/other/ is outside the tenant root tenants/bad-one/',
          ],
        ],
        [
          'bad-two',
          [
            'version: written by credvend-admin itself, never by a file; remove it',
            'updatedAt: written by credvend-admin itself, never by a file; remove it',
            'revocations: written by credvend-admin itself, never by a file; remove it (tenants revoke writes them)',
            expect.stringMatching(
              /^extrnalId: not a tenant record attribute \(known: tenantId, status, grants/,
            ),
          ],
        ],
        ['record 3', ['a tenant record must be an object']],
        ['good', []],
      ]);
      expect(await stored('bad-one')).toBeUndefined();
      expect(await stored('good')).toBeUndefined();
    });

    it('refuses a file that names one tenant twice', () => {
      const results = rig.admin.validate([tenantRecord('twice'), tenantRecord('twice')]);

      expect(results[1]?.problems).toEqual(['tenantId: twice is also record 1 of the file']);
    });

    it('throws InvalidRecordError with every problem from assertValid', () => {
      const error = thrownBy(() => rig.admin.assertValid([tenantRecord('x', { region: 'mars' })]));

      expect(error).toBeInstanceOf(InvalidRecordError);
      expect((error as InvalidRecordError).message).toMatch(
        /^1 problem found, nothing was written:\n {2}x: region: /,
      );
      expect((error as InvalidRecordError).exitCode).toBe(2);
    });
  });

  describe('put', () => {
    it('creates a new tenant at version 1 that the function reads as active at once', async () => {
      const id = newId('create');

      const plan = await rig.admin.plan(tenantRecord(id));
      const result = await rig.admin.put(tenantRecord(id), { expectedVersion: plan.expectedVersion });

      expect(plan).toMatchObject({ before: undefined, expectedVersion: null });
      expect(plan.diff.map((d) => `${d.kind} ${d.path}`)).toEqual([
        'added defaultDurationSeconds',
        'added grants',
        'added maxDurationSeconds',
        'added region',
        'added status',
        'added tenantId',
      ]);
      expect(result.changed).toBe(true);
      expect(await stored(id)).toEqual({
        ...tenantRecord(id),
        version: 1,
        updatedAt: new Date(T0).toISOString(),
        updatedBy: OPERATOR,
      });
      expect(await functionStore().getTenant(id)).toMatchObject({ tenantId: id, status: 'active' });
      expect(rig.audit.events).toEqual([
        {
          event: 'credvend.admin',
          action: 'create',
          tenantId: id,
          actor: OPERATOR,
          before: null,
          after: await stored(id),
          at: new Date(T0).toISOString(),
        },
      ]);
    });

    it('updates an existing tenant, showing what changes, and bumps its version', async () => {
      const id = newId('update');
      await rig.admin.put(tenantRecord(id));
      const changed = tenantRecord(id, { maxDurationSeconds: 1800, regions: ['eu-west-1', 'us-east-1'] });

      const plan = await rig.admin.plan(changed);
      await rig.admin.put(changed, { expectedVersion: plan.expectedVersion });

      expect(plan.expectedVersion).toBe(1);
      expect(plan.diff).toEqual([
        { path: 'maxDurationSeconds', kind: 'changed', before: 3600, after: 1800 },
        { path: 'regions', kind: 'added', after: ['eu-west-1', 'us-east-1'] },
      ]);
      expect(await stored(id)).toMatchObject({ maxDurationSeconds: 1800, version: 2 });
      expect(rig.audit.events.map((e) => e.action)).toEqual(['create', 'update']);
      expect(rig.audit.events[1]?.before).toMatchObject({ maxDurationSeconds: 3600, version: 1 });
    });

    it('writes nothing and emits no event when the record is unchanged', async () => {
      const id = newId('same');
      await rig.admin.put(tenantRecord(id));

      const result = await rig.admin.put(tenantRecord(id));

      expect(result.changed).toBe(false);
      expect(await stored(id)).toMatchObject({ version: 1 });
      expect(rig.audit.events).toHaveLength(1);
    });

    it('refuses with ConflictError when the tenant changed since it was read, and keeps the other change', async () => {
      const id = newId('race');
      await rig.admin.put(tenantRecord(id));
      const mine = await rig.admin.plan(tenantRecord(id, { maxDurationSeconds: 900 }));
      await rig.admin.put(tenantRecord(id, { maxDurationSeconds: 1800 }));

      const error = await failureOf(
        rig.admin.put(tenantRecord(id, { maxDurationSeconds: 900 }), {
          expectedVersion: mine.expectedVersion,
        }),
      );

      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).message).toBe(
        `tenant ${id} changed since you read it (version 1 → 2); run the command again`,
      );
      expect((error as ConflictError).exitCode).toBe(3);
      expect(await stored(id)).toMatchObject({ maxDurationSeconds: 1800, version: 2 });
    });

    it('has DynamoDB refuse a write whose version was overtaken between read and write', async () => {
      const id = newId('condition');
      await rig.admin.put(tenantRecord(id));
      await rig.admin.put(tenantRecord(id, { maxDurationSeconds: 1800 }));
      const table = new TenantTable(rig.documents, dynalite.tableName, 'eu-west-1');

      const stale = await failureOf(table.put({ ...tenantRecord(id), tenantId: id, version: 2 }, 1));
      const created = await failureOf(table.put({ ...tenantRecord(id), tenantId: id, version: 1 }, null));

      expect((stale as Error).message).toBe(
        `tenant ${id} changed since you read it (version 1 → 2); run the command again`,
      );
      expect((created as Error).message).toBe(
        `tenant ${id} was created by someone else since you read it (now version 2); run the command again`,
      );
      expect(await stored(id)).toMatchObject({ maxDurationSeconds: 1800, version: 2 });
    });

    it('takes over a record written without the tool (no version) at version 1', async () => {
      const id = newId('handmade');
      await dynalite.putItem(tenantRecord(id));

      const plan = await rig.admin.plan(tenantRecord(id, { defaultDurationSeconds: 1200 }));
      await rig.admin.put(tenantRecord(id, { defaultDurationSeconds: 1200 }), {
        expectedVersion: plan.expectedVersion,
      });

      expect(plan.expectedVersion).toBe(0);
      expect(await stored(id)).toMatchObject({ defaultDurationSeconds: 1200, version: 1 });
    });

    it("keeps the tenant's revocations and suspension reason", async () => {
      const id = newId('keep');
      await rig.admin.put(tenantRecord(id));
      await rig.admin.suspend(id, 'unpaid invoice');

      await rig.admin.put(tenantRecord(id, { status: 'suspended', maxDurationSeconds: 1800 }));

      expect(await stored(id)).toMatchObject({
        status: 'suspended',
        suspendedReason: 'unpaid invoice',
        revocations: [{ before: '2026-12-01T12:00:01Z' }],
        maxDurationSeconds: 1800,
        version: 3,
      });
    });

    it('never changes the status of an existing tenant: suspend and resume do', async () => {
      const id = newId('status');
      await rig.admin.put(tenantRecord(id));
      await rig.admin.suspend(id, 'abuse');

      const error = await failureOf(rig.admin.put(tenantRecord(id)));

      expect(error).toBeInstanceOf(InvalidRecordError);
      expect((error as Error).message).toContain(
        `status: tenant ${id} is suspended and the file says active: resume it with "tenants resume ${id}"`,
      );
      expect(await stored(id)).toMatchObject({ status: 'suspended', version: 2 });
    });

    it('refuses an invalid record before reading or writing anything', async () => {
      const id = newId('invalid');

      const error = await failureOf(
        rig.admin.put(tenantRecord(id, { maxDurationSeconds: 7200, revocations: [] })),
      );

      expect(error).toBeInstanceOf(InvalidRecordError);
      expect((error as InvalidRecordError).records).toEqual([
        {
          index: 0,
          tenantId: id,
          label: id,
          problems: [
            'revocations: written by credvend-admin itself, never by a file; remove it (tenants revoke writes them)',
            "maxDurationSeconds 7200 exceeds the issuer's cap of 3600 s (STS role chaining)",
          ],
        },
      ]);
      expect(await stored(id)).toBeUndefined();
      expect(rig.audit.events).toEqual([]);
    });
  });

  describe('tenant-owned roles and their external ids', () => {
    const roleOf = (id: string) => `arn:aws:iam::210987654321:role/${id}-data`;
    const OWNERS = ['own-new', 'own-keep', 'own-drop', 'own-legacy', 'own-get'];
    let owned: AdminRig;
    beforeEach(() => {
      owned = adminRig(dynalite, {
        ...testDeployment(dynalite),
        tenantRoles: new Map(OWNERS.map((id) => [id, roleOf(id)])),
      });
    });
    afterEach(() => owned.close());

    it('generates an external id when a put first sets roleArn, and the function reads both', async () => {
      const record = tenantRecord('own-new', { roleArn: roleOf('own-new') });

      const plan = await owned.admin.plan(record);
      await owned.admin.put(record, { expectedVersion: plan.expectedVersion });

      expect(plan.externalId).toBe('generate');
      const item = await stored('own-new');
      expect(item?.externalId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // A deployment that maps the role to no tenant (the shared rig's) refuses the same record.
      await expect(functionStore().getTenant('own-new')).rejects.toMatchObject({
        code: 'TENANT_MISCONFIGURED',
      });
      const store = new DynamoDbTenantStore({
        client: owned.documents,
        tableName: dynalite.tableName,
        rules: deploymentRules(owned.deployment),
      });
      expect(await store.getTenant('own-new')).toMatchObject({
        roleArn: roleOf('own-new'),
        externalId: item?.externalId,
      });
    });

    it('keeps the external id on later puts, and removes it with roleArn', async () => {
      const record = tenantRecord('own-keep', { roleArn: roleOf('own-keep') });
      await owned.admin.put(record);
      const first = (await stored('own-keep'))?.externalId;

      await owned.admin.put({ ...record, maxDurationSeconds: 1800 });
      const unchanged = await owned.admin.put({ ...record, maxDurationSeconds: 1800 });
      const kept = (await stored('own-keep'))?.externalId;
      const dropPlan = await owned.admin.plan(tenantRecord('own-keep', { maxDurationSeconds: 1800 }));
      await owned.admin.put(tenantRecord('own-keep', { maxDurationSeconds: 1800 }));

      expect(kept).toBe(first);
      expect(unchanged.changed).toBe(false);
      expect(dropPlan.externalId).toBe('remove');
      const after = await stored('own-keep');
      expect(after).not.toHaveProperty('externalId');
      expect(after).not.toHaveProperty('roleArn');
      expect(after).toMatchObject({ version: 3 });
    });

    it('gives a record written with roleArn but no external id one on the next put', async () => {
      await dynalite.putItem(tenantRecord('own-legacy', { roleArn: roleOf('own-legacy') }));
      expect((await owned.admin.get('own-legacy')).problems).toEqual([
        'externalId: required with roleArn (credvend-admin generates it when it sets roleArn)',
      ]);

      const result = await owned.admin.put(tenantRecord('own-legacy', { roleArn: roleOf('own-legacy') }));

      expect(result.changed).toBe(true);
      expect((await stored('own-legacy'))?.externalId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect((await owned.admin.get('own-legacy')).problems).toEqual([]);
    });

    it('shows the external id with tenants get, for the tenant to put in its trust policy', async () => {
      await owned.admin.put(tenantRecord('own-get', { roleArn: roleOf('own-get') }));

      const entry = await owned.admin.get('own-get');

      expect(entry.record.externalId).toBe((await stored('own-get'))?.externalId);
      expect(entry.problems).toEqual([]);
    });

    it("refuses a file that chooses an external id or names another tenant's role, before any write", () => {
      const [chosen, stolen, unmapped] = owned.admin.validate([
        tenantRecord('own-new', { roleArn: roleOf('own-new'), externalId: 'my-own-choice' }),
        tenantRecord('own-drop', { roleArn: roleOf('own-new') }),
        tenantRecord('initech', { roleArn: roleOf('own-new') }),
      ]);

      expect(chosen?.problems).toEqual([
        'externalId: written by credvend-admin itself, never by a file; remove it (credvend-admin generates it when a put sets roleArn; tenants get shows it)',
      ]);
      expect(stolen?.problems).toEqual([
        `roleArn: ${roleOf('own-new')} is not the role this deployment maps to tenant own-drop (it maps ${roleOf('own-drop')})`,
      ]);
      expect(unmapped?.problems).toEqual([
        `roleArn: ${roleOf('own-new')} is not the role this deployment maps to tenant initech (it maps none)`,
      ]);
    });
  });

  describe('get and list', () => {
    it('gets a record with its version, and says why the function would refuse an invalid one', async () => {
      const id = newId('get');
      await dynalite.putItem(tenantRecord(id, { maxDurationSeconds: 7200 }));

      const entry = await rig.admin.get(id);

      expect(entry).toMatchObject({ tenantId: id, version: 0, record: { maxDurationSeconds: 7200 } });
      expect(entry.problems).toEqual([
        "maxDurationSeconds 7200 exceeds the issuer's cap of 3600 s (STS role chaining)",
      ]);
    });

    it('answers NotFoundError (exit code 4) for a tenant without a record', async () => {
      const error = await failureOf(rig.admin.get('nobody'));

      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe("there is no tenant nobody in this deployment's table");
      expect((error as NotFoundError).exitCode).toBe(4);
    });

    it('pages through every tenant exactly once with the opaque cursor', async () => {
      const ids = [newId('page'), newId('page'), newId('page'), newId('page'), newId('page')];
      for (const id of ids) await rig.admin.put(tenantRecord(id));

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await rig.admin.list({ limit: 2, ...(cursor !== undefined && { cursor }) });
        expect(page.tenants.length).toBeLessThanOrEqual(2);
        seen.push(...page.tenants.map((t) => t.tenantId));
        cursor = page.cursor;
        pages++;
      } while (cursor !== undefined && pages < 100);

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(ids));
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('refuses a cursor it did not print and a page size out of range', async () => {
      const cursor = await failureOf(rig.admin.list({ cursor: 'eyJub3QiOiJtaW5lIn0' }));
      const limit = await failureOf(rig.admin.list({ limit: 0 }));

      expect(cursor).toBeInstanceOf(InvalidInputError);
      expect((cursor as Error).message).toBe('--cursor is not one that tenants list printed; copy it whole');
      expect((limit as Error).message).toBe('--limit must be a whole number from 1 to 1000');
    });
  });

  describe('suspend and resume', () => {
    it('suspends with a reason and a tenant-wide revocation time, without touching IAM', async () => {
      const id = newId('suspend');
      await rig.admin.put(tenantRecord(id));

      await rig.admin.suspend(id, '  unpaid invoice ');

      expect(await stored(id)).toMatchObject({
        status: 'suspended',
        suspendedReason: 'unpaid invoice',
        revocations: [{ before: '2026-12-01T12:00:01Z' }],
        version: 2,
      });
      expect(rig.revoker.calls).toEqual([]);
      expect(await functionStore().getTenant(id)).toMatchObject({
        status: 'suspended',
        revocations: [{ beforeMs: Date.parse('2026-12-01T12:00:01Z') }],
      });
      expect(rig.audit.events.at(-1)).toMatchObject({
        action: 'suspend',
        before: { status: 'active' },
        after: { status: 'suspended' },
      });
    });

    it('resumes: active again, the reason gone, the revocation time kept', async () => {
      const id = newId('resume');
      await rig.admin.put(tenantRecord(id));
      await rig.admin.suspend(id, 'abuse report');
      rig.clock.ms += 60_000;

      const result = await rig.admin.resume(id);

      expect(result.changed).toBe(true);
      const record = await stored(id);
      expect(record).toMatchObject({
        status: 'active',
        revocations: [{ before: '2026-12-01T12:00:01Z' }],
        version: 3,
      });
      expect(record).not.toHaveProperty('suspendedReason');
      expect(await functionStore().getTenant(id)).toMatchObject({ status: 'active' });
      expect(rig.audit.events.map((e) => e.action)).toEqual(['create', 'suspend', 'resume']);
    });

    it('leaves a tenant that is not suspended as it is', async () => {
      const id = newId('active');
      await rig.admin.put(tenantRecord(id));

      const result = await rig.admin.resume(id);

      expect(result.changed).toBe(false);
      expect(await stored(id)).toMatchObject({ version: 1 });
      expect(rig.audit.events).toHaveLength(1);
    });

    it('refuses an empty reason and an unknown tenant', async () => {
      const id = newId('reason');
      await rig.admin.put(tenantRecord(id));

      const empty = await failureOf(rig.admin.suspend(id, '  '));
      const unknown = await failureOf(rig.admin.suspend('nobody', 'why'));

      expect(empty).toBeInstanceOf(InvalidInputError);
      expect((empty as Error).message).toBe('--reason must say why the tenant is suspended');
      expect(unknown).toBeInstanceOf(NotFoundError);
    });
  });

  describe('revoke', () => {
    it('denies in IAM first, by the source identity the vend sets for the subject, then records it', async () => {
      const id = newId('revoke');
      await rig.admin.put(tenantRecord(id));
      let recordDuringRevoke: Record<string, unknown> | undefined;
      rig.revoker.onRevoke = async () => {
        recordDuringRevoke = await stored(id);
      };

      await rig.admin.revoke(id, { subject: 'auth0|alice' });

      const sourceIdentity = stsSafeName('auth0|alice');
      expect(sourceIdentity).not.toBe('auth0|alice');
      expect(rig.revoker.calls).toEqual([{ tenantId: id, sourceIdentity, before: '2026-12-01T12:00:01Z' }]);
      expect(recordDuringRevoke).not.toHaveProperty('revocations');
      expect(await stored(id)).toMatchObject({
        revocations: [{ before: '2026-12-01T12:00:01Z', sourceIdentity }],
        version: 2,
      });
      expect(rig.audit.events.at(-1)).toMatchObject({ action: 'revoke', actor: OPERATOR });
    });

    it('merges with the revocations the record holds and prunes those no session can outlive', async () => {
      const id = newId('prune');
      await rig.admin.put(tenantRecord(id));
      await rig.admin.revoke(id, { subject: 'bob' });
      rig.clock.ms += 30 * 60_000;
      await rig.admin.revoke(id, { subject: 'carol' });
      rig.clock.ms += 40 * 60_000; // bob's entry (12:00:01) is now more than an hour old: no session outlives it

      await rig.admin.revoke(id, { subject: 'dave', before: '2026-12-01T13:05:00.5Z' });

      expect((await stored(id))?.revocations).toEqual([
        { before: '2026-12-01T12:30:01Z', sourceIdentity: 'carol' },
        { before: '2026-12-01T13:05:01Z', sourceIdentity: 'dave' },
      ]);
    });

    it("lets a tenant-wide revocation replace its users' earlier entries", async () => {
      const id = newId('wide');
      await rig.admin.put(tenantRecord(id));
      await rig.admin.revoke(id, { subject: 'bob' });
      rig.clock.ms += 5_000;

      await rig.admin.revoke(id);

      expect(rig.revoker.calls.at(-1)).toEqual({ tenantId: id, before: '2026-12-01T12:00:06Z' });
      expect((await stored(id))?.revocations).toEqual([{ before: '2026-12-01T12:00:06Z' }]);
    });

    it('leaves the record unchanged when the revoker fails', async () => {
      const id = newId('fails');
      await rig.admin.put(tenantRecord(id));
      rig.revoker.failWith = new RevocationPolicyError('the revocation policy would need 10300 characters');

      const refused = await failureOf(rig.admin.revoke(id));
      rig.revoker.failWith = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      const failed = await failureOf(rig.admin.revoke(id, { subject: 'bob' }));

      expect(refused).toBeInstanceOf(RevocationRefusedError);
      expect((refused as Error).message).toBe(
        `the revocation policy would need 10300 characters (the record of ${id} was not changed)`,
      );
      expect(failed).toBeInstanceOf(AwsCallError);
      expect((failed as Error).message).toBe(
        `revoking the sessions of ${id} in IAM failed (Throttling: Rate exceeded); the record of ${id} was not changed: run the command again`,
      );
      expect(await stored(id)).toEqual(expect.not.objectContaining({ revocations: expect.anything() }));
      expect(await stored(id)).toMatchObject({ version: 1 });
      expect(rig.audit.events.map((e) => e.action)).toEqual(['create']);
    });

    it('refuses a time in the future, one no live session can predate, and an unknown tenant, before IAM', async () => {
      const id = newId('times');
      await rig.admin.put(tenantRecord(id));

      const future = await failureOf(rig.admin.revoke(id, { before: '2026-12-01T12:05:00Z' }));
      const ancient = await failureOf(rig.admin.revoke(id, { before: '2026-12-01T10:59:59Z' }));
      const garbled = await failureOf(rig.admin.revoke(id, { before: 'yesterday' }));
      const unknown = await failureOf(rig.admin.revoke('nobody'));

      expect((future as Error).message).toBe(
        '--before 2026-12-01T12:05:00Z is in the future: a revocation takes back sessions issued so far; to stop new vends, suspend the tenant',
      );
      expect((ancient as Error).message).toBe(
        'nothing to revoke: every session issued before 2026-12-01T10:59:59Z expired by 2026-12-01T11:59:59Z (sessions of this deployment last at most 3600 s)',
      );
      expect((garbled as Error).message).toBe(
        '--before "yesterday" is not a time: write ISO 8601 with a zone, e.g. 2026-12-01T12:00:00Z',
      );
      expect(unknown).toBeInstanceOf(NotFoundError);
      expect(rig.revoker.calls).toEqual([]);
    });

    it('refuses, before IAM, a user revocation the record could not hold', async () => {
      const id = newId('full');
      const revocations = Array.from({ length: 100 }, (_, i) => ({
        before: '2026-12-01T11:59:00Z',
        sourceIdentity: `user${i}`,
      }));
      await dynalite.putItem({ ...tenantRecord(id), revocations, version: 1 });

      const error = await failureOf(rig.admin.revoke(id, { subject: 'one-more' }));

      expect(error).toBeInstanceOf(RevocationRefusedError);
      expect((error as Error).message).toBe(
        `tenant ${id} would carry 101 revocations, over the 100 a record holds: revoke the whole tenant instead of single users (one entry covers them all), or suspend it`,
      );
      expect(rig.revoker.calls).toEqual([]);
    });
  });

  describe('delete', () => {
    it('offboards: suspends, revokes every session, then deletes the record, one audit event each', async () => {
      const id = newId('offboard');
      await rig.admin.put(tenantRecord(id));

      await rig.admin.delete(id);

      expect(rig.revoker.calls).toEqual([{ tenantId: id, before: '2026-12-01T12:00:01Z' }]);
      expect(await stored(id)).toBeUndefined();
      expect(await functionStore().getTenant(id)).toBeUndefined();
      expect(rig.audit.events.map((e) => e.action)).toEqual(['create', 'suspend', 'revoke', 'delete']);
      expect(rig.audit.events.at(-1)).toMatchObject({
        before: { status: 'suspended', version: 3 },
        after: null,
      });
    });

    it('answers NotFoundError for an unknown tenant and revokes nothing', async () => {
      const error = await failureOf(rig.admin.delete('nobody'));

      expect(error).toBeInstanceOf(NotFoundError);
      expect(rig.revoker.calls).toEqual([]);
    });
  });
});
