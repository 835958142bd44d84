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
      SESSION_MODE: 'role-chaining',
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

describe('loadConfig: session modes', () => {
  const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
  const WEB_IDENTITY = {
    ...MINIMAL,
    SESSION_MODE: 'web-identity',
    WEB_IDENTITY_ISSUER: 'https://abcdef1234.execute-api.eu-west-1.amazonaws.com/prod',
    SIGNING_KEY_IDS: `${KEY_ARN}, ${KEY_ID}`,
    MAX_SESSION_SECONDS: '43200',
  };

  it('chains roles by default and ignores the web-identity variables there', () => {
    const config = loadConfig({
      ...MINIMAL,
      WEB_IDENTITY_ISSUER: 'not a url',
      MAX_SESSION_SECONDS: 'forever',
    });

    expect(config.SESSION_MODE).toBe('role-chaining');
    expect(config).not.toHaveProperty('WEB_IDENTITY_ISSUER');
    expect(config).not.toHaveProperty('MAX_SESSION_SECONDS');
    expect(loadConfig({ ...MINIMAL, SESSION_MODE: 'role-chaining' }).SESSION_MODE).toBe('role-chaining');
  });

  it('reads web-identity mode with its default audience', () => {
    expect(loadConfig(WEB_IDENTITY)).toMatchObject({
      SESSION_MODE: 'web-identity',
      WEB_IDENTITY_ISSUER: 'https://abcdef1234.execute-api.eu-west-1.amazonaws.com/prod',
      WEB_IDENTITY_AUDIENCE: 'credvend',
      SIGNING_KEY_IDS: [KEY_ARN, KEY_ID],
      MAX_SESSION_SECONDS: 43_200,
    });
    expect(loadConfig(WEB_IDENTITY)).not.toHaveProperty('KMS_ENDPOINT');
  });

  it('reads the sandbox overrides: a loopback http issuer, an audience, a KMS endpoint', () => {
    expect(
      loadConfig({
        ...WEB_IDENTITY,
        WEB_IDENTITY_ISSUER: 'http://127.0.0.1:3000',
        WEB_IDENTITY_AUDIENCE: 'credvend-local',
        KMS_ENDPOINT: 'http://127.0.0.1:4599',
        MAX_SESSION_SECONDS: '3600',
      }),
    ).toMatchObject({
      WEB_IDENTITY_ISSUER: 'http://127.0.0.1:3000',
      WEB_IDENTITY_AUDIENCE: 'credvend-local',
      KMS_ENDPOINT: 'http://127.0.0.1:4599',
      MAX_SESSION_SECONDS: 3600,
    });
  });

  it('requires the issuer, the keys and the maximum in web-identity mode, naming all three', () => {
    const load = () => loadConfig({ ...MINIMAL, SESSION_MODE: 'web-identity' });

    for (const name of ['WEB_IDENTITY_ISSUER', 'SIGNING_KEY_IDS', 'MAX_SESSION_SECONDS'])
      expect(load).toThrow(name);
  });

  it('names every bad web-identity variable in one error, together with the others', () => {
    const load = () =>
      loadConfig({
        ...WEB_IDENTITY,
        STS_DEADLINE_MS: 'soon',
        WEB_IDENTITY_ISSUER: 'https://credvend.example.com/',
        WEB_IDENTITY_AUDIENCE: 'two words',
        SIGNING_KEY_IDS: `${KEY_ID},alias/credvend,arn:aws:kms:eu-west-1:123456789012:key/${KEY_ID}`,
        MAX_SESSION_SECONDS: '900',
        KMS_ENDPOINT: 'kms.local',
      });

    expect(load).toThrow(/^credvend configuration is invalid:/);
    for (const line of [
      'STS_DEADLINE_MS',
      'WEB_IDENTITY_ISSUER: must be an https URL without port, query or trailing slash',
      'WEB_IDENTITY_AUDIENCE: must be 1-255 printable characters without spaces',
      'SIGNING_KEY_IDS: alias/credvend is not a KMS key id or key ARN (aliases are refused: a kid must name one key)',
      `SIGNING_KEY_IDS: key ${KEY_ID} is listed twice`,
      "MAX_SESSION_SECONDS: must be the tenant access role's MaxSessionDuration, a whole number of seconds from 3600 to 43200",
      'KMS_ENDPOINT',
    ]) {
      expect(load).toThrow(line);
    }
  });

  it.each([
    [
      'an http issuer on a public host',
      { WEB_IDENTITY_ISSUER: 'http://credvend.example.com' },
      'WEB_IDENTITY_ISSUER',
    ],
    [
      'an issuer with a port',
      { WEB_IDENTITY_ISSUER: 'https://credvend.example.com:8443' },
      'WEB_IDENTITY_ISSUER',
    ],
    [
      'an issuer with a query',
      { WEB_IDENTITY_ISSUER: 'https://credvend.example.com?a=1' },
      'WEB_IDENTITY_ISSUER',
    ],
    [
      'no signing key',
      { SIGNING_KEY_IDS: ' , ' },
      'SIGNING_KEY_IDS: at least one KMS key id or key ARN is required',
    ],
    ['a maximum above 12 hours', { MAX_SESSION_SECONDS: '43201' }, 'MAX_SESSION_SECONDS'],
    ['a maximum that is no number', { MAX_SESSION_SECONDS: '12h' }, 'MAX_SESSION_SECONDS'],
    ['a fractional maximum', { MAX_SESSION_SECONDS: '3600.5' }, 'MAX_SESSION_SECONDS'],
    ['an unknown mode', { SESSION_MODE: 'federation' }, 'SESSION_MODE'],
  ])('refuses %s', (_, change, message) => {
    expect(() => loadConfig({ ...WEB_IDENTITY, ...change })).toThrow(message);
  });
});
