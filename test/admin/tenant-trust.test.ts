/** `tenants trust-policy`: the trust policy a tenant's own role needs, from its record and the deployment. */
import { InvalidInputError } from '../../admin/errors';
import { tenantTrustPolicy } from '../../admin/tenant-trust';
import { tenantRoleTrustPolicy } from '../../lib/policies/trust-policies';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite';
import { ACME_ROLE, type AdminRig, adminRig, tenantRecord, testDeployment } from './admin-fixtures';

const VEND_ROLE = 'arn:aws:iam::123456789012:role/credvend-prod-VendFunctionRole-7G8H9I';

let dynalite: LocalDynamoDb;
let rig: AdminRig;

beforeAll(async () => {
  dynalite = await startDynalite();
  rig = adminRig(dynalite, { ...testDeployment(dynalite), vendRoleArn: VEND_ROLE });
  await rig.admin.put(tenantRecord('acme', { roleArn: ACME_ROLE }));
  await rig.admin.put(tenantRecord('globex'));
});
afterAll(async () => {
  rig.close();
  await dynalite.close();
});

describe('tenantTrustPolicy', () => {
  it("trusts the deployment's vend role, with the tenant's generated external id and its tenant tag", async () => {
    const entry = await rig.admin.get('acme');
    const externalId = entry.record.externalId;

    expect(typeof externalId).toBe('string');
    expect(tenantTrustPolicy(entry, rig.deployment)).toEqual(
      tenantRoleTrustPolicy({ vendRoleArn: VEND_ROLE, tenantId: 'acme', externalId: externalId as string }),
    );
  });

  it('refuses a tenant on the shared tenant access role, whose trust the stack manages', async () => {
    const entry = await rig.admin.get('globex');

    expect(() => tenantTrustPolicy(entry, rig.deployment)).toThrow(InvalidInputError);
    expect(() => tenantTrustPolicy(entry, rig.deployment)).toThrow(
      /globex uses the shared tenant access role/,
    );
    expect(() =>
      tenantTrustPolicy(
        { ...entry, record: { ...entry.record, roleArn: rig.deployment.tenantRoleArn } },
        rig.deployment,
      ),
    ).toThrow(/shared tenant access role/);
  });

  it('refuses a record without an external id, and a deployment that does not name its vend role', async () => {
    const entry = await rig.admin.get('acme');
    const { externalId: _dropped, ...withoutId } = entry.record;
    const { vendRoleArn: _unknown, ...flagsWithoutVendRole } = rig.deployment;

    expect(() => tenantTrustPolicy({ ...entry, record: withoutId }, rig.deployment)).toThrow(
      /holds no external id: tenants put its record/,
    );
    expect(() => tenantTrustPolicy(entry, flagsWithoutVendRole)).toThrow(/give --vend-role-arn/);
  });
});
