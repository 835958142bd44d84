import { checkTenantRoles, tenantRolesJson } from '../../../lambda/core/tenant-roles';

const ACME_ROLE = 'arn:aws:iam::210987654321:role/acme-data';
const GLOBEX_ROLE = 'arn:aws:iam::333344445555:role/tenants/globex-data';

describe('checkTenantRoles', () => {
  it('reads a JSON object of tenant ids to role ARNs, as text or as a value', () => {
    const expected = new Map([
      ['acme', ACME_ROLE],
      ['globex', GLOBEX_ROLE],
    ]);

    expect(checkTenantRoles(`{"acme":"${ACME_ROLE}","globex":"${GLOBEX_ROLE}"}`)).toEqual({
      ok: true,
      roles: expected,
    });
    expect(checkTenantRoles({ acme: ACME_ROLE, globex: GLOBEX_ROLE })).toEqual({ ok: true, roles: expected });
    expect(checkTenantRoles({})).toEqual({ ok: true, roles: new Map() });
  });

  it('keeps a tenant id that is also a property of every object out of harm (a Map, not a lookup)', () => {
    const check = checkTenantRoles({ constructor: ACME_ROLE });

    expect(check.ok && check.roles.get('constructor')).toBe(ACME_ROLE);
    expect(check.ok && check.roles.get('toString')).toBeUndefined();
  });

  it.each([
    ['text that is not JSON', '{acme:', ['is not JSON: write an object {"<tenantId>": "<role ARN>"}']],
    ['a list', `["${ACME_ROLE}"]`, ['must be a JSON object {"<tenantId>": "<role ARN>"}']],
    ['a bad tenant id', { Acme: ACME_ROLE }, ['"Acme": is not a tenant id (1-48 of a-z, 0-9, inner "-")']],
    [
      'a wildcard role',
      { acme: 'arn:aws:iam::210987654321:role/*' },
      ['acme: "arn:aws:iam::210987654321:role/*" is not an IAM role ARN (no wildcards)'],
    ],
    ['a non-string ARN', { acme: 42 }, ['acme: 42 is not an IAM role ARN (no wildcards)']],
    [
      'one role for two tenants',
      { acme: ACME_ROLE, globex: ACME_ROLE },
      [`globex: ${ACME_ROLE} is mapped to tenant acme too; a tenant-owned role belongs to one tenant`],
    ],
  ])('refuses %s', (_, value, problems) => {
    expect(checkTenantRoles(value)).toEqual({ ok: false, problems });
  });
});

describe('tenantRolesJson', () => {
  it('writes the map as a JSON object with sorted keys', () => {
    expect(
      tenantRolesJson(
        new Map([
          ['globex', GLOBEX_ROLE],
          ['acme', ACME_ROLE],
        ]),
      ),
    ).toBe(`{"acme":"${ACME_ROLE}","globex":"${GLOBEX_ROLE}"}`);
    expect(tenantRolesJson({})).toBe('{}');
  });
});
