import { authorize } from '../../../lambda/core/authorize';
import {
  DurationTooLongError,
  DurationTooShortError,
  RegionNotAllowedError,
  ScopeNotGrantedError,
  TenantMisconfiguredError,
  TenantSuspendedError,
} from '../../../lambda/core/errors';
import { ACME, DATA_BUCKET } from './fixtures';

const REGIONS = ['eu-west-1', 'us-east-1'];

describe('authorize', () => {
  it('grants everything the tenant has, for its default duration in its home region, when nothing is asked', () => {
    expect(authorize(ACME, {}, REGIONS)).toEqual({
      scope: ACME.grants,
      durationSeconds: 900,
      region: 'eu-west-1',
    });
  });

  it('narrows a grant to a sub-prefix and fewer access levels', () => {
    const result = authorize(
      ACME,
      { scope: [{ prefix: 'tenants/acme/reports/2026/', access: ['read'] }] },
      REGIONS,
    );
    expect(result.scope).toEqual([
      { bucket: DATA_BUCKET, prefix: 'tenants/acme/reports/2026/', access: ['read'] },
    ]);
  });

  it('says a prefix inside two grants once, with the access both allow', () => {
    const result = authorize(
      ACME,
      { scope: [{ prefix: 'tenants/acme/uploads/x/', access: ['list'] }] },
      REGIONS,
    );
    expect(result.scope).toEqual([
      { bucket: DATA_BUCKET, prefix: 'tenants/acme/uploads/x/', access: ['list'] },
    ]);
  });

  it('keeps, of the grants a prefix lies in, the narrowing that allows the most, once', () => {
    const result = authorize(ACME, { scope: [{ prefix: 'tenants/acme/uploads/2026/' }] }, REGIONS);
    expect(result.scope).toEqual([
      {
        bucket: DATA_BUCKET,
        prefix: 'tenants/acme/uploads/2026/',
        access: ['read', 'write', 'delete', 'list'],
      },
    ]);
  });

  it('keeps different entries apart, in the order asked', () => {
    const result = authorize(
      ACME,
      {
        scope: [
          { prefix: 'tenants/acme/uploads/2026/', access: ['read'] },
          { prefix: 'tenants/acme/reports/' },
          { prefix: 'tenants/acme/uploads/2026/', access: ['write'] },
        ],
      },
      REGIONS,
    );
    // Neither of the two uploads entries allows all the other does: both stay, each one grant's narrowing.
    expect(result.scope).toEqual([
      { bucket: DATA_BUCKET, prefix: 'tenants/acme/uploads/2026/', access: ['read'] },
      { bucket: DATA_BUCKET, prefix: 'tenants/acme/reports/', access: ['read', 'list'] },
      { bucket: DATA_BUCKET, prefix: 'tenants/acme/uploads/2026/', access: ['write'] },
    ]);
  });

  it('says an entry asked for twice once', () => {
    const entry = { prefix: 'tenants/acme/reports/', access: ['read' as const] };
    const result = authorize(ACME, { scope: [entry, entry] }, REGIONS);
    expect(result.scope).toEqual([
      { bucket: DATA_BUCKET, prefix: 'tenants/acme/reports/', access: ['read'] },
    ]);
  });

  it.each([
    ['a wider access level', { prefix: 'tenants/acme/', access: ['write' as const] }],
    ['another tenant', { prefix: 'tenants/globex/' }],
    ['a tenant id that merely starts the same', { prefix: 'tenants/acmecorp/' }],
    ['the parent prefix', { prefix: 'tenants/' }],
    ['another bucket', { bucket: 'credvend-archive' }],
  ])('refuses %s with SCOPE_NOT_GRANTED', (_, entry) => {
    const call = () => authorize(ACME, { scope: [entry] }, REGIONS);
    expect(call).toThrow(ScopeNotGrantedError);
    expect(call).toThrow(/^The requested scope .* is not within this tenant's grants\.$/);
  });

  it('refuses the whole request when one entry of several is not granted', () => {
    expect(() =>
      authorize(ACME, { scope: [{ prefix: 'tenants/acme/' }, { prefix: 'tenants/globex/' }] }, REGIONS),
    ).toThrow(ScopeNotGrantedError);
  });

  it('refuses a duration above the tenant maximum, naming the maximum', () => {
    const call = () => authorize(ACME, { durationSeconds: 3601 }, REGIONS);
    expect(call).toThrow(DurationTooLongError);
    expect(call).toThrow("durationSeconds must not exceed this tenant's maximum of 3600; got 3601.");
  });

  it('refuses a duration below the STS minimum', () => {
    const call = () => authorize(ACME, { durationSeconds: 899 }, REGIONS);
    expect(call).toThrow(DurationTooShortError);
    expect(call).toThrow('durationSeconds must be at least 900 (the STS minimum); got 899.');
  });

  it('accepts a region the tenant and the deployment both allow', () => {
    expect(authorize(ACME, { region: 'us-east-1' }, REGIONS).region).toBe('us-east-1');
  });

  it('refuses a region the deployment does not serve, listing the allowed ones', () => {
    const call = () => authorize(ACME, { region: 'us-east-1' }, ['eu-west-1']);
    expect(call).toThrow(RegionNotAllowedError);
    expect(call).toThrow('Region us-east-1 is not allowed for this tenant; allowed: eu-west-1.');
  });

  it('refuses a region the tenant may not use', () => {
    expect(() => authorize(ACME, { region: 'ap-south-1' }, [...REGIONS, 'ap-south-1'])).toThrow(
      RegionNotAllowedError,
    );
  });

  it('reports a tenant whose home region the deployment does not serve as misconfigured', () => {
    expect(() => authorize(ACME, {}, ['us-east-1'])).toThrow(TenantMisconfiguredError);
  });

  it('refuses a suspended tenant', () => {
    const call = () => authorize({ ...ACME, status: 'suspended' }, {}, REGIONS);
    expect(call).toThrow(TenantSuspendedError);
    expect(call).toThrow('Tenant acme is suspended; no credentials are issued for it.');
  });

  it('gives a tenant without grants an empty scope, and refuses any scope it asks for', () => {
    const bare = { ...ACME, grants: [] };
    expect(authorize(bare, {}, REGIONS).scope).toEqual([]);
    expect(() => authorize(bare, { scope: [{ prefix: 'tenants/acme/' }] }, REGIONS)).toThrow(
      ScopeNotGrantedError,
    );
  });
});
