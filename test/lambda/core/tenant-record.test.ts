import { TenantMisconfiguredError } from '../../../lambda/core/errors';
import { checkTenantRecord, parseTenantRecord } from '../../../lambda/core/tenant-record';
import { ACME, RULES } from './fixtures';

const RECORD = {
  tenantId: 'acme',
  status: 'active',
  grants: ACME.grants,
  defaultDurationSeconds: 900,
  maxDurationSeconds: 3600,
  region: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1'],
  updatedAt: '2026-11-01T00:00:00Z',
};

describe('parseTenantRecord', () => {
  it('reads a valid record and ignores attributes it does not know', () => {
    expect(parseTenantRecord(RECORD, 'acme', RULES)).toEqual(ACME);
  });

  it('reads revocations as instants, tenant-wide or for one source identity', () => {
    const record = {
      ...RECORD,
      revocations: [
        { before: '2026-12-01T12:00:00Z' },
        { before: '2026-12-01T12:30:00Z', sourceIdentity: 'alice' },
      ],
    };

    expect(parseTenantRecord(record, 'acme', RULES).revocations).toEqual([
      { beforeMs: Date.parse('2026-12-01T12:00:00Z') },
      { beforeMs: Date.parse('2026-12-01T12:30:00Z'), sourceIdentity: 'alice' },
    ]);
  });

  it.each([
    ['a time with milliseconds', [{ before: '2026-12-01T12:00:00.000Z' }], /revocations\.0\.before/],
    [
      'a time that does not exist',
      [{ before: '2026-13-45T12:00:00Z' }],
      /revocations\.0\.before: must be a valid time/,
    ],
    [
      'a source identity STS would refuse',
      [{ before: '2026-12-01T12:00:00Z', sourceIdentity: 'a b' }],
      /sourceIdentity/,
    ],
    [
      'more than 100 entries',
      Array.from({ length: 101 }, () => ({ before: '2026-12-01T12:00:00Z' })),
      /revocations/,
    ],
  ])('refuses revocations with %s', (_, revocations, reason) => {
    expect(() => parseTenantRecord({ ...RECORD, revocations }, 'acme', RULES)).toThrow(
      expect.objectContaining({ detail: expect.stringMatching(reason) }),
    );
  });

  it('lists every problem of a record at once', () => {
    const check = checkTenantRecord(
      {
        ...RECORD,
        maxDurationSeconds: 7200,
        grants: [
          { bucket: 'elsewhere', prefix: 'tenants/acme/', access: ['read'] },
          { bucket: 'credvend-data', prefix: 'tenants/globex/', access: ['read'] },
        ],
      },
      'acme',
      RULES,
    );

    expect(check).toEqual({
      ok: false,
      problems: [
        "maxDurationSeconds 7200 exceeds the issuer's cap of 3600 s (STS role chaining)",
        'grants.0.bucket: grant bucket elsewhere is not a data bucket of this deployment',
        'grants.1.prefix: grant prefix tenants/globex/ is outside the tenant root tenants/acme/',
      ],
    });
  });

  it("accepts durations up to a web-identity issuer's cap, and names that cap's source when refusing", () => {
    const webIdentity = {
      ...RULES,
      maxSessionSeconds: 43_200,
      maxSessionSource: "MAX_SESSION_SECONDS, the tenant access role's MaxSessionDuration",
    };

    expect(checkTenantRecord({ ...RECORD, maxDurationSeconds: 43_200 }, 'acme', webIdentity).ok).toBe(true);
    expect(
      checkTenantRecord({ ...RECORD, maxDurationSeconds: 14_400 }, 'acme', {
        ...webIdentity,
        maxSessionSeconds: 7200,
      }),
    ).toEqual({
      ok: false,
      problems: [
        "maxDurationSeconds 14400 exceeds the issuer's cap of 7200 s (MAX_SESSION_SECONDS, the tenant access role's MaxSessionDuration)",
      ],
    });
  });

  describe('with a tenant-owned role', () => {
    const ACME_ROLE = 'arn:aws:iam::210987654321:role/acme-data';
    const GLOBEX_ROLE = 'arn:aws:iam::333344445555:role/globex-data';
    const RULES_WITH_GLOBEX = {
      ...RULES,
      tenantRoles: new Map([
        ['acme', ACME_ROLE],
        ['globex', GLOBEX_ROLE],
      ]),
    };

    it('reads the role this deployment maps to the tenant, with its external id', () => {
      const tenant = parseTenantRecord(
        { ...RECORD, roleArn: ACME_ROLE, externalId: 'generated-id-1' },
        'acme',
        RULES,
      );

      expect(tenant).toEqual({ ...ACME, roleArn: ACME_ROLE, externalId: 'generated-id-1' });
    });

    it('refuses the role the deployment maps to another tenant, naming the one it maps', () => {
      const check = checkTenantRecord(
        { ...RECORD, roleArn: GLOBEX_ROLE, externalId: 'generated-id-1' },
        'acme',
        RULES_WITH_GLOBEX,
      );

      expect(check).toEqual({
        ok: false,
        problems: [
          `roleArn: ${GLOBEX_ROLE} is not the role this deployment maps to tenant acme (it maps ${ACME_ROLE})`,
        ],
      });
    });

    it('refuses any role for a tenant the deployment maps none to', () => {
      const check = checkTenantRecord(
        { ...RECORD, tenantId: 'initech', roleArn: ACME_ROLE, externalId: 'generated-id-1' },
        'initech',
        RULES_WITH_GLOBEX,
      );

      expect(check).toEqual({
        ok: false,
        problems: [
          'grants.0.prefix: grant prefix tenants/acme/ is outside the tenant root tenants/initech/',
          'grants.1.prefix: grant prefix tenants/acme/uploads/ is outside the tenant root tenants/initech/',
          `roleArn: ${ACME_ROLE} is not the role this deployment maps to tenant initech (it maps none)`,
        ],
      });
    });

    it('refuses a tenant-owned role without an external id', () => {
      expect(() => parseTenantRecord({ ...RECORD, roleArn: ACME_ROLE }, 'acme', RULES)).toThrow(
        expect.objectContaining({
          detail:
            'tenant acme: externalId: required with roleArn (credvend-admin generates it when it sets roleArn)',
        }),
      );
    });

    it('refuses every role when the deployment maps none', () => {
      const check = checkTenantRecord(
        { ...RECORD, roleArn: ACME_ROLE, externalId: 'generated-id-1' },
        'acme',
        { ...RULES, tenantRoles: new Map() },
      );

      expect(check).toEqual({
        ok: false,
        problems: [
          `roleArn: ${ACME_ROLE} is not the role this deployment maps to tenant acme (it maps none)`,
        ],
      });
    });
  });

  it('defaults the allowed regions to the home region', () => {
    const { regions: _, ...rest } = RECORD;
    expect(parseTenantRecord(rest, 'acme', RULES).regions).toEqual(['eu-west-1']);
  });

  it.each([
    [
      'a maximum above the 1-hour role-chaining cap',
      { maxDurationSeconds: 7200 },
      /exceeds the issuer's cap of 3600 s/,
    ],
    [
      'a default above the maximum',
      { defaultDurationSeconds: 3600, maxDurationSeconds: 1800 },
      /must not exceed/,
    ],
    ['a duration below the STS minimum', { defaultDurationSeconds: 60 }, /defaultDurationSeconds/],
    [
      'a grant outside the tenant root',
      { grants: [{ bucket: 'credvend-data', prefix: 'tenants/globex/', access: ['read'] }] },
      /outside the tenant root tenants\/acme\//,
    ],
    [
      'a grant in an unknown bucket',
      { grants: [{ bucket: 'other-bucket', prefix: 'tenants/acme/', access: ['read'] }] },
      /not a data bucket/,
    ],
    [
      'a wildcard prefix',
      { grants: [{ bucket: 'credvend-data', prefix: 'tenants/acme/*', access: ['read'] }] },
      /grants\.0\.prefix/,
    ],
    ['an unknown status', { status: 'deleted' }, /status/],
    ['a record of another tenant', { tenantId: 'globex' }, /record is for tenant globex/],
    [
      'a home region outside its regions',
      { regions: ['us-east-1'] },
      /home region eu-west-1 is not in regions/,
    ],
    ['a malformed role ARN', { roleArn: 'arn:aws:iam::1:role/x' }, /roleArn/],
  ])('refuses %s as misconfigured, with the reason for the audit log only', (_, change, detail) => {
    let error: unknown;
    try {
      parseTenantRecord({ ...RECORD, ...change }, 'acme', RULES);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenantMisconfiguredError);
    expect((error as TenantMisconfiguredError).message).toBe(
      "This tenant's configuration is invalid; the platform team has to correct it.",
    );
    expect((error as TenantMisconfiguredError).detail).toMatch(detail);
  });
});
