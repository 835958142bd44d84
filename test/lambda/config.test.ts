/** The function's environment contract: defaults, lists, the identity provider switch, and one error for every bad variable. */
import { loadConfig } from '../../lambda/config';

const MINIMAL = {
  TENANT_TABLE_NAME: 'credvend-tenants',
  TENANT_ROLE_ARN: 'arn:aws:iam::123456789012:role/credvend-tenant-access',
  DATA_BUCKETS: 'credvend-data',
  AWS_REGION: 'eu-west-1',
  COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
  COGNITO_CLIENT_IDS: '1example23456789',
};

describe('loadConfig', () => {
  it('fills in the documented defaults, Cognito id tokens included', () => {
    expect(loadConfig(MINIMAL)).toEqual({
      ...MINIMAL,
      DATA_BUCKETS: ['credvend-data'],
      COGNITO_CLIENT_IDS: ['1example23456789'],
      TENANT_CACHE_TTL_SECONDS: 30,
      TENANT_PREFIX_TEMPLATE: 'tenants/{tenant}/',
      TENANT_ROLES: new Map(),
      ALLOWED_REGIONS: [],
      TENANT_CLAIM: 'custom:tenant_id',
      ALLOWED_ORIGINS: [],
      STS_DEADLINE_MS: 6000,
      CREDENTIAL_CACHE_MAX_ENTRIES: 1000,
      CREDENTIAL_CACHE_MIN_REMAINING_SHARE: 0.9,
      JWT_PROVIDER: 'cognito',
      COGNITO_TOKEN_USE: 'id',
      regions: ['eu-west-1'],
    });
  });

  it('reads comma lists, an explicit null audience, and the OIDC settings', () => {
    const config = loadConfig({
      ...MINIMAL,
      DATA_BUCKETS: ' a-bucket , b-bucket ,',
      ALLOWED_REGIONS: 'eu-west-1,us-east-1',
      JWT_PROVIDER: 'oidc',
      JWT_ISSUER: 'https://idp.example.com',
      JWT_AUDIENCE: 'null',
      CREDENTIAL_CACHE_MIN_REMAINING_SHARE: '0.75',
    });

    expect(config).toMatchObject({
      DATA_BUCKETS: ['a-bucket', 'b-bucket'],
      regions: ['eu-west-1', 'us-east-1'],
      JWT_PROVIDER: 'oidc',
      JWT_ISSUER: 'https://idp.example.com',
      JWT_AUDIENCE: null,
      CREDENTIAL_CACHE_MIN_REMAINING_SHARE: 0.75,
    });
  });

  it('reads the tenant-owned roles by tenant from TENANT_ROLES', () => {
    const config = loadConfig({
      ...MINIMAL,
      TENANT_ROLES: '{"acme":"arn:aws:iam::210987654321:role/acme-data"}',
    });

    expect(config.TENANT_ROLES).toEqual(new Map([['acme', 'arn:aws:iam::210987654321:role/acme-data']]));
  });

  it.each([
    ['not JSON', 'acme=arn', 'TENANT_ROLES: is not JSON'],
    [
      'a wildcard role',
      '{"acme":"arn:aws:iam::210987654321:role/*"}',
      'TENANT_ROLES: acme: "arn:aws:iam::210987654321:role/*" is not an IAM role ARN (no wildcards)',
    ],
    [
      'a bad tenant id',
      '{"ACME":"arn:aws:iam::210987654321:role/acme-data"}',
      'TENANT_ROLES: "ACME": is not a tenant id',
    ],
  ])('refuses TENANT_ROLES that is %s', (_, value, message) => {
    expect(() => loadConfig({ ...MINIMAL, TENANT_ROLES: value })).toThrow(message);
  });

  it('names every bad variable in one error, so a bad deployment fails at init', () => {
    const load = () =>
      loadConfig({
        ...MINIMAL,
        TENANT_ROLE_ARN: 'not-an-arn',
        STS_DEADLINE_MS: 'soon',
        TENANT_PREFIX_TEMPLATE: 'tenants/',
        CREDENTIAL_CACHE_MIN_REMAINING_SHARE: '1.5',
        DATA_BUCKETS: '',
      });

    expect(load).toThrow(/^credvend configuration is invalid:/);
    for (const name of [
      'TENANT_ROLE_ARN',
      'STS_DEADLINE_MS',
      'TENANT_PREFIX_TEMPLATE: must contain {tenant} and end with "/"',
      'CREDENTIAL_CACHE_MIN_REMAINING_SHARE: must be a number from 0 to 1',
      'DATA_BUCKETS',
    ]) {
      expect(load).toThrow(name);
    }
  });

  it('requires a region to issue credentials in', () => {
    const { AWS_REGION: _, ...withoutRegion } = MINIMAL;

    expect(() => loadConfig(withoutRegion)).toThrow('ALLOWED_REGIONS: required');
  });

  it('refuses an unknown identity provider', () => {
    expect(() => loadConfig({ ...MINIMAL, JWT_PROVIDER: 'saml' })).toThrow('JWT_PROVIDER');
  });
});
