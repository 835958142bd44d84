/**
 * `authorizeWebIdentity`: the role's web-identity trust evaluated by the IAM policy simulator, each action with the
 * keys the Service Authorization Reference lists for it plus the provider's own `<host/path>:aud` and `:sub` — which
 * the simulator's Strict mode drops for any issuer the reference does not name (pinned below: if a later simulator
 * keeps them, Strict mode could do the filtering).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { webIdentityTrustPolicy } from '../../../lib/policies/trust-policies';
import type { OidcProvider } from '../../../sandbox/account/oidc-providers';
import type { EmulatedRole } from '../../../sandbox/account/types';
import {
  authorizeWebIdentity,
  type WebIdentityTrustRequest,
} from '../../../sandbox/sts-emulator/web-identity-trust';

const ACCOUNT = '123456789012';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/credvend-tenant-access`;
const provider: OidcProvider = {
  url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
  clientIds: ['credvend'],
  arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/abc123.execute-api.eu-west-1.amazonaws.com/prod`,
  conditionKeyPrefix: 'abc123.execute-api.eu-west-1.amazonaws.com/prod',
};
const trust = webIdentityTrustPolicy({
  providerArn: provider.arn,
  issuer: provider.url,
  audience: 'credvend',
});
const role: EmulatedRole = {
  roleName: 'credvend-tenant-access',
  trust: { principals: [], webIdentity: trust },
};

const vend: WebIdentityTrustRequest = {
  role,
  roleArn: ROLE_ARN,
  accountId: ACCOUNT,
  provider,
  subject: 'alice',
  audience: 'credvend',
  roleSessionName: 'acme-alice',
  tags: [{ Key: 'tenant', Value: 'acme' }],
  transitiveTags: [{ Key: 'tenant', Value: 'acme' }],
  sourceIdentity: 'alice',
  nowMs: Date.now(),
};

const refusedAt = (action: string) =>
  expect.objectContaining({
    code: 'AccessDenied',
    status: 403,
    awsMessage: `Not authorized to perform ${action}`,
  });

describe('authorizeWebIdentity', () => {
  it("admits credvend's token for one tenant, named", async () => {
    await expect(authorizeWebIdentity(vend)).resolves.toBeUndefined();
    await expect(authorizeWebIdentity({ ...vend, transitiveTags: [] })).resolves.toBeUndefined();
  });

  it.each([
    ['another audience', { audience: 'other-app' }],
    ['a second tag key', { tags: [...vend.tags, { Key: 'admin', Value: 'true' }] }],
    ['no tags', { tags: [], transitiveTags: [] }],
    ['no source identity', { sourceIdentity: undefined }],
    ['another provider', { provider: { ...provider, arn: `${provider.arn}-other` } }],
    ['a role without a web-identity trust', { role: { roleName: 'r', trust: { principals: ['*'] } } }],
  ])('refuses %s at sts:AssumeRoleWithWebIdentity', async (_case, change) => {
    await expect(authorizeWebIdentity({ ...vend, ...change })).rejects.toEqual(
      refusedAt('sts:AssumeRoleWithWebIdentity'),
    );
  });

  it('asks sts:TagSession and sts:SetSourceIdentity of the trust as well', async () => {
    const withoutTagSession: EmulatedRole = {
      ...role,
      trust: {
        principals: [],
        webIdentity: { ...trust, Statement: trust.Statement.filter((s) => s.Action !== 'sts:TagSession') },
      },
    };
    await expect(authorizeWebIdentity({ ...vend, role: withoutTagSession })).rejects.toEqual(
      refusedAt('sts:TagSession'),
    );
    const withoutSetSource: EmulatedRole = {
      ...role,
      trust: {
        principals: [],
        webIdentity: {
          ...trust,
          Statement: trust.Statement.filter((s) => s.Action !== 'sts:SetSourceIdentity'),
        },
      },
    };
    await expect(authorizeWebIdentity({ ...vend, role: withoutSetSource })).rejects.toEqual(
      refusedAt('sts:SetSourceIdentity'),
    );
  });

  it("evaluates the provider's keys itself, since Strict mode drops <issuer>:aud for AssumeRoleWithWebIdentity", async () => {
    const response = await runSimulation(
      {
        request: {
          principal: provider.arn,
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: { resource: ROLE_ARN, accountId: ACCOUNT },
          contextVariables: {
            [`${provider.conditionKeyPrefix}:aud`]: 'credvend',
            'aws:RequestTag/tenant': 'acme',
            'aws:TagKeys': ['tenant'],
            'sts:SourceIdentity': 'alice',
          },
        },
        identityPolicies: [],
        resourcePolicy: trust,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      { simulationMode: 'Strict' },
    );
    expect(response).toMatchObject({
      resultType: 'single',
      overallResult: 'ImplicitlyDenied',
      result: { ignoredContextKeys: [`${provider.conditionKeyPrefix}:aud`] },
    });
  });
});
