/** Turns an authorized request into the exact STS call: policy, tags, source identity, session name, duration. */
import { createHash } from 'node:crypto';
import type { Authorization } from './authorize';
import type { Principal, SessionPlan, Tenant } from './model';
import { buildSessionPolicy, partitionOf } from './session-policy';

/** The session tag that the tenant access role's ABAC policy keys on (`${aws:PrincipalTag/tenant}`). */
export const TENANT_TAG_KEY = 'tenant';

/** Characters STS allows in RoleSessionName and SourceIdentity. */
const STS_NAME_DISALLOWED = /[^\w+=,.@-]/g;
const STS_NAME_MAX = 64;

/**
 * Makes `raw` a valid STS RoleSessionName/SourceIdentity (2-64 of `[\w+=,.@-]`). A value that needed changing
 * gets a short digest of the original appended, so that two different subjects never collapse into one name.
 */
export function stsSafeName(raw: string, maxLength = STS_NAME_MAX): string {
  const cleaned = raw.replace(STS_NAME_DISALLOWED, '-');
  if (cleaned === raw && raw.length >= 2 && raw.length <= maxLength) return raw;
  const digest = createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 10);
  return `${cleaned.slice(0, maxLength - digest.length - 1)}-${digest}`;
}

/** A RoleSessionName a person can read in CloudTrail: `<tenant>.<subject>.<request>`, within 64 characters. */
export function roleSessionName(tenantId: string, subject: string, requestId: string): string {
  const request = requestId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'request';
  const tenant = tenantId.slice(0, 24);
  const room = STS_NAME_MAX - tenant.length - request.length - 2;
  const who = stsSafeName(subject).slice(0, room);
  return `${tenant}.${who}.${request}`;
}

/** Everything `planSession` needs besides the authorization. */
export interface PlanContext {
  readonly principal: Principal;
  readonly tenant: Tenant;
  readonly requestId: string;
  /** The tenant access role, for tenants without a role of their own. */
  readonly defaultRoleArn: string;
}

/** Plans the session; pure and deterministic for the same input. */
export function planSession(context: PlanContext, authorization: Authorization): SessionPlan {
  const { principal, tenant, requestId } = context;
  const sourceIdentity = stsSafeName(principal.subject);
  const notBeforeMs = Math.max(
    ...tenant.revocations
      .filter((r) => r.sourceIdentity === undefined || r.sourceIdentity === sourceIdentity)
      .map((r) => r.beforeMs),
  );
  return {
    tenantId: tenant.tenantId,
    subject: principal.subject,
    roleArn: tenant.roleArn ?? context.defaultRoleArn,
    ...(tenant.externalId === undefined ? {} : { externalId: tenant.externalId }),
    region: authorization.region,
    durationSeconds: authorization.durationSeconds,
    scope: authorization.scope,
    policy: buildSessionPolicy(authorization.scope, partitionOf(authorization.region)),
    tags: [{ key: TENANT_TAG_KEY, value: tenant.tenantId }],
    transitiveTagKeys: [TENANT_TAG_KEY],
    sourceIdentity,
    roleSessionName: roleSessionName(tenant.tenantId, principal.subject, requestId),
    ...(Number.isFinite(notBeforeMs) ? { notBeforeMs } : {}),
  };
}
