/**
 * The tenant access role's web-identity trust (`webIdentityTrustPolicy`, asserted equal to the synthesized role's in
 * test/infra/web-identity.test.ts), evaluated by the IAM policy simulator as STS evaluates AssumeRoleWithWebIdentity
 * (the STS emulator's evaluator: each action with the keys the Service Authorization Reference lists for it, plus the
 * provider's `<issuer>:aud`/`:sub`). A session of the role exists only for a token of credvend's own provider, with
 * its audience, one non-empty `tenant` tag and nothing else, and a source identity; which tenant the tag names is
 * then the session policy's and the ABAC policy's business, as in role-chaining mode. That the token's signature,
 * issuer and expiry are checked before the trust is test/sandbox/sts-web-identity.test.ts.
 */
import { webIdentityTrustPolicy } from '../../lib/policies/trust-policies';
import { buildOidcProviders, type OidcProvider } from '../../sandbox/account/oidc-providers';
import type { EmulatedRole, SessionTag } from '../../sandbox/account/types';
import { authorizeWebIdentity } from '../../sandbox/sts-emulator/web-identity-trust';

const ACCOUNT = '123456789012';
const ISSUER = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
const OTHER_ISSUER = 'https://accounts.example.com';
const AUDIENCE = 'credvend';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/credvend-prod-tenant-access-eu-west-1`;

const providers = buildOidcProviders(
  [
    { url: ISSUER, clientIds: [AUDIENCE, 'another-app'] },
    { url: OTHER_ISSUER, clientIds: [AUDIENCE] },
  ],
  ACCOUNT,
);
const credvend = providers.get(ISSUER) as OidcProvider;
const other = providers.get(OTHER_ISSUER) as OidcProvider;

const role: EmulatedRole = {
  roleName: 'credvend-prod-tenant-access-eu-west-1',
  maxSessionDurationSeconds: 43_200,
  trust: {
    principals: [],
    webIdentity: webIdentityTrustPolicy({ providerArn: credvend.arn, issuer: ISSUER, audience: AUDIENCE }),
  },
};

interface Token {
  readonly provider: OidcProvider;
  readonly audience: string;
  readonly tags: readonly SessionTag[];
  readonly sourceIdentity?: string;
}

async function stsIssues(token: Token): Promise<boolean> {
  try {
    await authorizeWebIdentity({
      role,
      roleArn: ROLE_ARN,
      accountId: ACCOUNT,
      provider: token.provider,
      subject: 'acme:alice',
      audience: token.audience,
      roleSessionName: 'acme.alice.1',
      tags: token.tags,
      transitiveTags: token.tags,
      ...(token.sourceIdentity === undefined ? {} : { sourceIdentity: token.sourceIdentity }),
      nowMs: Date.parse('2026-12-02T12:00:00Z'),
    });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'AccessDenied') return false;
    throw error;
  }
}

const credvendToken: Token = {
  provider: credvend,
  audience: AUDIENCE,
  tags: [{ Key: 'tenant', Value: 'acme' }],
  sourceIdentity: 'alice',
};

describe("the tenant access role's web-identity trust", () => {
  it.each(['acme', 'globex', 'a-tenant-whose-id-is-48-characters-long-xxxxxxxx'])(
    "admits credvend's token for tenant %s",
    async (tenant) => {
      await expect(stsIssues({ ...credvendToken, tags: [{ Key: 'tenant', Value: tenant }] })).resolves.toBe(
        true,
      );
    },
  );

  it.each<[string, Token]>([
    ["another provider's token, with the same audience and claims", { ...credvendToken, provider: other }],
    ["credvend's provider, another of its client ids", { ...credvendToken, audience: 'another-app' }],
    ['no session tag', { ...credvendToken, tags: [] }],
    ['an empty tenant tag', { ...credvendToken, tags: [{ Key: 'tenant', Value: '' }] }],
    [
      'a second tag key',
      { ...credvendToken, tags: [...credvendToken.tags, { Key: 'admin', Value: 'true' }] },
    ],
    ['another tag key instead of tenant', { ...credvendToken, tags: [{ Key: 'team', Value: 'acme' }] }],
    ['no source identity', { provider: credvend, audience: AUDIENCE, tags: credvendToken.tags }],
  ])('refuses %s', async (_case, token) => {
    await expect(stsIssues(token)).resolves.toBe(false);
  });
});
