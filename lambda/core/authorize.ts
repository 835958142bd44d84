/** Decides what a request may get from its tenant: the narrowed scope, the duration and the region. */
import {
  DurationTooLongError,
  DurationTooShortError,
  RegionNotAllowedError,
  ScopeNotGrantedError,
  TenantMisconfiguredError,
  TenantSuspendedError,
} from './errors';
import type { Grant, ScopeRequest, Tenant, VendRequest } from './model';
import { STS_MIN_DURATION_SECONDS } from './tenant-record';

/** What a request is allowed, before it becomes a session plan. */
export interface Authorization {
  readonly scope: readonly Grant[];
  readonly durationSeconds: number;
  readonly region: string;
}

/** Refuses a suspended tenant; used by every route that acts for a tenant. */
export function assertActive(tenant: Tenant): void {
  if (tenant.status !== 'active') {
    throw new TenantSuspendedError(
      `Tenant ${tenant.tenantId} is suspended; no credentials are issued for it.`,
    );
  }
}

/**
 * Authorizes `request` against `tenant`: a scope may narrow a grant (sub-prefix, fewer access levels) but never
 * widen it; the duration defaults to the tenant's and must lie within STS's minimum and the tenant's maximum;
 * the region must be one the tenant and the service allow.
 */
export function authorize(
  tenant: Tenant,
  request: VendRequest,
  allowedRegions: readonly string[],
): Authorization {
  assertActive(tenant);
  return {
    region: chooseRegion(tenant, request.region, allowedRegions),
    durationSeconds: chooseDuration(tenant, request.durationSeconds),
    scope:
      request.scope === undefined
        ? tenant.grants
        : withoutRepeats(request.scope.flatMap((entry) => narrow(tenant, entry))),
  };
}

/**
 * The scope without repeats: an entry is dropped when another of the same bucket and prefix allows all its access
 * levels (a prefix inside two grants narrows both, and a scope may ask for the same entry twice), so the session
 * policy, the response and the audit event say it once. Each entry that stays is still one grant's narrowing.
 */
function withoutRepeats(scope: readonly Grant[]): Grant[] {
  const covers = (wider: Grant, narrower: Grant) =>
    wider.bucket === narrower.bucket &&
    wider.prefix === narrower.prefix &&
    narrower.access.every((level) => wider.access.includes(level));
  return scope.filter(
    (entry, index) =>
      !scope.some(
        (other, otherIndex) =>
          otherIndex !== index &&
          covers(other, entry) &&
          // Of two entries that cover each other (the same), the first stays.
          (!covers(entry, other) || otherIndex < index),
      ),
  );
}

function chooseRegion(
  tenant: Tenant,
  requested: string | undefined,
  allowedRegions: readonly string[],
): string {
  if (requested === undefined) {
    if (!allowedRegions.includes(tenant.region)) {
      throw new TenantMisconfiguredError("This tenant's home region is not served by this deployment.", {
        detail: `tenant ${tenant.tenantId}: home region ${tenant.region} is not in ALLOWED_REGIONS`,
      });
    }
    return tenant.region;
  }
  if (!tenant.regions.includes(requested) || !allowedRegions.includes(requested)) {
    const allowed = tenant.regions.filter((r) => allowedRegions.includes(r));
    throw new RegionNotAllowedError(
      `Region ${requested} is not allowed for this tenant; allowed: ${allowed.join(', ') || 'none'}.`,
    );
  }
  return requested;
}

function chooseDuration(tenant: Tenant, requested: number | undefined): number {
  const duration = requested ?? tenant.defaultDurationSeconds;
  if (duration < STS_MIN_DURATION_SECONDS) {
    throw new DurationTooShortError(
      `durationSeconds must be at least ${STS_MIN_DURATION_SECONDS} (the STS minimum); got ${duration}.`,
    );
  }
  if (duration > tenant.maxDurationSeconds) {
    throw new DurationTooLongError(
      `durationSeconds must not exceed this tenant's maximum of ${tenant.maxDurationSeconds}; got ${duration}.`,
    );
  }
  return duration;
}

/** The grants that contain `entry`, each narrowed to it; refuses an entry no grant contains. */
function narrow(tenant: Tenant, entry: ScopeRequest): Grant[] {
  const narrowed = tenant.grants.flatMap((grant): Grant[] => {
    if (entry.bucket !== undefined && entry.bucket !== grant.bucket) return [];
    if (entry.prefix !== undefined && !entry.prefix.startsWith(grant.prefix)) return [];
    const access = entry.access ?? grant.access;
    if (!access.every((level) => grant.access.includes(level))) return [];
    return [{ bucket: grant.bucket, prefix: entry.prefix ?? grant.prefix, access }];
  });
  if (narrowed.length === 0) {
    throw new ScopeNotGrantedError(
      `The requested scope ${describeEntry(entry)} is not within this tenant's grants.`,
    );
  }
  return narrowed;
}

function describeEntry(entry: ScopeRequest): string {
  const where = `${entry.bucket ?? '*'}/${entry.prefix ?? ''}`;
  return entry.access === undefined ? where : `${where} (${entry.access.join(',')})`;
}
