/** The tenant record schema: what the tenant table holds, validated on every read. */
import * as z from 'zod/mini';
import './zod-messages';
import { TenantMisconfiguredError } from './errors';
import { ACCESS_LEVELS, type Tenant } from './model';

/** Tenant ids: lower-case letters, digits and inner hyphens, 1-48 characters (they appear in tags, prefixes and session names). */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
/** S3 bucket names as AWS allows them for new buckets (no dots, to keep ARNs unambiguous). */
export const BUCKET_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** A key prefix: safe-character segments, each followed by `/`; no empty, `.` or `..` segment. */
export const PREFIX_PATTERN = /^(?:(?!\.{1,2}\/)[A-Za-z0-9!_.()=@+,-]+\/)+$/;
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** One IAM role's ARN (no wildcards). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** What STS accepts as an `ExternalId`. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
/** STS limits for AssumeRole durations. */
export const STS_MIN_DURATION_SECONDS = 900;
export const STS_MAX_DURATION_SECONDS = 43_200;

const duration = z.int().check(z.minimum(STS_MIN_DURATION_SECONDS), z.maximum(STS_MAX_DURATION_SECONDS));
/** An instant in whole seconds, UTC, as STS writes `aws:TokenIssueTime`. */
const WHOLE_SECONDS_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** Revocations a record keeps at most (`credvend-admin` prunes expired ones on every change). */
export const MAX_RECORD_REVOCATIONS = 100;

/** The stored shape (DynamoDB item). Unknown attributes are ignored; missing `regions` means the home region only. */
export const tenantRecordSchema = z
  .object({
    tenantId: z.string().check(z.regex(TENANT_ID_PATTERN)),
    status: z.enum(['active', 'suspended']),
    grants: z
      .array(
        z.object({
          bucket: z.string().check(z.regex(BUCKET_PATTERN)),
          prefix: z.string().check(z.maxLength(512), z.regex(PREFIX_PATTERN)),
          access: z.array(z.enum(ACCESS_LEVELS)).check(z.minLength(1)),
        }),
      )
      .check(z.maxLength(20)),
    defaultDurationSeconds: duration,
    maxDurationSeconds: duration,
    region: z.string().check(z.regex(REGION_PATTERN)),
    regions: z.optional(z.array(z.string().check(z.regex(REGION_PATTERN)))),
    roleArn: z.optional(z.string().check(z.regex(ROLE_ARN_PATTERN))),
    externalId: z.optional(z.string().check(z.regex(EXTERNAL_ID_PATTERN))),
    revocations: z.optional(
      z
        .array(
          z.object({
            before: z.string().check(
              z.regex(WHOLE_SECONDS_ISO),
              z.refine((t) => !Number.isNaN(Date.parse(t)), 'must be a valid time'),
            ),
            sourceIdentity: z.optional(z.string().check(z.regex(/^[\w+=,.@-]{2,64}$/))),
          }),
        )
        .check(z.maxLength(MAX_RECORD_REVOCATIONS)),
    ),
  })
  .check(
    z.refine((r) => r.defaultDurationSeconds <= r.maxDurationSeconds, {
      message: 'defaultDurationSeconds must not exceed maxDurationSeconds',
      path: ['defaultDurationSeconds'],
    }),
  );

/** What a record must also satisfy for this deployment. */
export interface TenantRecordRules {
  /** The longest session the issuer can obtain: 3600 s for role chaining, the role's maximum with web identity. */
  readonly maxSessionSeconds: number;
  /** What sets `maxSessionSeconds`, for the refusal's message. @default 'STS role chaining' */
  readonly maxSessionSource?: string;
  /** Buckets the tenant access role covers. */
  readonly dataBuckets: readonly string[];
  /** Where a tenant's data lives, e.g. `tenants/{tenant}/`; every grant must lie under it. */
  readonly prefixTemplate: string;
  /** Tenant-owned roles by tenant (`TENANT_ROLES`): a record's `roleArn` must be its tenant's; empty for none. */
  readonly tenantRoles: ReadonlyMap<string, string>;
}

/** Renders the tenant's root prefix from the template. */
export function tenantRootPrefix(template: string, tenantId: string): string {
  return template.replaceAll('{tenant}', tenantId);
}

/** A record checked against the schema and the deployment's rules: the tenant, or every problem found. */
export type TenantRecordCheck =
  | { readonly ok: true; readonly tenant: Tenant }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks a record for `expectedTenantId` by the schema and the deployment's rules, and lists every problem at once
 * (`credvend-admin` shows them all before anything is written; the function refuses the record on the first read).
 */
export function checkTenantRecord(
  item: unknown,
  expectedTenantId: string,
  rules: TenantRecordRules,
): TenantRecordCheck {
  const parsed = tenantRecordSchema.safeParse(item);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const r = parsed.data;
  const problems: string[] = [];
  if (r.tenantId !== expectedTenantId) problems.push(`record is for tenant ${r.tenantId}`);
  if (r.maxDurationSeconds > rules.maxSessionSeconds) {
    problems.push(
      `maxDurationSeconds ${r.maxDurationSeconds} exceeds the issuer's cap of ${rules.maxSessionSeconds} s (${rules.maxSessionSource ?? 'STS role chaining'})`,
    );
  }
  const root = tenantRootPrefix(rules.prefixTemplate, r.tenantId);
  r.grants.forEach((g, index) => {
    if (!rules.dataBuckets.includes(g.bucket))
      problems.push(
        `grants.${index}.bucket: grant bucket ${g.bucket} is not a data bucket of this deployment`,
      );
    if (!g.prefix.startsWith(root))
      problems.push(`grants.${index}.prefix: grant prefix ${g.prefix} is outside the tenant root ${root}`);
  });
  const regions = r.regions ?? [r.region];
  if (!regions.includes(r.region)) problems.push(`region: home region ${r.region} is not in regions`);
  if (r.roleArn !== undefined) {
    // A record cannot pick another tenant's role: the deployment, not whoever writes records, binds roles to tenants.
    const mapped = rules.tenantRoles.get(r.tenantId);
    if (mapped !== r.roleArn) {
      problems.push(
        `roleArn: ${r.roleArn} is not the role this deployment maps to tenant ${r.tenantId} (${mapped === undefined ? 'it maps none' : `it maps ${mapped}`})`,
      );
    }
    if (r.externalId === undefined) {
      problems.push('externalId: required with roleArn (credvend-admin generates it when it sets roleArn)');
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    tenant: {
      tenantId: r.tenantId,
      status: r.status,
      grants: r.grants.map((g) => ({ bucket: g.bucket, prefix: g.prefix, access: [...new Set(g.access)] })),
      defaultDurationSeconds: r.defaultDurationSeconds,
      maxDurationSeconds: r.maxDurationSeconds,
      region: r.region,
      regions,
      ...(r.roleArn === undefined ? {} : { roleArn: r.roleArn }),
      ...(r.externalId === undefined ? {} : { externalId: r.externalId }),
      revocations: (r.revocations ?? []).map((entry) => ({
        beforeMs: Date.parse(entry.before),
        ...(entry.sourceIdentity === undefined ? {} : { sourceIdentity: entry.sourceIdentity }),
      })),
    },
  };
}

/**
 * Validates a stored record for `expectedTenantId`; throws `TenantMisconfiguredError` with every reason in `detail`.
 * A tenant whose durations exceed the issuer's cap is rejected here, so a caller never learns it from STS.
 */
export function parseTenantRecord(item: unknown, expectedTenantId: string, rules: TenantRecordRules): Tenant {
  const check = checkTenantRecord(item, expectedTenantId, rules);
  if (check.ok) return check.tenant;
  throw new TenantMisconfiguredError(
    "This tenant's configuration is invalid; the platform team has to correct it.",
    {
      detail: `tenant ${expectedTenantId}: ${check.problems.join('; ')}`,
    },
  );
}
