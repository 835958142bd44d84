/** What a put changes, as the operator sees it before confirming. */
import { diffRecords, renderDiff } from '../../admin/record-diff';

describe('diffRecords', () => {
  it('compares grants member by member and lists of strings as a whole', () => {
    const before = {
      grants: [{ bucket: 'data', prefix: 'tenants/acme/', access: ['read'] }],
      regions: ['eu-west-1'],
      externalId: 'acme-1',
    };
    const after = {
      grants: [
        { bucket: 'data', prefix: 'tenants/acme/', access: ['read', 'list'] },
        { bucket: 'data', prefix: 'tenants/acme/uploads/', access: ['write'] },
      ],
      regions: ['eu-west-1', 'us-east-1'],
    };

    expect(renderDiff(diffRecords(before, after))).toEqual([
      '- externalId: "acme-1"',
      '~ grants.0.access: ["read"] → ["read","list"]',
      '+ grants.1: {"bucket":"data","prefix":"tenants/acme/uploads/","access":["write"]}',
      '~ regions: ["eu-west-1"] → ["eu-west-1","us-east-1"]',
    ]);
  });

  it('does not count key order as a change, and orders list positions numerically', () => {
    const grants = Array.from({ length: 11 }, (_, i) => ({
      bucket: 'data',
      prefix: `p${i}/`,
      access: ['read'],
    }));
    const changed = grants.map((g, i) =>
      i === 2 || i === 10
        ? { ...g, access: ['list'] }
        : { access: g.access, prefix: g.prefix, bucket: g.bucket },
    );

    expect(diffRecords({ grants }, { grants: changed }).map((d) => d.path)).toEqual([
      'grants.2.access',
      'grants.10.access',
    ]);
  });

  it('finds nothing in equal records', () => {
    expect(diffRecords({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toEqual([]);
  });
});
