/**
 * A single-flight, bounded, in-memory credential cache in front of any `CredentialIssuer` (pure: no I/O of its own).
 * Repeated identical vends by one caller reuse one STS session while it still has most of its life left, which
 * spares the account's shared STS quota (600 requests/s per region) and the STS round trip.
 */
import type { IssuedCredentials, SessionPlan } from '../core/model';
import type { CredentialIssuer } from '../core/ports';

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

/** Reuses issued credentials for identical plans of the same caller; concurrent identical requests share one call. */
export class CachingCredentialIssuer implements CredentialIssuer {
  readonly maxSessionSeconds: number;
  private readonly entries = new Map<string, IssuedCredentials>();
  private readonly inFlight = new Map<string, Promise<IssuedCredentials>>();
  private readonly minRemainingShare: number;
  private readonly maxEntries: number;
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
    this.maxEntries = options.maxEntries ?? 1000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 0) {
      throw new RangeError(`maxEntries must be a non-negative integer, got ${this.maxEntries}`);
    }
    this.now = options.now ?? Date.now;
  }

  /** Credentials for `plan`: from memory while they keep enough life, otherwise from the wrapped issuer. */
  issue(plan: SessionPlan): Promise<IssuedCredentials> {
    if (this.maxEntries === 0) return this.inner.issue(plan);
    const key = credentialCacheKey(plan);
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      if (this.usable(cached, plan)) {
        this.entries.set(key, cached); // most recently used
        return Promise.resolve(cached);
      }
    }
    return this.inFlight.get(key) ?? this.load(key, plan);
  }

  /** Forgets every cached credential of a tenant (e.g. when it is suspended). */
  forgetTenant(tenantId: string): void {
    const prefix = JSON.stringify([tenantId]).slice(0, -1);
    for (const key of this.entries.keys()) if (key.startsWith(`${prefix},`)) this.entries.delete(key);
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private usable(credentials: IssuedCredentials, plan: SessionPlan): boolean {
    const remainingMs = credentials.expiration.getTime() - this.now();
    return remainingMs >= plan.durationSeconds * 1000 * this.minRemainingShare;
  }

  private load(key: string, plan: SessionPlan): Promise<IssuedCredentials> {
    const flight = this.inner.issue(plan).then(
      (credentials) => {
        this.inFlight.delete(key);
        this.remember(key, credentials, plan);
        return credentials;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, flight);
    return flight;
  }

  private remember(key: string, credentials: IssuedCredentials, plan: SessionPlan): void {
    if (!this.usable(credentials, plan)) return;
    this.entries.set(key, credentials);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }
}
