/**
 * A single-flight, bounded, in-memory credential cache in front of any `CredentialIssuer` (pure: no I/O of its own).
 * Repeated identical vends by one caller reuse one STS session while it still has most of its life left, which
 * spares the account's shared STS quota (600 requests/s per region) and the STS round trip.
 */
import type { IssuedCredentials, SessionPlan } from '../core/model';
import type { CredentialIssuer } from '../core/ports';
import { LruMap, SingleFlight } from './cache-primitives';

/** Options of `CachingCredentialIssuer`. */
export interface CachingCredentialIssuerOptions {
  /**
   * A cached credential is served only while its remaining lifetime is at least this share of the duration the
   * caller asked for (0-1): with 0.9, a 900 s session is reused for its first 90 s. @default 0.9
   */
  readonly minRemainingShare?: number;
  /** Entries kept at most; the least recently used one goes first. 0 disables the cache. @default 1000 */
  readonly maxEntries?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * The cache key: everything that shapes the session except the session name, which carries the request id.
 * The subject is part of the key, so credentials are never shared between callers.
 */
export function credentialCacheKey(plan: SessionPlan): string {
  return JSON.stringify([
    plan.tenantId,
    plan.subject,
    plan.sourceIdentity,
    plan.roleArn,
    plan.externalId ?? null,
    plan.region,
    plan.durationSeconds,
    plan.policy,
    plan.tags,
    plan.transitiveTagKeys,
  ]);
}

/** Credentials as cached: with the time their issue began. */
interface CachedCredentials {
  readonly credentials: IssuedCredentials;
  readonly issuedAtMs: number;
}

/** Reuses issued credentials for identical plans of the same caller; concurrent identical requests share one call. */
export class CachingCredentialIssuer implements CredentialIssuer {
  readonly maxSessionSeconds: number;
  private readonly entries: LruMap<string, CachedCredentials>;
  private readonly flights = new SingleFlight<string, CachedCredentials>();
  private readonly minRemainingShare: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: CredentialIssuer,
    options: CachingCredentialIssuerOptions = {},
  ) {
    this.maxSessionSeconds = inner.maxSessionSeconds;
    this.minRemainingShare = options.minRemainingShare ?? 0.9;
    if (!(this.minRemainingShare >= 0 && this.minRemainingShare <= 1)) {
      throw new RangeError(`minRemainingShare must be between 0 and 1, got ${this.minRemainingShare}`);
    }
    this.entries = new LruMap(options.maxEntries ?? 1000);
    this.now = options.now ?? Date.now;
  }

  /** Credentials for `plan`: from memory while they keep enough life, otherwise from the wrapped issuer. */
  issue(plan: SessionPlan): Promise<IssuedCredentials> {
    if (this.entries.maxEntries === 0) return this.inner.issue(plan);
    const key = credentialCacheKey(plan);
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      if (this.usable(cached, plan)) return Promise.resolve(cached.credentials);
      this.entries.delete(key);
    }
    const flight = this.flights.run(
      key,
      async () => {
        // Taken before the call: STS's own issue time is later, so a revocation check on it errs on the safe side.
        const issuedAtMs = this.now();
        return { credentials: await this.inner.issue(plan), issuedAtMs };
      },
      (entry) => {
        if (this.usable(entry, plan)) this.entries.set(key, entry);
      },
    );
    return flight.then((entry) => {
      // A flight that started before a revocation the caller's plan now knows of is not joined.
      if ((plan.notBeforeMs ?? 0) <= entry.issuedAtMs) return entry.credentials;
      return this.inner.issue(plan);
    });
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Enough life left, and not issued before a revocation of the caller's sessions. */
  private usable(entry: CachedCredentials, plan: SessionPlan): boolean {
    const remainingMs = entry.credentials.expiration.getTime() - this.now();
    return (
      remainingMs >= plan.durationSeconds * 1000 * this.minRemainingShare &&
      entry.issuedAtMs >= (plan.notBeforeMs ?? 0)
    );
  }
}
