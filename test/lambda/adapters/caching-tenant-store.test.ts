import {
  CachingTenantStore,
  type CachingTenantStoreOptions,
} from '../../../lambda/adapters/caching-tenant-store';
import { UpstreamUnavailableError } from '../../../lambda/core/errors';
import type { Tenant } from '../../../lambda/core/model';
import type { TenantStore } from '../../../lambda/core/ports';
import { ACME } from '../core/fixtures';

const GLOBEX: Tenant = { ...ACME, tenantId: 'globex' };
const INITECH: Tenant = { ...ACME, tenantId: 'initech' };

/** A promise settled from outside, to hold a lookup in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A wrapped store that knows `tenants`, counts calls, and can be told to answer otherwise. */
function innerStore(tenants: readonly Tenant[] = [ACME, GLOBEX, INITECH]) {
  const byId = new Map(tenants.map((t) => [t.tenantId, t]));
  const getTenant = jest.fn<Promise<Tenant | undefined>, [string]>(async (id) => byId.get(id));
  const store: TenantStore = { getTenant };
  return { store, getTenant, byId };
}

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number): void => {
      now += ms;
    },
  };
}

function cacheOver(inner: TenantStore, clock = fakeClock(), options: CachingTenantStoreOptions = {}) {
  return new CachingTenantStore(inner, { ttlMs: 30_000, negativeTtlMs: 5_000, now: clock.now, ...options });
}

describe('CachingTenantStore', () => {
  it('serves a tenant from memory within its TTL, with one call to the wrapped store', async () => {
    const { store, getTenant } = innerStore();
    const clock = fakeClock();
    const cache = cacheOver(store, clock);

    await expect(cache.getTenant('acme')).resolves.toBe(ACME);
    clock.advance(29_999);
    await expect(cache.getTenant('acme')).resolves.toBe(ACME);

    expect(getTenant).toHaveBeenCalledTimes(1);
    expect(getTenant).toHaveBeenCalledWith('acme');
  });

  it('reads the tenant again once its TTL has passed', async () => {
    const { store, getTenant, byId } = innerStore();
    const clock = fakeClock();
    const cache = cacheOver(store, clock);
    await cache.getTenant('acme');

    const suspended: Tenant = { ...ACME, status: 'suspended' };
    byId.set('acme', suspended);
    clock.advance(30_000);

    await expect(cache.getTenant('acme')).resolves.toBe(suspended);
    expect(getTenant).toHaveBeenCalledTimes(2);
  });

  it('keeps tenants apart', async () => {
    const { store, getTenant } = innerStore();
    const cache = cacheOver(store);

    await expect(cache.getTenant('acme')).resolves.toBe(ACME);
    await expect(cache.getTenant('globex')).resolves.toBe(GLOBEX);
    await expect(cache.getTenant('acme')).resolves.toBe(ACME);

    expect(getTenant.mock.calls).toEqual([['acme'], ['globex']]);
  });

  it('remembers an unknown tenant for the negative TTL, not the positive one', async () => {
    const { store, getTenant, byId } = innerStore();
    const clock = fakeClock();
    const cache = cacheOver(store, clock);

    await expect(cache.getTenant('hooli')).resolves.toBeUndefined();
    clock.advance(4_999);
    await expect(cache.getTenant('hooli')).resolves.toBeUndefined();
    expect(getTenant).toHaveBeenCalledTimes(1);

    const onboarded: Tenant = { ...ACME, tenantId: 'hooli' };
    byId.set('hooli', onboarded);
    clock.advance(1);
    await expect(cache.getTenant('hooli')).resolves.toBe(onboarded);
    expect(getTenant).toHaveBeenCalledTimes(2);
  });

  it('never caches an error: the next lookup asks the wrapped store again', async () => {
    const { store, getTenant } = innerStore();
    const outage = new UpstreamUnavailableError(
      'The tenant directory is temporarily unavailable; retry shortly.',
    );
    getTenant.mockRejectedValueOnce(outage);
    const cache = cacheOver(store);

    await expect(cache.getTenant('acme')).rejects.toBe(outage);
    await expect(cache.getTenant('acme')).resolves.toBe(ACME);
    await expect(cache.getTenant('acme')).resolves.toBe(ACME);

    expect(getTenant).toHaveBeenCalledTimes(2);
  });

  it('turns a wrapped store that throws synchronously into a rejection', async () => {
    const thrown = new Error('synchronous failure');
    const cache = cacheOver({
      getTenant: () => {
        throw thrown;
      },
    });

    await expect(cache.getTenant('acme')).rejects.toBe(thrown);
  });

  describe('single flight', () => {
    it('shares one call to the wrapped store among concurrent lookups of a tenant', async () => {
      const { store, getTenant } = innerStore();
      const pending = deferred<Tenant | undefined>();
      getTenant.mockReturnValueOnce(pending.promise);
      const cache = cacheOver(store);

      const lookups = [cache.getTenant('acme'), cache.getTenant('acme'), cache.getTenant('acme')];
      expect(getTenant).toHaveBeenCalledTimes(1);
      pending.resolve(ACME);

      const results = await Promise.all(lookups);
      expect(results).toEqual([ACME, ACME, ACME]);
      for (const result of results) expect(result).toBe(ACME);
      await expect(cache.getTenant('acme')).resolves.toBe(ACME);
      expect(getTenant).toHaveBeenCalledTimes(1);
    });

    it('rejects every waiting lookup when the shared call fails, and the next lookup retries', async () => {
      const { store, getTenant } = innerStore();
      const pending = deferred<Tenant | undefined>();
      getTenant.mockReturnValueOnce(pending.promise);
      const cache = cacheOver(store);
      const outage = new UpstreamUnavailableError(
        'The tenant directory is temporarily unavailable; retry shortly.',
      );

      const lookups = [cache.getTenant('acme'), cache.getTenant('acme')];
      pending.reject(outage);

      const settled = await Promise.allSettled(lookups);
      expect(settled).toEqual([
        { status: 'rejected', reason: outage },
        { status: 'rejected', reason: outage },
      ]);
      await expect(cache.getTenant('acme')).resolves.toBe(ACME);
      expect(getTenant).toHaveBeenCalledTimes(2);
    });

    it('does not make lookups of different tenants wait for each other', async () => {
      const { store, getTenant } = innerStore();
      const slow = deferred<Tenant | undefined>();
      getTenant.mockImplementation(async (id) => (id === 'acme' ? slow.promise : GLOBEX));
      const cache = cacheOver(store);

      const acme = cache.getTenant('acme');
      await expect(cache.getTenant('globex')).resolves.toBe(GLOBEX);
      slow.resolve(ACME);
      await expect(acme).resolves.toBe(ACME);
      expect(getTenant).toHaveBeenCalledTimes(2);
    });
  });

  describe('bounds', () => {
    it('evicts the least recently used tenant beyond maxEntries', async () => {
      const { store, getTenant } = innerStore();
      const cache = cacheOver(store, fakeClock(), { maxEntries: 2 });

      await cache.getTenant('acme');
      await cache.getTenant('globex');
      await cache.getTenant('acme'); // acme is now the most recently used
      await cache.getTenant('initech'); // evicts globex
      expect(cache.size).toBe(2);
      expect(getTenant).toHaveBeenCalledTimes(3);

      await cache.getTenant('acme');
      await cache.getTenant('initech');
      expect(getTenant).toHaveBeenCalledTimes(3);
      await cache.getTenant('globex');
      expect(getTenant).toHaveBeenCalledTimes(4);
      expect(getTenant).toHaveBeenLastCalledWith('globex');
    });

    it('counts remembered unknown tenants towards the bound', async () => {
      const { store } = innerStore();
      const cache = cacheOver(store, fakeClock(), { maxEntries: 3 });

      for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) await cache.getTenant(id);
      expect(cache.size).toBe(3);
    });

    it('caches nothing when the TTLs are zero', async () => {
      const { store, getTenant } = innerStore();
      const cache = cacheOver(store, fakeClock(), { ttlMs: 0, negativeTtlMs: 0 });

      await cache.getTenant('acme');
      await cache.getTenant('acme');
      await cache.getTenant('hooli');
      await cache.getTenant('hooli');

      expect(getTenant).toHaveBeenCalledTimes(4);
      expect(cache.size).toBe(0);
    });

    it.each<[string, CachingTenantStoreOptions]>([
      ['a negative TTL', { ttlMs: -1 }],
      ['an infinite TTL', { ttlMs: Number.POSITIVE_INFINITY }],
      ['a negative negative-TTL', { negativeTtlMs: -1 }],
      ['zero entries', { maxEntries: 0 }],
      ['a fractional bound', { maxEntries: 1.5 }],
    ])('refuses %s', (_, options) => {
      expect(() => new CachingTenantStore(innerStore().store, options)).toThrow(RangeError);
    });
  });

  describe('invalidation', () => {
    it('forgets a tenant so that the next lookup reads it again', async () => {
      const { store, getTenant } = innerStore();
      const cache = cacheOver(store);
      await cache.getTenant('acme');
      await cache.getTenant('globex');

      cache.invalidate('acme');
      await cache.getTenant('acme');
      await cache.getTenant('globex');

      expect(getTenant.mock.calls).toEqual([['acme'], ['globex'], ['acme']]);
    });

    it('does not let a lookup under way repopulate a tenant invalidated meanwhile', async () => {
      const { store, getTenant } = innerStore();
      const stale = deferred<Tenant | undefined>();
      getTenant.mockReturnValueOnce(stale.promise);
      const cache = cacheOver(store);

      const before = cache.getTenant('acme');
      cache.invalidate('acme');
      const suspended: Tenant = { ...ACME, status: 'suspended' };
      getTenant.mockResolvedValueOnce(suspended);
      await expect(cache.getTenant('acme')).resolves.toBe(suspended);
      // The stale lookup ends last: it must not overwrite the fresh entry.
      stale.resolve(ACME);
      await expect(before).resolves.toBe(ACME);

      await expect(cache.getTenant('acme')).resolves.toBe(suspended);
      expect(getTenant).toHaveBeenCalledTimes(2);
    });

    it('clear forgets every tenant', async () => {
      const { store, getTenant } = innerStore();
      const cache = cacheOver(store);
      await cache.getTenant('acme');
      await cache.getTenant('hooli');

      cache.clear();
      expect(cache.size).toBe(0);
      await cache.getTenant('acme');
      await cache.getTenant('hooli');

      expect(getTenant).toHaveBeenCalledTimes(4);
    });
  });

  it('uses the real clock by default', async () => {
    const { store, getTenant } = innerStore();
    const cache = new CachingTenantStore(store);

    await cache.getTenant('acme');
    await cache.getTenant('acme');

    expect(getTenant).toHaveBeenCalledTimes(1);
  });
});
