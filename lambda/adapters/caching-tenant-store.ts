/** A short-lived, bounded, single-flight in-memory cache in front of any `TenantStore` (pure: no I/O of its own). */
import type { Tenant } from '../core/model';
import type { TenantStore } from '../core/ports';
import { LruMap, SingleFlight } from './cache-primitives';

/** Options of `CachingTenantStore`. */
export interface CachingTenantStoreOptions {
  /** How long a found tenant is served from memory; bounds how late a suspension takes effect. @default 30000 */
  readonly ttlMs?: number;
  /** How long "no such tenant" is remembered; short, so that onboarding shows up quickly. @default 5000 */
  readonly negativeTtlMs?: number;
  /** Entries kept at most; the least recently used one goes first. @default 1000 */
  readonly maxEntries?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  readonly tenant: Tenant | undefined;
  readonly expiresAt: number;
}

/**
 * Caches tenant lookups (found and not found) for a few seconds. Errors are never cached, and concurrent
 * lookups of one tenant share a single call to the wrapped store.
 */
export class CachingTenantStore implements TenantStore {
  private readonly entries: LruMap<string, Entry>;
  private readonly flights = new SingleFlight<string, Tenant | undefined>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: TenantStore,
    options: CachingTenantStoreOptions = {},
  ) {
    this.ttlMs = nonNegative('ttlMs', options.ttlMs ?? 30_000);
    this.negativeTtlMs = nonNegative('negativeTtlMs', options.negativeTtlMs ?? 5_000);
    const maxEntries = options.maxEntries ?? 1000;
    if (maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    this.entries = new LruMap(maxEntries);
    this.now = options.now ?? Date.now;
  }

  /** The tenant from memory while fresh, otherwise from the wrapped store (one call for all concurrent callers). */
  getTenant(tenantId: string): Promise<Tenant | undefined> {
    const entry = this.entries.get(tenantId);
    if (entry !== undefined) {
      if (this.now() < entry.expiresAt) return Promise.resolve(entry.tenant);
      this.entries.delete(tenantId);
    }
    return this.flights.run(
      tenantId,
      () => this.inner.getTenant(tenantId),
      (tenant) => this.remember(tenantId, tenant),
    );
  }

  /** Forgets one tenant (e.g. right after suspending it); a lookup already under way will not repopulate it. */
  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
    this.flights.forget(tenantId);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
    this.flights.clear();
  }

  /** Entries held now, fresh or expired (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private remember(tenantId: string, tenant: Tenant | undefined): void {
    const ttl = tenant === undefined ? this.negativeTtlMs : this.ttlMs;
    if (ttl > 0) this.entries.set(tenantId, { tenant, expiresAt: this.now() + ttl });
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be >= 0 ms, got ${value}`);
  return value;
}
