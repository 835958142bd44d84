/** The response bodies of the vend routes: credvend JSON, container credentials, credential_process, dry run. */
import type { IssuedCredentials, SessionPlan, Tenant } from '../core/model';

/** RFC 3339 without fractional seconds, as AWS writes expirations. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `POST /v1/credentials`. */
export function credentialsBody(plan: SessionPlan, credentials: IssuedCredentials) {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    expiration: rfc3339(credentials.expiration),
    region: plan.region,
    tenantId: plan.tenantId,
    durationSeconds: plan.durationSeconds,
    scope: plan.scope,
  };
}

/** `GET /v1/credentials/container`: what `AWS_CONTAINER_CREDENTIALS_FULL_URI` clients read (IMDS-style fields too). */
export function containerCredentialsBody(credentials: IssuedCredentials, issuedAt: Date) {
  return {
    Code: 'Success',
    LastUpdated: rfc3339(issuedAt),
    Type: 'AWS-HMAC',
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: rfc3339(credentials.expiration),
  };
}

/** `GET /v1/credentials/process`: the `credential_process` JSON (Version 1). */
export function credentialProcessBody(credentials: IssuedCredentials) {
  return {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: rfc3339(credentials.expiration),
  };
}

/** `POST /v1/credentials/dry-run`: the plan, exactly as it would be sent to STS. */
export function dryRunBody(plan: SessionPlan) {
  return {
    dryRun: true,
    tenantId: plan.tenantId,
    subject: plan.subject,
    roleArn: plan.roleArn,
    region: plan.region,
    durationSeconds: plan.durationSeconds,
    scope: plan.scope,
    sessionPolicy: JSON.parse(plan.policy) as unknown,
    sessionPolicySize: plan.policy.length,
    sessionTags: plan.tags.map((t) => ({ Key: t.key, Value: t.value })),
    transitiveTagKeys: plan.transitiveTagKeys,
    sourceIdentity: plan.sourceIdentity,
    roleSessionName: plan.roleSessionName,
  };
}

/** `GET /v1/tenant`: what the caller's tenant may ask for, and how the deployment obtains its sessions. */
export function tenantBody(
  tenant: Tenant,
  allowedRegions: readonly string[],
  sessionMode: 'role-chaining' | 'web-identity',
) {
  return {
    tenantId: tenant.tenantId,
    status: tenant.status,
    grants: tenant.grants,
    defaultDurationSeconds: tenant.defaultDurationSeconds,
    maxDurationSeconds: tenant.maxDurationSeconds,
    region: tenant.region,
    regions: tenant.regions.filter((r) => allowedRegions.includes(r)),
    sessionMode,
  };
}
