/** The tenant access role: its trust policy (who may assume it, with which tags) and its ABAC permissions. */
import { buildSessionPolicy } from '../../lambda/core/session-policy';
import { TENANT_OBJECT_ACTIONS } from '../../lib/constructs/tenant-access-role';
import { tenantAccessRolePolicy } from '../support/iam-harness';
import { type PolicyStatement, render, type Synthesized, synth } from './synth';

function tenantRoleOf(synthesized: Synthesized) {
  const props = synthesized.resourceOf(synthesized.stack.tenantAccessRole.role).Properties as {
    AssumeRolePolicyDocument: { Statement: PolicyStatement[] };
    Policies: { PolicyName: string; PolicyDocument: { Statement: PolicyStatement[] } }[];
    MaxSessionDuration: number;
  };
  return {
    trust: props.AssumeRolePolicyDocument.Statement,
    permissions: props.Policies.flatMap((p) => p.PolicyDocument.Statement),
    maxSession: props.MaxSessionDuration,
  };
}

const asList = (value: string | string[]) => (Array.isArray(value) ? [...value].sort() : [value]);

describe('TenantAccessRole', () => {
  const synthesized = synth();
  const { stack } = synthesized;
  const role = tenantRoleOf(synthesized);
  const dataBucketArn = render(stack.resolve(stack.dataBuckets.buckets[0]?.bucketArn));

  it('trusts only the vend function role, one statement per action it needs', () => {
    const vendRole = render(stack.resolve(stack.vendFunction.role.roleArn));

    expect(role.trust.map((statement) => [statement.Effect, statement.Principal, statement.Action])).toEqual([
      ['Allow', { AWS: vendRole }, 'sts:AssumeRole'],
      ['Allow', { AWS: vendRole }, 'sts:TagSession'],
      ['Allow', { AWS: vendRole }, 'sts:SetSourceIdentity'],
    ]);
  });

  it('requires a non-empty tenant tag, no tag key but tenant, and a source identity to assume it', () => {
    expect(role.trust[0]?.Condition).toEqual({
      StringLike: { 'aws:RequestTag/tenant': '?*', 'sts:SourceIdentity': '?*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant'] },
    });
  });

  it('conditions the tagging and naming statements only on what their actions see', () => {
    expect(role.trust[1]?.Condition).toEqual({
      StringLike: { 'aws:RequestTag/tenant': '?*' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant'] },
    });
    expect(role.trust[2]?.Condition).toEqual({ StringLike: { 'sts:SourceIdentity': '?*' } });
  });

  it('caps sessions at one hour, the role-chaining limit', () => {
    expect(role.maxSession).toBe(3600);
  });

  it("allows object actions only under the caller's own tenant prefix", () => {
    const objects = role.permissions.find((s) => s.Sid === 'TenantObjects');
    expect(objects?.Effect).toBe('Allow');
    expect(objects?.Resource).toEqual(`${dataBucketArn}/tenants/\${aws:PrincipalTag/tenant}/*`);
    expect(objects?.Condition).toBeUndefined();
  });

  it("allows listing the bucket only for keys under the caller's own tenant prefix", () => {
    expect(role.permissions.find((s) => s.Sid === 'TenantListing')).toEqual({
      Sid: 'TenantListing',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: dataBucketArn,
      Condition: { StringLike: { 's3:prefix': ['tenants/${aws:PrincipalTag/tenant}/*'] } },
    });
  });

  it('grants nothing beyond the two tenant statements', () => {
    expect(role.permissions.map((s) => s.Sid)).toEqual(['TenantObjects', 'TenantListing']);
    expect(role.permissions.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('grants exactly the object actions a session policy can grant, so neither fence is wider', () => {
    const everything = JSON.parse(
      buildSessionPolicy([
        { bucket: 'b', prefix: 'tenants/t/', access: ['read', 'write', 'delete', 'list'] },
      ]),
    ) as { Statement: PolicyStatement[] };
    const sessionObjectActions = everything.Statement.filter((s) => s.Action !== 's3:ListBucket').flatMap(
      (s) => asList(s.Action),
    );
    const objects = role.permissions.find((s) => s.Sid === 'TenantObjects');
    expect(asList(objects?.Action ?? [])).toEqual([...new Set(sessionObjectActions)].sort());
    expect([...TENANT_OBJECT_ACTIONS].sort()).toEqual(asList(objects?.Action ?? []));
  });

  it('follows a custom prefix template in both statements', () => {
    const custom = synth({ tenantPrefixTemplate: 'data/{tenant}/files/' });
    const customRole = tenantRoleOf(custom);
    const bucketArn = render(custom.stack.resolve(custom.stack.dataBuckets.buckets[0]?.bucketArn));
    expect(customRole.permissions.find((s) => s.Sid === 'TenantObjects')?.Resource).toEqual(
      `${bucketArn}/data/\${aws:PrincipalTag/tenant}/files/*`,
    );
    expect(customRole.permissions.find((s) => s.Sid === 'TenantListing')?.Condition).toEqual({
      StringLike: { 's3:prefix': ['data/${aws:PrincipalTag/tenant}/files/*'] },
    });
  });

  it('covers every existing bucket, each only under the tenant prefix', () => {
    const existing = synth({ dataBucketNames: ['acme-data-eu', 'acme-data-us'] });
    const existingRole = tenantRoleOf(existing);
    expect(existingRole.permissions.find((s) => s.Sid === 'TenantObjects')?.Resource).toEqual([
      'arn:aws:s3:::acme-data-eu/tenants/${aws:PrincipalTag/tenant}/*',
      'arn:aws:s3:::acme-data-us/tenants/${aws:PrincipalTag/tenant}/*',
    ]);
    expect(existingRole.permissions.find((s) => s.Sid === 'TenantListing')?.Resource).toEqual([
      'arn:aws:s3:::acme-data-eu',
      'arn:aws:s3:::acme-data-us',
    ]);
  });

  it('equals, statement for statement, the role model the isolation tests prove (test/isolation)', () => {
    const existing = synth({ dataBucketNames: ['acme-data-eu', 'acme-data-us'] });
    const model = tenantAccessRolePolicy({
      dataBuckets: ['acme-data-eu', 'acme-data-us'],
      prefixTemplate: 'tenants/{tenant}/',
    });

    // CDK sorts the actions of a statement; the order means nothing to IAM.
    const sortedActions = (statements: readonly PolicyStatement[]) =>
      statements.map((st) => ({ ...st, Action: asList(st.Action) }));
    expect(sortedActions(tenantRoleOf(existing).permissions)).toEqual(
      sortedActions(model.Statement as unknown as PolicyStatement[]),
    );
  });
});
