/**
 * Revocation of live sessions as one inline policy of the tenant access role that credvend owns: a deny of
 * everything to sessions tagged with a tenant (and, for one user, carrying that user's source identity) whose token
 * was issued before a time (`aws:TokenIssueTime`). Entries are merged and pruned so that the policy stays bounded,
 * and refused with advice when the role's inline policies would outgrow IAM's limit. Plain JSON, no I/O.
 */
import { TENANT_TAG_KEY } from '../../lambda/core/session-plan';
import type { PolicyJson } from './tenant-access-policy';

/** The name of the role policy that holds the revocations. */
export const REVOCATION_POLICY_NAME = 'CredvendRevocations';

/** IAM's limit on the inline policies of one role together, counted without whitespace. */
export const MAX_ROLE_INLINE_POLICY_CHARS = 10_240;

/** Sessions of a tenant, or of one of its users, issued before a time stop working. */
export interface Revocation {
  readonly tenantId: string;
  /** The user's source identity (what the vend sets from the token's subject); absent: every session of the tenant. */
  readonly sourceIdentity?: string;
  /** Sessions whose token was issued before this instant are denied: ISO 8601 UTC, whole seconds (`…T12:00:00Z`). */
  readonly before: string;
}

/** A revocation policy that cannot be read back or would not fit; the message says what to do. */
export class RevocationPolicyError extends Error {
  override name = 'RevocationPolicyError';
}

const WHOLE_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TAG_CONDITION = `aws:PrincipalTag/${TENANT_TAG_KEY}`;

/** The deny statement of one revocation. */
export function revocationStatement(revocation: Revocation): Record<string, unknown> {
  return {
    Effect: 'Deny',
    Action: '*',
    Resource: '*',
    Condition: {
      StringEquals: {
        [TAG_CONDITION]: revocation.tenantId,
        ...(revocation.sourceIdentity === undefined
          ? {}
          : { 'aws:SourceIdentity': revocation.sourceIdentity }),
      },
      DateLessThan: { 'aws:TokenIssueTime': revocation.before },
    },
  };
}

/** The policy holding `revocations`, or undefined when there are none (the role policy is then deleted). */
export function revocationPolicy(revocations: readonly Revocation[]): PolicyJson | undefined {
  if (revocations.length === 0) return undefined;
  return { Version: '2012-10-17', Statement: revocations.map(revocationStatement) };
}

/**
 * The revocations a policy written by `revocationPolicy` holds. Throws `RevocationPolicyError` for any statement it
 * did not write: credvend never rewrites a policy it cannot read back exactly.
 */
export function parseRevocationPolicy(document: unknown): Revocation[] {
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements)) throw foreign('it has no Statement list');
  return statements.map((statement: unknown, index) => {
    const condition = (statement as { Condition?: Record<string, Record<string, unknown>> }).Condition;
    const equals = condition?.StringEquals ?? {};
    const tenantId = equals[TAG_CONDITION];
    const sourceIdentity = equals['aws:SourceIdentity'];
    const before = condition?.DateLessThan?.['aws:TokenIssueTime'];
    const revocation: Revocation = {
      tenantId: String(tenantId),
      ...(sourceIdentity === undefined ? {} : { sourceIdentity: String(sourceIdentity) }),
      before: String(before),
    };
    const valid =
      typeof tenantId === 'string' &&
      (sourceIdentity === undefined || typeof sourceIdentity === 'string') &&
      typeof before === 'string' &&
      WHOLE_SECONDS.test(before);
    if (!valid || JSON.stringify(revocationStatement(revocation)) !== JSON.stringify(statement)) {
      throw foreign(`statement ${index + 1} is not one credvend writes`);
    }
    return revocation;
  });
}

/** How long a session can live in the deployment, and the clock. */
export interface RevocationClock {
  readonly nowMs: number;
  /** The longest session the deployment can issue (the session mode's cap), in seconds. */
  readonly maxSessionSeconds: number;
}

/**
 * The revocations still needed at `clock.nowMs`: an entry goes once every session issued before it has expired
 * anyway (`before` + the longest session lies in the past); a later entry for the same tenant and user replaces an
 * earlier one, and a tenant-wide entry replaces its users' entries that it covers. Sorted, so the policy is stable.
 */
export function pruneRevocations(revocations: readonly Revocation[], clock: RevocationClock): Revocation[] {
  const alive = revocations.filter(
    (r) => Date.parse(r.before) + clock.maxSessionSeconds * 1000 > clock.nowMs,
  );
  const latest = new Map<string, Revocation>();
  for (const revocation of alive) {
    const key = `${revocation.tenantId}\n${revocation.sourceIdentity ?? ''}`;
    const kept = latest.get(key);
    if (kept === undefined || kept.before < revocation.before) latest.set(key, revocation);
  }
  const kept = [...latest.values()].filter((r) => {
    if (r.sourceIdentity === undefined) return true;
    const tenantWide = latest.get(`${r.tenantId}\n`);
    return tenantWide === undefined || tenantWide.before < r.before;
  });
  return kept.sort(
    (a, b) =>
      a.tenantId.localeCompare(b.tenantId) ||
      (a.sourceIdentity ?? '').localeCompare(b.sourceIdentity ?? '') ||
      a.before.localeCompare(b.before),
  );
}

/** The characters IAM counts for a policy: its JSON without whitespace. */
export function policyChars(document: PolicyJson): number {
  return JSON.stringify(document).length;
}

/**
 * `revocations` with `added` merged in and pruned, checked to fit beside the role's other inline policies
 * (`otherPolicyChars` characters). Throws `RevocationPolicyError` saying what to do when it would not fit.
 */
export function withRevocation(
  revocations: readonly Revocation[],
  added: Revocation,
  clock: RevocationClock & { readonly otherPolicyChars: number },
): Revocation[] {
  if (!WHOLE_SECONDS.test(added.before) || Number.isNaN(Date.parse(added.before))) {
    throw new RevocationPolicyError(
      `a revocation time must be an ISO 8601 UTC time in whole seconds (e.g. 2026-12-01T12:00:00Z), not "${added.before}"`,
    );
  }
  const next = pruneRevocations([...revocations, added], clock);
  const policy = revocationPolicy(next);
  const size = policy === undefined ? 0 : policyChars(policy);
  if (size + clock.otherPolicyChars > MAX_ROLE_INLINE_POLICY_CHARS) {
    const firstExpiry = Math.min(...next.map((r) => Date.parse(r.before))) + clock.maxSessionSeconds * 1000;
    throw new RevocationPolicyError(
      `the revocation policy would need ${size} characters beside the role's other inline policies ` +
        `(${clock.otherPolicyChars}), over IAM's ${MAX_ROLE_INLINE_POLICY_CHARS} for a role: suspend the tenant ` +
        `instead, or revoke the whole tenant rather than single users (one entry covers them), or wait until ` +
        `${new Date(firstExpiry).toISOString()}, when the oldest entry can be pruned`,
    );
  }
  return next;
}

function foreign(reason: string): RevocationPolicyError {
  return new RevocationPolicyError(
    `the role policy ${REVOCATION_POLICY_NAME} cannot be read back (${reason}); it is credvend's own: remove the ` +
      'statements that were added to it by hand, or the policy, and revoke again',
  );
}
