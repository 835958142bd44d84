/** Public types of the STS emulator: its options, the emulated roles, faults, and what it records. */

/** How a role's trust policy is emulated: who may assume it and with which session attributes. */
export interface RoleTrust {
  /**
   * Principals allowed to assume the role (its trust policy's `Principal.AWS`): a role ARN admits every
   * assumed-role session of that role, a user or session ARN admits exactly that principal,
   * `arn:aws:iam::<account>:root` (or the bare account id) admits every principal of the account, `*` anyone.
   */
  readonly principals: readonly string[];
  /** Tag keys that every session must carry (`aws:RequestTag/<key>` conditions); grants `sts:TagSession`. */
  readonly requireTags?: readonly string[];
  /**
   * Grants `sts:TagSession` for these keys only (`aws:TagKeys`); `'*'` admits any key. When absent, any key is
   * admitted if `requireTags` is set, and tagging is refused otherwise.
   */
  readonly allowTagKeys?: readonly string[];
  /** Grants `sts:SetSourceIdentity` and refuses sessions without a source identity. */
  readonly requireSourceIdentity?: boolean;
  /** Grants `sts:SetSourceIdentity` without requiring it. */
  readonly allowSourceIdentity?: boolean;
  /** The `sts:ExternalId` the caller must pass. */
  readonly externalId?: string;
}

/** An IAM role that the emulator can hand out sessions of; its ARN is `arn:aws:iam::<account>:role/<name>`. */
export interface EmulatedRole {
  readonly roleName: string;
  /** The role's MaxSessionDuration, 3600–43200. @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  readonly trust: RoleTrust;
}

/** Long-term (or pre-issued) credentials the emulator accepts, and the principal they authenticate as. */
export interface BaseCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /**
   * The caller's ARN, e.g. `arn:aws:sts::000000000000:assumed-role/credvend-vend-function/local` (a Lambda's
   * execution-role session: AssumeRole from it is role chaining) or `arn:aws:iam::000000000000:user/dev`.
   */
  readonly principalArn: string;
}

/** The faults an emulator injects; the rates draw independently for every STS request. */
export interface FaultConfig {
  /** Delay before every STS response, in milliseconds. */
  readonly latencyMs?: number;
  /** Share of requests (0..1) answered 400 `Throttling` "Rate exceeded". */
  readonly throttleRate?: number;
  /** Share of requests (0..1) answered 500 `InternalFailure` or 503 `ServiceUnavailable` (half each). */
  readonly serverErrorRate?: number;
  /** Share of requests (0..1) never answered (until the emulator closes). */
  readonly hangRate?: number;
  /** Deterministic alternative: the next `count` STS requests fail with `code`, before any rate is drawn. */
  readonly failNext?: { readonly code: FaultCode; readonly count: number };
}

/** A fault that `failNext` can inject. */
export type FaultCode = 'Throttling' | 'InternalFailure' | 'ServiceUnavailable' | 'Hang';

/** Options of `startStsEmulator`. */
export interface StsEmulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to bind; anything else is refused. @default '127.0.0.1' */
  readonly host?: string;
  /** The emulated account. @default '000000000000' */
  readonly accountId?: string;
  /** When set, requests must be signed for this region (like a regional endpoint); any region otherwise. */
  readonly region?: string;
  readonly baseCredentials: readonly BaseCredentials[];
  readonly roles: readonly EmulatedRole[];
  readonly faults?: FaultConfig;
  /** The emulator's clock in epoch milliseconds (issue and expiry times, request-date skew, `Date` header). */
  readonly now?: () => number;
  /** Largest accepted request body; larger ones get 413. @default 65536 */
  readonly maxBodyBytes?: number;
  /** Sessions kept; when full, expired ones go first, then the oldest (down to 90%). @default 100000 */
  readonly maxSessions?: number;
  /** Told about failures of the emulator itself, which the client sees as a bare 500 `InternalFailure`. */
  readonly onInternalError?: (error: unknown) => void;
  /** Told about every session's credentials as they are minted (the test suite's leak scan learns the secrets so). */
  readonly onSessionMinted?: (credentials: SessionCredentials) => void;
}

/** The credentials of an issued session. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** A session tag, shaped like the SDK's `Tag`. */
export interface SessionTag {
  readonly Key: string;
  readonly Value: string;
}

/** What the emulator remembers of a session it issued; never its secret access key or session token. */
export interface SessionRecord {
  readonly accessKeyId: string;
  /** `AssumeRole` sessions are role sessions; `GetSessionToken` sessions keep their user's identity. */
  readonly kind: 'AssumeRole' | 'GetSessionToken';
  /** The session's principal: `arn:aws:sts::<account>:assumed-role/<role>/<session>` or the user's ARN. */
  readonly arn: string;
  /** `AROA…:<session>` for role sessions, the user's id otherwise. */
  readonly userId: string;
  readonly accountId: string;
  readonly roleArn?: string;
  readonly roleName?: string;
  readonly roleSessionName?: string;
  /** The inline session policy as it was passed. */
  readonly policy?: string;
  readonly policyArns: readonly string[];
  /** Every session tag: the ones passed and the transitive ones inherited from the caller's session. */
  readonly tags: readonly SessionTag[];
  /** Keys of `tags` that pass on to sessions that this one assumes. */
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity?: string;
  readonly externalId?: string;
  readonly packedPolicySize?: number;
  readonly durationSeconds: number;
  /** ISO 8601, second precision. */
  readonly issuedAt: string;
  readonly expiration: string;
  /** Whether the session had expired by the emulator's clock when this record was read. */
  readonly expired: boolean;
  /** The ARN and access key id of the principal that asked for the session. */
  readonly issuerArn: string;
  readonly issuerAccessKeyId: string;
}

/** One STS request the emulator answered (or left hanging: status 0). */
export interface StsCallRecord {
  /** The `Action` parameter, `''` when missing. */
  readonly action: string;
  /** The access key id the request was signed with, when it carried one. */
  readonly accessKeyId?: string;
  readonly status: number;
}

/** A running emulator. */
export interface StsEmulator {
  /** `http://127.0.0.1:<port>`: the `endpoint` for an `STSClient`. */
  readonly url: string;
  readonly port: number;
  /** Replaces the fault configuration (all of it, `failNext` included). */
  setFaults(faults: FaultConfig): void;
  /** The record of the session an access key id belongs to. */
  inspect(accessKeyId: string): SessionRecord | undefined;
  /** The STS requests so far (the latest 100,000 at most), oldest first; the same array across calls. */
  readonly calls: readonly StsCallRecord[];
  resetCalls(): void;
  /** Stops listening and destroys every connection, keep-alive and hanging ones included. */
  close(): Promise<void>;
}
