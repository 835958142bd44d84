/**
 * A later `cdk deploy` never drops or resets live revocations.
 *
 * CloudFormation writes a role's inline policies in two ways. The AWS::IAM::Role update handler puts every policy
 * the new template declares in `Policies` and deletes those the old template declared and the new one does not.
 * Its registry schema gives it no `iam:ListRolePolicies` on update, so it cannot even find a policy that neither
 * template names. AWS::IAM::Policy and AWS::IAM::RolePolicy put and delete their own `PolicyName` only. So
 * `CredvendRevocations` survives every update as long as (1) no template ever names it, and (2) the update is in
 * place: a replaced role is a new role without the policy, and deleting the old one ends its sessions anyway.
 *
 * This suite checks both for the configuration changes an operator deploys, in each direction.
 */

import { Duration } from 'aws-cdk-lib';
import type { CredvendStackProps } from '../../lib/credvend-stack';
import { REVOCATION_POLICY_NAME } from '../../lib/policies/revocation-policy';
import { type CfnResourceJson, synth } from './synth';

/** The role resource and every inline-policy name any resource of the template writes to that role. */
function tenantRoleInTemplate(props: CredvendStackProps) {
  const { stack, template, logicalIdOf } = synth(props);
  const roleId = logicalIdOf(stack.tenantAccessRole.role);
  const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
  const role = resources[roleId] as CfnResourceJson;
  const refersToRole = (value: unknown) => JSON.stringify(value ?? null).includes(`"Ref":"${roleId}"`);

  const declaredOnRole = ((role.Properties.Policies ?? []) as { PolicyName: string }[]).map(
    (p) => p.PolicyName,
  );
  const declaredElsewhere = Object.values(resources)
    .filter(
      (resource) =>
        (resource.Type === 'AWS::IAM::Policy' && refersToRole(resource.Properties.Roles)) ||
        (resource.Type === 'AWS::IAM::RolePolicy' && refersToRole(resource.Properties.RoleName)),
    )
    .map((resource) => String(resource.Properties.PolicyName));
  return {
    roleId,
    // The properties whose change replaces a role (AWS::IAM::Role: RoleName and Path).
    replacing: { RoleName: role.Properties.RoleName, Path: role.Properties.Path },
    policyNames: new Set([...declaredOnRole, ...declaredElsewhere]),
  };
}

const deployments: [string, CredvendStackProps][] = [
  ['another allowed region', { allowedRegions: ['eu-west-1', 'us-east-1'] }],
  ['a tenant-owned role', { tenantRoles: { acme: 'arn:aws:iam::123456789012:role/acme-data' } }],
  ['existing data buckets', { dataBucketNames: ['acme-data', 'globex-data'] }],
  ['another tenant prefix template', { tenantPrefixTemplate: 'data/{tenant}/' }],
  ['another log level', { logLevel: 'DEBUG' }],
];

describe('a later cdk deploy and the revocation policy', () => {
  const initial = tenantRoleInTemplate({});

  it('declares the role policies it owns, and never the revocation policy', () => {
    expect([...initial.policyNames]).toContain('TenantData');
    expect(initial.policyNames.has(REVOCATION_POLICY_NAME)).toBe(false);
  });

  describe.each(deployments)('changing to %s', (_change, props) => {
    const changed = tenantRoleInTemplate(props);

    it.each([
      ['forward', initial, changed],
      ['back', changed, initial],
    ])('updates the tenant access role in place (%s)', (_direction, before, after) => {
      expect(after.roleId).toBe(before.roleId);
      expect(after.replacing).toEqual(before.replacing);
    });

    it.each([
      ['forward', initial, changed],
      ['back', changed, initial],
    ])('neither writes nor deletes the revocation policy (%s)', (_direction, before, after) => {
      const deleted = [...before.policyNames].filter((name) => !after.policyNames.has(name));

      expect(after.policyNames.has(REVOCATION_POLICY_NAME)).toBe(false);
      expect(deleted).not.toContain(REVOCATION_POLICY_NAME);
    });
  });
});

describe('a later cdk deploy of a web-identity deployment and the revocation policy', () => {
  const webIdentity: CredvendStackProps = { sessionMode: { kind: 'web-identity' } };
  const initial = tenantRoleInTemplate(webIdentity);
  const changes: [string, CredvendStackProps][] = [
    [
      'a shorter maximum session',
      { sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.hours(4) } },
    ],
    ['another audience', { sessionMode: { kind: 'web-identity', audience: 'api://credvend' } }],
    ['existing data buckets', { ...webIdentity, dataBucketNames: ['acme-data', 'globex-data'] }],
  ];

  it('never declares the revocation policy', () => {
    expect(initial.policyNames.has(REVOCATION_POLICY_NAME)).toBe(false);
  });

  it.each(changes)('updates the tenant access role in place when changing to %s', (_change, props) => {
    const changed = tenantRoleInTemplate(props);

    expect(changed.roleId).toBe(initial.roleId);
    expect(changed.replacing).toEqual(initial.replacing);
    expect(changed.policyNames.has(REVOCATION_POLICY_NAME)).toBe(false);
  });

  it('replaces the tenant access role when the session mode changes: the role gets a name', () => {
    const roleChaining = tenantRoleInTemplate({});

    expect(roleChaining.replacing.RoleName).toBeUndefined();
    expect(initial.replacing.RoleName).toBeDefined();
  });
});
