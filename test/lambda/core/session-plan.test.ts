import { authorize } from '../../../lambda/core/authorize';
import { planSession, roleSessionName, stsSafeName } from '../../../lambda/core/session-plan';
import { ACME, ALICE } from './fixtures';

const STS_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE = 'arn:aws:iam::123456789012:role/credvend-tenant-access';

describe('planSession', () => {
  const plan = planSession(
    { principal: ALICE, tenant: ACME, requestId: 'c0ffee00-1111-2222', defaultRoleArn: ROLE },
    authorize(ACME, {}, ['eu-west-1']),
  );

  it('tags the session with the tenant, transitively', () => {
    expect(plan.tags).toEqual([{ key: 'tenant', value: 'acme' }]);
    expect(plan.transitiveTagKeys).toEqual(['tenant']);
  });

  it("uses the caller's subject as SourceIdentity and a readable session name", () => {
    expect(plan.sourceIdentity).toBe('alice');
    expect(plan.roleSessionName).toBe('acme.alice.c0ffee00');
  });

  it("assumes the tenant's own role when it has one, with its external id", () => {
    const own = { ...ACME, roleArn: 'arn:aws:iam::210987654321:role/acme-data', externalId: 'acme-ext-1' };
    const p = planSession(
      { principal: ALICE, tenant: own, requestId: 'r', defaultRoleArn: ROLE },
      authorize(own, {}, ['eu-west-1']),
    );
    expect(p.roleArn).toBe('arn:aws:iam::210987654321:role/acme-data');
    expect(p.externalId).toBe('acme-ext-1');
    expect(plan.roleArn).toBe(ROLE);
    expect(plan).not.toHaveProperty('externalId');
  });

  it('knows no revocation time for a tenant without revocations', () => {
    expect(plan).not.toHaveProperty('notBeforeMs');
  });

  it("takes the latest revocation that covers the caller: the tenant's, or its own source identity's", () => {
    const revoked = {
      ...ACME,
      revocations: [
        { beforeMs: 1_000 },
        { beforeMs: 3_000, sourceIdentity: 'alice' },
        { beforeMs: 9_000, sourceIdentity: 'bob' },
      ],
    };
    const p = planSession(
      { principal: ALICE, tenant: revoked, requestId: 'r', defaultRoleArn: ROLE },
      authorize(revoked, {}, ['eu-west-1']),
    );

    expect(p.notBeforeMs).toBe(3_000);
  });

  it('carries the session policy built from the authorized scope', () => {
    expect(JSON.parse(plan.policy).Statement.length).toBeGreaterThan(0);
    expect(plan.policy).toContain('tenants/acme/*');
  });
});

describe('stsSafeName', () => {
  it('keeps a name STS already accepts', () => {
    expect(stsSafeName('alice@example.com')).toBe('alice@example.com');
  });

  it.each([
    ['a Cognito-style subject with colons', 'us-east-1:1234abcd'],
    ['spaces and slashes', 'Alice Smith/admin'],
    ['an aws: prefix', 'aws:root'],
    ['a single character', 'a'],
    ['a very long subject', 'x'.repeat(300)],
    ['unicode', 'zoë'],
  ])('makes %s valid and distinct', (_, subject) => {
    const name = stsSafeName(subject);
    expect(name).toMatch(STS_NAME);
    expect(name.startsWith('aws:')).toBe(false);
    expect(name).not.toBe(stsSafeName(`${subject}2`));
  });
});

describe('roleSessionName', () => {
  it('stays within 64 valid characters whatever the inputs', () => {
    const name = roleSessionName('t'.repeat(48), 's p a c e s '.repeat(20), 'req/with:odd#chars-and-more');
    expect(name).toMatch(STS_NAME);
  });
});
