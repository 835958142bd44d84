/** The typed values the core works with: principals, tenants, grants, requests, session plans and credentials. */

/** Access levels a grant may carry; each maps to a fixed set of S3 actions (see `session-policy.ts`). */
export const ACCESS_LEVELS = ['read', 'write', 'delete', 'list'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Who is calling, as proven by a verified token. */
export interface Principal {
  readonly subject: string;
  readonly tenantId: string;
  /** True when the token says the user signed in with MFA (`amr` contains `mfa`). */
  readonly mfa: boolean;
}

/** One grant: access levels on the objects of a bucket under a key prefix (always ending in `/`). */
export interface Grant {
  readonly bucket: string;
  readonly prefix: string;
  readonly access: readonly AccessLevel[];
}

/** A tenant record, validated. */
export interface Tenant {
  readonly tenantId: string;
  readonly status: 'active' | 'suspended';
  readonly grants: readonly Grant[];
  readonly defaultDurationSeconds: number;
  readonly maxDurationSeconds: number;
  /** Home region: where credentials are issued unless the request asks for another allowed region. */
  readonly region: string;
  /** Regions the tenant may ask for; always contains `region`. */
  readonly regions: readonly string[];
  /** The role to assume; the service's default tenant access role when absent. */
  readonly roleArn?: string;
  readonly externalId?: string;
  /**
   * Sessions of the tenant (or of one user, by source identity) issued before `beforeMs` are revoked: the role
   * denies them, and the function must not hand out a cached credential issued before then.
   */
  readonly revocations: readonly { readonly beforeMs: number; readonly sourceIdentity?: string }[];
}

/** What the caller asked for, parsed and syntactically safe, not yet authorized. */
export interface VendRequest {
  /** Absent: everything the tenant is granted. */
  readonly scope?: readonly ScopeRequest[];
  readonly durationSeconds?: number;
  readonly region?: string;
}

/** One requested scope entry; absent fields mean "as granted". */
export interface ScopeRequest {
  readonly bucket?: string;
  readonly prefix?: string;
  readonly access?: readonly AccessLevel[];
}

/** Everything needed to call STS, decided before any call is made. */
export interface SessionPlan {
  readonly tenantId: string;
  readonly subject: string;
  readonly roleArn: string;
  readonly externalId?: string;
  readonly region: string;
  readonly durationSeconds: number;
  /** The effective (narrowed) grants the session policy allows. */
  readonly scope: readonly Grant[];
  /** The session policy JSON, exactly as sent to STS. */
  readonly policy: string;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity: string;
  readonly roleSessionName: string;
  /** Credentials issued before this instant (epoch ms) were revoked: a cache must not hand them out. */
  readonly notBeforeMs?: number;
}

/** Short-lived credentials as issued. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** The assumed-role ARN, when STS reports it. */
  readonly assumedRoleArn?: string;
}
