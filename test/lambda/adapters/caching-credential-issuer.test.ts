/** CachingCredentialIssuer with a scripted issuer and a fake clock: the lifetime rule, the bound, the key. */
import {
  CachingCredentialIssuer,
  credentialCacheKey,
} from '../../../lambda/adapters/caching-credential-issuer';
import type { IssuedCredentials, SessionPlan } from '../../../lambda/core/model';
import type { CredentialIssuer } from '../../../lambda/core/ports';

const PLAN: SessionPlan = {
  tenantId: 'acme',
  subject: 'alice',
  roleArn: 'arn:aws:iam::123456789012:role/credvend-tenant-access',
  region: 'eu-west-1',
  durationSeconds: 1000,
  scope: [{ bucket: 'credvend-data', prefix: 'tenants/acme/', access: ['read'] }],
  policy: '{"Version":"2012-10-17","Statement":[]}',
  tags: [{ key: 'tenant', value: 'acme' }],
  transitiveTagKeys: ['tenant'],
  sourceIdentity: 'alice',
  roleSessionName: 'acme.alice.req00001',
};

function scriptedIssuer(clock: { now: number }) {
  let issued = 0;
  const issuer: CredentialIssuer & { readonly calls: number } = {
    maxSessionSeconds: 3600,
    get calls() {
      return issued;
    },
    async issue(plan): Promise<IssuedCredentials> {
      issued += 1;
      return {
        accessKeyId: `ASIA${String(issued).padStart(16, '0')}`,
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date(clock.now + plan.durationSeconds * 1000),
      };
    },
  };
  return issuer;
}

describe('CachingCredentialIssuer', () => {
  it('never hands out a credential issued before a revocation the plan carries, and caches the new one', async () => {
    const clock = { now: 1_000_000 };
    const inner = scriptedIssuer(clock);
    const cache = new CachingCredentialIssuer(inner, { now: () => clock.now });

    const before = await cache.issue(PLAN);
    clock.now += 1_000;
    const revokedPlan = { ...PLAN, notBeforeMs: clock.now - 1 };
    const after = await cache.issue(revokedPlan);
    const reused = await cache.issue(revokedPlan);

    expect(after.accessKeyId).not.toBe(before.accessKeyId);
    expect(reused).toBe(after);
    expect(inner.calls).toBe(2);
  });

  it('does not let a caller whose plan knows of a revocation join a flight that began before it', async () => {
    const clock = { now: 1_000_000 };
    const inner = scriptedIssuer(clock);
    const cache = new CachingCredentialIssuer(inner, { now: () => clock.now });

    const early = cache.issue(PLAN);
    const late = cache.issue({ ...PLAN, notBeforeMs: clock.now + 1 });
    const [first, second] = await Promise.all([early, late]);

    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(inner.calls).toBe(2);
  });

  it('reuses a credential while at least 90% of the asked-for lifetime remains, then issues anew', async () => {
    const clock = { now: 1_000_000 };
    const inner = scriptedIssuer(clock);
    const cache = new CachingCredentialIssuer(inner, { now: () => clock.now });

    const first = await cache.issue(PLAN);
    clock.now += 100_000; // 900 of 1000 s left: exactly 90%
    const reused = await cache.issue(PLAN);
    clock.now += 1; // just under 90%
    const renewed = await cache.issue(PLAN);

    expect(reused).toBe(first);
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(inner.calls).toBe(2);
  });

  it('ignores the session name, which carries the request id, when matching plans', () => {
    expect(credentialCacheKey({ ...PLAN, roleSessionName: 'acme.alice.other' })).toBe(
      credentialCacheKey(PLAN),
    );
  });

  it.each([
    ['subject', { subject: 'bob', sourceIdentity: 'bob' }],
    ['tenant', { tenantId: 'globex', tags: [{ key: 'tenant', value: 'globex' }] }],
    ['policy', { policy: '{"Version":"2012-10-17","Statement":[{}]}' }],
    ['duration', { durationSeconds: 900 }],
    ['region', { region: 'us-east-1' }],
    ['role', { roleArn: 'arn:aws:iam::123456789012:role/other' }],
    ['external id', { externalId: 'x-1' }],
  ])('tells plans apart by %s', (_field, change) => {
    expect(credentialCacheKey({ ...PLAN, ...change })).not.toBe(credentialCacheKey(PLAN));
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const clock = { now: 0 };
    const inner = scriptedIssuer(clock);
    const cache = new CachingCredentialIssuer(inner, { maxEntries: 2, now: () => clock.now });
    const planOf = (subject: string) => ({ ...PLAN, subject });

    await cache.issue(planOf('a'));
    await cache.issue(planOf('b'));
    await cache.issue(planOf('a')); // a is now the most recently used
    await cache.issue(planOf('c')); // evicts b
    await cache.issue(planOf('a'));
    await cache.issue(planOf('b'));

    expect(cache.size).toBe(2);
    expect(inner.calls).toBe(4);
  });

  it('passes every call through when maxEntries is 0', async () => {
    const inner = scriptedIssuer({ now: 0 });
    const cache = new CachingCredentialIssuer(inner, { maxEntries: 0, now: () => 0 });

    await cache.issue(PLAN);
    await cache.issue(PLAN);

    expect(inner.calls).toBe(2);
  });

  it('refuses a share outside 0-1', () => {
    expect(() => new CachingCredentialIssuer(scriptedIssuer({ now: 0 }), { minRemainingShare: 1.5 })).toThrow(
      'minRemainingShare must be between 0 and 1, got 1.5',
    );
  });
});
