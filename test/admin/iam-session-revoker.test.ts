/** IamSessionRevoker with a mocked IAM: merges into credvend's own role policy, prunes, never touches the others. */
import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { IamSessionRevoker } from '../../admin/iam-session-revoker';
import {
  REVOCATION_POLICY_NAME,
  RevocationPolicyError,
  revocationPolicy,
} from '../../lib/policies/revocation-policy';
import { tenantAccessPolicy } from '../../lib/policies/tenant-access-policy';

const iam = mockClient(IAMClient);
const ROLE = 'credvend-tenant-access';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const TENANT_DATA = tenantAccessPolicy({
  bucketArns: ['arn:aws:s3:::credvend-data'],
  prefixTemplate: 'tenants/{tenant}/',
});

/** IAM holding `policies` on the role, documents URL-encoded as IAM returns them. */
function roleWith(policies: Record<string, unknown>): void {
  iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: Object.keys(policies), IsTruncated: false });
  for (const [name, document] of Object.entries(policies)) {
    iam.on(GetRolePolicyCommand, { RoleName: ROLE, PolicyName: name }).resolves({
      RoleName: ROLE,
      PolicyName: name,
      PolicyDocument: encodeURIComponent(JSON.stringify(document)),
    });
  }
}

const revoker = () =>
  new IamSessionRevoker(new IAMClient({}), { roleName: ROLE, maxSessionSeconds: 3600, now: () => NOW });
const written = () =>
  JSON.parse(String(iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input.PolicyDocument));

beforeEach(() => iam.reset());

describe('IamSessionRevoker', () => {
  it("creates credvend's revocation policy beside the role's own, which it leaves alone", async () => {
    roleWith({ TenantData: TENANT_DATA });

    const outcome = await revoker().revoke({ tenantId: 'acme', before: '2026-12-01T12:00:01Z' });

    expect(iam.commandCalls(PutRolePolicyCommand).map((c) => c.args[0].input.PolicyName)).toEqual([
      REVOCATION_POLICY_NAME,
    ]);
    expect(written()).toEqual(revocationPolicy([{ tenantId: 'acme', before: '2026-12-01T12:00:01Z' }]));
    expect(outcome.revocations).toEqual([{ tenantId: 'acme', before: '2026-12-01T12:00:01Z' }]);
    expect(iam.commandCalls(DeleteRolePolicyCommand)).toHaveLength(0);
  });

  it('merges into the existing entries and prunes those no live session can match any more', async () => {
    roleWith({
      TenantData: TENANT_DATA,
      [REVOCATION_POLICY_NAME]: revocationPolicy([
        { tenantId: 'old', before: '2026-12-01T10:00:00Z' },
        { tenantId: 'globex', sourceIdentity: 'bob', before: '2026-12-01T11:30:00Z' },
      ]),
    });

    await revoker().revoke({ tenantId: 'acme', sourceIdentity: 'alice', before: '2026-12-01T12:00:01Z' });

    expect(written()).toEqual(
      revocationPolicy([
        { tenantId: 'acme', sourceIdentity: 'alice', before: '2026-12-01T12:00:01Z' },
        { tenantId: 'globex', sourceIdentity: 'bob', before: '2026-12-01T11:30:00Z' },
      ]),
    );
  });

  it('deletes the policy when the only entries left are moot', async () => {
    roleWith({
      [REVOCATION_POLICY_NAME]: revocationPolicy([{ tenantId: 'old', before: '2026-12-01T10:00:00Z' }]),
    });

    const outcome = await revoker().revoke({ tenantId: 'acme', before: '2026-12-01T10:30:00Z' });

    expect(outcome.revocations).toEqual([]);
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
    expect(iam.commandCalls(DeleteRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: ROLE,
      PolicyName: REVOCATION_POLICY_NAME,
    });
  });

  it('refuses to rewrite a revocation policy someone edited by hand, and writes nothing', async () => {
    roleWith({
      [REVOCATION_POLICY_NAME]: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
      },
    });

    await expect(revoker().revoke({ tenantId: 'acme', before: '2026-12-01T12:00:01Z' })).rejects.toThrow(
      RevocationPolicyError,
    );
    expect(iam.commandCalls(PutRolePolicyCommand)).toHaveLength(0);
  });

  it("reads every page of the role's policy names", async () => {
    iam
      .on(ListRolePoliciesCommand)
      .resolvesOnce({ PolicyNames: ['TenantData'], IsTruncated: true, Marker: 'm1' })
      .resolves({ PolicyNames: [REVOCATION_POLICY_NAME], IsTruncated: false });
    iam.on(GetRolePolicyCommand, { PolicyName: 'TenantData' }).resolves({
      PolicyDocument: encodeURIComponent(JSON.stringify(TENANT_DATA)),
    });
    iam.on(GetRolePolicyCommand, { PolicyName: REVOCATION_POLICY_NAME }).resolves({
      PolicyDocument: encodeURIComponent(
        JSON.stringify(revocationPolicy([{ tenantId: 'globex', before: '2026-12-01T11:59:00Z' }])),
      ),
    });

    await revoker().revoke({ tenantId: 'acme', before: '2026-12-01T12:00:01Z' });

    expect(iam.commandCalls(ListRolePoliciesCommand)[1]?.args[0].input).toEqual({
      RoleName: ROLE,
      Marker: 'm1',
    });
    expect(written().Statement).toHaveLength(2);
  });
});
