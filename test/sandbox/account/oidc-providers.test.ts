/**
 * The account's OIDC providers: named as IAM names them, refused where IAM (or the sandbox's loopback rule) would
 * refuse them; roles' web-identity trust checked against them when the account is built, and shown by GetRole.
 */
import { webIdentityTrustPolicy } from '../../../lib/policies/trust-policies';
import { EmulatedAccount } from '../../../sandbox/account/account';
import {
  localOidcProvider,
  TENANT_ROLE_NAME,
  webIdentityTenantAccessRole,
} from '../../../sandbox/account/local-account';
import { oidcProviderArn } from '../../../sandbox/account/oidc-providers';
import { trustPolicyDocument } from '../../../sandbox/account/trust-document';
import type { EmulatedOidcProvider, EmulatedRole } from '../../../sandbox/account/types';

const ACCOUNT = '000000000000';
const LOCAL = { issuer: 'http://127.0.0.1:3000', audience: 'credvend' };
const LOCAL_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:3000`;

const accountWith = (oidcProviders: readonly EmulatedOidcProvider[], roles: readonly EmulatedRole[] = []) =>
  new EmulatedAccount({ baseCredentials: [], roles, oidcProviders });

describe('oidcProviderArn', () => {
  it('names a provider by its URL without the scheme, path and loopback port included', () => {
    expect(oidcProviderArn('123456789012', 'https://id.example.com/prod')).toBe(
      'arn:aws:iam::123456789012:oidc-provider/id.example.com/prod',
    );
    expect(oidcProviderArn(ACCOUNT, LOCAL.issuer)).toBe(LOCAL_ARN);
  });
});

describe('EmulatedAccount OIDC providers', () => {
  it('keeps providers by issuer URL with their ARN, client ids and condition-key prefix', () => {
    const account = accountWith([
      localOidcProvider(LOCAL),
      { url: 'https://id.example.com/prod', clientIds: [] },
    ]);
    expect(account.oidcProviders.get(LOCAL.issuer)).toEqual({
      url: LOCAL.issuer,
      clientIds: ['credvend'],
      arn: LOCAL_ARN,
      conditionKeyPrefix: '127.0.0.1:3000',
    });
    expect(account.oidcProviders.get('https://id.example.com/prod')?.conditionKeyPrefix).toBe(
      'id.example.com/prod',
    );
  });

  it.each([
    [
      'http off loopback',
      { url: 'http://id.example.com', clientIds: [] },
      'http is allowed only on a loopback host',
    ],
    [
      'an https port',
      { url: 'https://id.example.com:8443', clientIds: [] },
      'an https URL may not name a port',
    ],
    [
      'a query',
      { url: 'https://id.example.com/?tenant=a', clientIds: [] },
      'a query or fragment is not allowed',
    ],
    ['another scheme', { url: 'ftp://127.0.0.1', clientIds: [] }, 'the URL must begin with https://'],
    ['an empty client id', { url: 'https://id.example.com', clientIds: [''] }, 'client ids must have 1-255'],
    [
      '101 client ids',
      { url: 'https://id.example.com', clientIds: [...Array(101).keys()].map(String) },
      'at most 100',
    ],
  ])('refuses %s', (_case, provider, problem) => {
    expect(() => accountWith([provider])).toThrow(problem);
  });

  it('refuses the same provider twice', () => {
    expect(() => accountWith([localOidcProvider(LOCAL), localOidcProvider(LOCAL)])).toThrow('defined twice');
  });
});

describe("a role's web-identity trust", () => {
  const role = webIdentityTenantAccessRole(['credvend-local-data'], LOCAL);

  it('is the trust policy the stack deploys in web-identity mode, and GetRole shows exactly it', () => {
    const deployed = webIdentityTrustPolicy({ providerArn: LOCAL_ARN, ...LOCAL });
    expect(role).toMatchObject({ roleName: TENANT_ROLE_NAME, maxSessionDurationSeconds: 43200 });
    expect(role.trust.webIdentity).toEqual(deployed);
    expect(trustPolicyDocument(role.trust)).toEqual(deployed);
    expect(() => accountWith([localOidcProvider(LOCAL)], [role])).not.toThrow();
  });

  it('follows the AssumeRole statements when the role trusts AWS principals too', () => {
    const both: EmulatedRole = {
      ...role,
      trust: { ...role.trust, principals: [`arn:aws:iam::${ACCOUNT}:role/credvend-vend-function`] },
    };
    expect(trustPolicyDocument(both.trust).Statement.map((statement) => statement.Action)).toEqual([
      'sts:AssumeRole',
      'sts:AssumeRoleWithWebIdentity',
      'sts:TagSession',
      'sts:SetSourceIdentity',
    ]);
  });

  const withStatement = (statement: Record<string, unknown>): EmulatedRole => ({
    roleName: 'r',
    trust: { principals: [], webIdentity: { Version: '2012-10-17', Statement: [statement] } },
  });
  const allow = {
    Effect: 'Allow',
    Principal: { Federated: LOCAL_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
  };

  it.each([
    [
      'a provider the account does not have',
      { ...allow, Principal: { Federated: `${LOCAL_ARN}0` } },
      'has no OIDC',
    ],
    ['an AWS principal', { ...allow, Principal: { AWS: '*' } }, 'Principal must be { Federated'],
    ['another action', { ...allow, Action: 'sts:AssumeRole' }, 'Action must be among'],
    ['a Resource', { ...allow, Resource: '*' }, "'Resource' is not supported"],
    ['a malformed Condition', { ...allow, Condition: { StringEquals: 'x' } }, 'Condition must map'],
  ])('refuses a statement with %s when the account is built', (_case, statement, problem) => {
    expect(() => accountWith([localOidcProvider(LOCAL)], [withStatement(statement)])).toThrow(problem);
  });

  it('refuses statement ids that the AssumeRole statements already use', () => {
    const clash: EmulatedRole = {
      ...withStatement({ ...allow, Sid: 'AssumeRole' }),
      trust: {
        principals: ['000000000000'],
        webIdentity: { Version: '2012-10-17', Statement: [{ ...allow, Sid: 'AssumeRole' }] },
      },
    };
    expect(() => accountWith([localOidcProvider(LOCAL)], [clash])).toThrow('statement ids must be unique');
  });
});
