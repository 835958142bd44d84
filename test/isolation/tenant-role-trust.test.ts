/**
 * The trust policies of the roles vended sessions run as, evaluated by the IAM policy simulator the way STS
 * authorizes an AssumeRole: `sts:AssumeRole` always, `sts:TagSession` when the call passes tags,
 * `sts:SetSourceIdentity` when it names a source identity, each against the role's trust policy (a resource policy)
 * and the caller's own policy, each with the context keys AWS's Service Authorization Reference lists for that action
 * (the simulator's strict mode drops the others). The tenant access role (the stack's) admits exactly the vend
 * function's tagged, named sessions; a tenant's own role admits exactly credvend's vends for its tenant.
 *
 * Every refusal is decided by `sts:AssumeRole`, whose context holds every key a vend sends; so a reading of STS in
 * which the other two actions see more keys changes no verdict here (the policies test no key for absence).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyJson } from '../../lib/policies/tenant-access-policy';
import { tenantAccessTrustPolicy, tenantRoleTrustPolicy } from '../../lib/policies/trust-policies';
import { render, synth } from '../infra/synth';

const VEND_ACCOUNT = '123456789012';
const VEND_ROLE_ARN = `arn:aws:iam::${VEND_ACCOUNT}:role/credvend-vend-function`;
const VEND_SESSION_ARN = `arn:aws:sts::${VEND_ACCOUNT}:assumed-role/credvend-vend-function/fn`;
const OTHER_SESSION_ARN = `arn:aws:sts::${VEND_ACCOUNT}:assumed-role/some-other-role/fn`;
const EXTERNAL_ID = 'k3J9x_Qm-2vT8wYzA1bC4dE5fG6hI7jL';

/** A role and its trust policy. */
interface TrustedRole {
  readonly arn: string;
  readonly trust: PolicyJson;
}

/** One AssumeRole call. */
interface AssumeRoleCall {
  readonly caller: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly externalId?: string;
  readonly sourceIdentity?: string;
}

function contextOf(call: AssumeRoleCall): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  const tagKeys = Object.keys(call.tags);
  for (const [key, value] of Object.entries(call.tags)) context[`aws:RequestTag/${key}`] = value;
  if (tagKeys.length > 0) context['aws:TagKeys'] = tagKeys;
  if (call.sourceIdentity !== undefined) context['sts:SourceIdentity'] = call.sourceIdentity;
  if (call.externalId !== undefined) context['sts:ExternalId'] = call.externalId;
  return context;
}

async function allows(role: TrustedRole, action: string, call: AssumeRoleCall): Promise<boolean> {
  const accountId = role.arn.split(':')[4] as string;
  const response = await runSimulation(
    {
      request: {
        principal: call.caller,
        action,
        resource: { resource: role.arn, accountId },
        contextVariables: contextOf(call),
      },
      // The caller's own policy allows it (the vend function's does, for its roles): the trust policy decides.
      identityPolicies: [
        {
          name: 'caller',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: role.arn }],
          },
        },
      ],
      resourcePolicy: role.trust,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType !== 'single')
    throw new Error(`the simulator did not decide: ${JSON.stringify(response)}`);
  return response.overallResult === 'Allowed';
}

/** Whether STS would issue the session: every action the call needs is allowed. */
async function stsIssues(role: TrustedRole, call: AssumeRoleCall): Promise<boolean> {
  const actions = [
    'sts:AssumeRole',
    ...(Object.keys(call.tags).length > 0 ? ['sts:TagSession'] : []),
    ...(call.sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : []),
  ];
  for (const action of actions) if (!(await allows(role, action, call))) return false;
  return true;
}

function checkTrust(role: TrustedRole, admitted: AssumeRoleCall[], refused: [string, AssumeRoleCall][]) {
  it.each(admitted.map((call) => [call.sourceIdentity, call] as const))(
    'admits the vend for %s',
    async (_user, call) => {
      await expect(stsIssues(role, call)).resolves.toBe(true);
    },
  );

  it.each(refused)('refuses %s, at sts:AssumeRole', async (_case, call) => {
    await expect(stsIssues(role, call)).resolves.toBe(false);
    await expect(allows(role, 'sts:AssumeRole', call)).resolves.toBe(false);
  });
}

describe("the tenant access role's trust policy, as the stack deploys it", () => {
  const { stack, resourceOf } = synth();
  const trust = (resourceOf(stack.tenantAccessRole.role).Properties as { AssumeRolePolicyDocument: unknown })
    .AssumeRolePolicyDocument;
  const synthesizedVendRole = String(render(stack.resolve(stack.vendFunction.role.roleArn)));
  // The template's reference to the vend role, as the deployed ARN.
  const role: TrustedRole = {
    arn: `arn:aws:iam::${VEND_ACCOUNT}:role/credvend-tenant-access`,
    trust: JSON.parse(JSON.stringify(trust).replaceAll(synthesizedVendRole, VEND_ROLE_ARN)),
  };

  it('is the shared trust policy, on the vend role', () => {
    expect(role.trust).toEqual(tenantAccessTrustPolicy(VEND_ROLE_ARN));
  });

  const vend = { caller: VEND_SESSION_ARN, tags: { tenant: 'acme' }, sourceIdentity: 'alice' };
  checkTrust(
    role,
    [vend, { ...vend, tags: { tenant: 'globex' }, sourceIdentity: 'bob' }],
    [
      ['an untagged session', { ...vend, tags: {} }],
      ['an empty tenant tag', { ...vend, tags: { tenant: '' } }],
      ['a tag key besides tenant', { ...vend, tags: { tenant: 'acme', admin: 'true' } }],
      ['no source identity', { caller: vend.caller, tags: vend.tags }],
      ['another role of the account', { ...vend, caller: OTHER_SESSION_ARN }],
    ],
  );
});

describe("a tenant's own role's trust policy (tenants trust-policy)", () => {
  // In the tenant's own account: cross-account, so the caller's policy and the trust policy must both allow.
  const role: TrustedRole = {
    arn: 'arn:aws:iam::111122223333:role/acme-data',
    trust: tenantRoleTrustPolicy({ vendRoleArn: VEND_ROLE_ARN, tenantId: 'acme', externalId: EXTERNAL_ID }),
  };
  const vend = {
    caller: VEND_SESSION_ARN,
    tags: { tenant: 'acme' },
    externalId: EXTERNAL_ID,
    sourceIdentity: 'alice',
  };
  checkTrust(
    role,
    [vend, { ...vend, sourceIdentity: 'bob' }],
    [
      ["another tenant's session", { ...vend, tags: { tenant: 'globex' } }],
      ['an untagged session', { ...vend, tags: {} }],
      ['a wrong external id', { ...vend, externalId: 'guessed-external-id' }],
      ['no external id', { caller: vend.caller, tags: vend.tags, sourceIdentity: 'alice' }],
      ['no source identity', { caller: vend.caller, tags: vend.tags, externalId: EXTERNAL_ID }],
      ['another role of the account', { ...vend, caller: OTHER_SESSION_ARN }],
    ],
  );
});

describe("the README's example of a tenant's own role's trust policy", () => {
  it('is what tenants trust-policy prints for acme', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf("**A tenant's own role.**"));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];

    expect(JSON.parse(example ?? 'null')).toEqual(
      tenantRoleTrustPolicy({
        vendRoleArn: '<VendFunctionRoleArn>',
        tenantId: 'acme',
        externalId: "<acme's externalId>",
      }),
    );
  });
});
