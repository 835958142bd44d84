/**
 * The isolation oracle: what a request should get, decided by plain string comparisons over what was granted,
 * with no IAM semantics and no code from `lambda/core`. The simulator's verdict on the real policies must agree.
 */
import type { Decision } from '../support/iam-harness';
import type { Probe } from './probes';

/** The S3 object actions of each access level, written out independently of `OBJECT_ACTIONS`. */
export const LEVEL_ACTIONS = {
  read: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  delete: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
} as const;

/** Everything the tenant access role lets a tenant do on objects: every level's actions. */
export const ALL_OBJECT_ACTIONS: readonly string[] = Object.values(LEVEL_ACTIONS).flat();

/** One thing a set of credentials may do: object actions and/or listing, in one bucket, under one key prefix. */
export interface Entitlement {
  readonly bucket: string;
  /** A literal key prefix, ending in `/`. */
  readonly prefix: string;
  readonly objectActions: readonly string[];
  readonly list: boolean;
}

/** The entitlements of a session scope (grants with access levels). */
export function scopeEntitlements(
  scope: readonly { bucket: string; prefix: string; access: readonly string[] }[],
): Entitlement[] {
  return scope.map((grant) => ({
    bucket: grant.bucket,
    prefix: grant.prefix,
    objectActions: Object.entries(LEVEL_ACTIONS)
      .filter(([level]) => grant.access.includes(level))
      .flatMap(([, actions]) => actions),
    list: grant.access.includes('list'),
  }));
}

/** The entitlements the tenant access role gives a tenant: all of it, under its root prefix of each data bucket. */
export function roleEntitlements(dataBuckets: readonly string[], tenantRoot: string): Entitlement[] {
  return dataBuckets.map((bucket) => ({
    bucket,
    prefix: tenantRoot,
    objectActions: ALL_OBJECT_ACTIONS,
    list: true,
  }));
}

/**
 * Whether `entitlements` allow `probe`: an object action iff some entitlement has the action, the bucket, and a
 * prefix the key starts with; `s3:ListBucket` iff the request carries an `s3:prefix` that starts with the prefix
 * of a listing entitlement of the bucket (StringLike `<prefix>*`, no normalisation: S3 keys are literal, so
 * `tenants/a/../ab/` lies under `tenants/a/`). Nothing else is ever allowed.
 */
export function entitles(entitlements: readonly Entitlement[], probe: Probe): boolean {
  switch (probe.kind) {
    case 'object':
      return entitlements.some(
        (e) =>
          e.bucket === probe.bucket &&
          probe.key.startsWith(e.prefix) &&
          e.objectActions.includes(probe.action),
      );
    case 'list': {
      const listed = probe.prefix;
      return (
        probe.action === 's3:ListBucket' &&
        listed !== undefined &&
        entitlements.some((e) => e.list && e.bucket === probe.bucket && listed.startsWith(e.prefix))
      );
    }
    default:
      return false;
  }
}

/**
 * The expected verdict: allowed iff every fence in play entitles the probe. A session whose scope is empty must be
 * denied explicitly (its policy is the explicit Deny); every other refusal is implicit, as nothing else denies.
 */
export function expectedDecision(
  fences: readonly (readonly Entitlement[])[],
  probe: Probe,
  explicitDenyAll: boolean,
): Decision {
  if (explicitDenyAll) return 'ExplicitlyDenied';
  return fences.every((entitlements) => entitles(entitlements, probe)) ? 'Allowed' : 'ImplicitlyDenied';
}
