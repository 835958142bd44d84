/** The `CredentialIssuer` on STS AssumeRole: regional clients reused, one deadline per call, STS errors mapped to ours. */
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  type AssumeRoleCommandOutput,
  ExpiredTokenException,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
  RegionDisabledException,
  type STSClient,
} from '@aws-sdk/client-sts';
import {
  IssuerRejectedError,
  PolicyTooLargeError,
  ThrottledError,
  UpstreamUnavailableError,
  type VendingError,
} from '../core/errors';
import type { IssuedCredentials, SessionPlan } from '../core/model';
import type { CredentialIssuer } from '../core/ports';
import {
  type AwsClientOptions,
  asSdkError,
  checkDeadlineMs,
  createStsClient,
  DeadlineExceededError,
  isTransientFailure,
  sendWithDeadline,
} from './aws-clients';

/**
 * The Lambda assumes the tenant access role with its own execution-role credentials: that is role chaining,
 * and STS caps a chained session at one hour whatever the role's MaxSessionDuration says.
 */
export const ROLE_CHAINING_MAX_SESSION_SECONDS = 3600;

/** Seconds a client should wait after we were throttled or STS was unavailable (the SDK has already retried). */
export const ISSUER_RETRY_AFTER_SECONDS = 2;

/** Options of `StsCredentialIssuer`; every one has a production default. */
export interface StsCredentialIssuerOptions {
  /**
   * Builds the client of one region; called at most once per region.
   * @default a keep-alive `STSClient` on the regional endpoint (see `createStsClient`)
   */
  readonly clientFactory?: (region: string) => STSClient;
  /** Endpoint override for the default factory, e.g. the local STS emulator `http://127.0.0.1:PORT`. */
  readonly endpoint?: string;
  /** Attempts per AssumeRole for the default factory, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Connection timeout of the default factory. @default 1000 */
  readonly connectionTimeoutMs?: number;
  /** Per-attempt request timeout of the default factory. @default 3000 */
  readonly requestTimeoutMs?: number;
  /** Credentials for the default factory; the SDK's default chain (the Lambda's role) when absent. */
  readonly credentials?: AwsClientOptions['credentials'];
  /** Overall deadline of one `issue`, retries and backoff included. @default 6000 */
  readonly deadlineMs?: number;
}

const DEFAULT_DEADLINE_MS = 6000;
const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
/** `ExpiredToken` (unmodeled, 403) is what STS answers when the function's own credentials have expired. */
const REJECTION_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'ValidationError', 'ExpiredToken']);
const ROLE_CHAINING_LIMIT = /role chaining|1 hour session limit/i;
const REJECTED_MESSAGE =
  'The credential issuer refused to issue credentials for this tenant; the platform team has to act.';
const UNAVAILABLE_MESSAGE = 'The credential issuer is temporarily unavailable; retry shortly.';

/** Issues tenant credentials with STS AssumeRole (role-chaining mode: sessions of at most one hour). */
export class StsCredentialIssuer implements CredentialIssuer {
  /** Role chaining: see `ROLE_CHAINING_MAX_SESSION_SECONDS`. */
  readonly maxSessionSeconds = ROLE_CHAINING_MAX_SESSION_SECONDS;
  private readonly clients = new Map<string, STSClient>();
  private readonly clientFactory: (region: string) => STSClient;
  private readonly deadlineMs: number;

  constructor(options: StsCredentialIssuerOptions = {}) {
    this.deadlineMs = checkDeadlineMs(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    this.clientFactory =
      options.clientFactory ??
      ((region) =>
        createStsClient({
          region,
          ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
          ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
          ...(options.connectionTimeoutMs === undefined
            ? {}
            : { connectionTimeoutMs: options.connectionTimeoutMs }),
          ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
          ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        }));
  }

  /** Calls AssumeRole for `plan` in `plan.region`; throws a `VendingError` for every failure a caller should see. */
  async issue(plan: SessionPlan): Promise<IssuedCredentials> {
    // Without a Policy, STS would hand out everything the role allows: never let that happen by accident.
    if (plan.policy.trim() === '') {
      throw new Error(`refusing to call AssumeRole for tenant ${plan.tenantId} without a session policy`);
    }
    if (plan.durationSeconds > this.maxSessionSeconds) {
      throw new IssuerRejectedError(REJECTED_MESSAGE, {
        detail: `${describe(plan)}: DurationSeconds ${plan.durationSeconds} exceeds the ${this.maxSessionSeconds} s cap of STS role chaining; not sent`,
      });
    }
    const client = this.clientFor(plan.region);
    const command = new AssumeRoleCommand(toAssumeRoleInput(plan));
    let output: AssumeRoleCommandOutput;
    try {
      output = await sendWithDeadline(this.deadlineMs, (abortSignal) =>
        client.send(command, { abortSignal }),
      );
    } catch (error) {
      throw mapStsError(error, plan);
    }
    return toIssuedCredentials(output, plan);
  }

  /** Closes every client's keep-alive sockets (local sandbox shutdown, tests). */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private clientFor(region: string): STSClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.clientFactory(region);
      this.clients.set(region, client);
    }
    return client;
  }
}

/** The AssumeRole request for a plan: exactly these fields, `ExternalId` only when the tenant has one. */
export function toAssumeRoleInput(plan: SessionPlan): AssumeRoleCommandInput {
  return {
    RoleArn: plan.roleArn,
    RoleSessionName: plan.roleSessionName,
    DurationSeconds: plan.durationSeconds,
    Policy: plan.policy,
    Tags: plan.tags.map((t) => ({ Key: t.key, Value: t.value })),
    TransitiveTagKeys: [...plan.transitiveTagKeys],
    SourceIdentity: plan.sourceIdentity,
    ...(plan.externalId === undefined ? {} : { ExternalId: plan.externalId }),
  };
}

function toIssuedCredentials(output: AssumeRoleCommandOutput, plan: SessionPlan): IssuedCredentials {
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output.Credentials ?? {};
  if (
    !nonEmpty(AccessKeyId) ||
    !nonEmpty(SecretAccessKey) ||
    !nonEmpty(SessionToken) ||
    !(Expiration instanceof Date) ||
    Number.isNaN(Expiration.getTime())
  ) {
    const usable = {
      AccessKeyId: nonEmpty(AccessKeyId),
      SecretAccessKey: nonEmpty(SecretAccessKey),
      SessionToken: nonEmpty(SessionToken),
      Expiration: Expiration instanceof Date && !Number.isNaN(Expiration.getTime()),
    };
    const missing = Object.entries(usable)
      .filter(([, ok]) => !ok)
      .map(([field]) => `Credentials.${field}`);
    // 502: STS answered, but not with usable credentials. Only field names go to the audit log, never values.
    throw new IssuerRejectedError(REJECTED_MESSAGE, {
      detail: `${describe(plan)}: AssumeRole answered without a usable ${missing.join(', ')}`,
    });
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: Expiration,
    ...(nonEmpty(output.AssumedRoleUser?.Arn) ? { assumedRoleArn: output.AssumedRoleUser.Arn } : {}),
  };
}

/**
 * Maps an AssumeRole failure to the error hierarchy. `VendingError`s carry the STS code and message in `detail`
 * (audit log only) and a generic message; bugs on our side and unknown failures stay plain `Error`s (generic 500).
 */
export function mapStsError(error: unknown, plan: SessionPlan): VendingError | Error {
  const e = asSdkError(error);
  const name = typeof e.name === 'string' ? e.name : 'UnknownError';
  const message = typeof e.message === 'string' ? e.message : '';
  const detail = `${describe(plan)}: STS ${name}${statusOf(error)}: ${oneLine(message)}`;
  const options = { cause: error, detail };

  if (error instanceof DeadlineExceededError) {
    return new UpstreamUnavailableError(UNAVAILABLE_MESSAGE, {
      ...options,
      detail: `${describe(plan)}: STS AssumeRole did not complete within the ${error.deadlineMs} ms deadline`,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  if (THROTTLING_NAMES.has(name) || e.$metadata?.httpStatusCode === 429) {
    return new ThrottledError('Too many credential requests right now; retry shortly.', {
      ...options,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  if (error instanceof PackedPolicyTooLargeException) {
    return new PolicyTooLargeError(
      'The session policy and tags for this request are too large for STS; request fewer scope entries.',
      options,
    );
  }
  if (error instanceof MalformedPolicyDocumentException) {
    // Our policy builder produced a document STS cannot parse: a bug of ours, not the caller's nor STS's.
    return new Error(
      `STS rejected the planned session policy as malformed (${detail}); the policy builder has a bug`,
      {
        cause: error,
      },
    );
  }
  if (name === 'ValidationError' && ROLE_CHAINING_LIMIT.test(message)) {
    return new IssuerRejectedError(REJECTED_MESSAGE, {
      cause: error,
      detail: `${detail} (DurationSeconds ${plan.durationSeconds} is above the 1 hour role-chaining cap; the tenant record or the planner let it through)`,
    });
  }
  if (
    REJECTION_NAMES.has(name) ||
    error instanceof RegionDisabledException ||
    error instanceof ExpiredTokenException
  ) {
    return new IssuerRejectedError(REJECTED_MESSAGE, options);
  }
  if (isTransientFailure(error)) {
    return new UpstreamUnavailableError(UNAVAILABLE_MESSAGE, {
      ...options,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  return new Error(`STS AssumeRole failed unexpectedly (${name})`, { cause: error });
}

function describe(plan: SessionPlan): string {
  return `AssumeRole ${plan.roleArn} as ${plan.roleSessionName} in ${plan.region}`;
}

function statusOf(error: unknown): string {
  const status = asSdkError(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? ` (HTTP ${status})` : '';
}

/** STS messages go to the audit log: one line, bounded. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function nonEmpty(value: string | undefined): value is string {
  return typeof value === 'string' && value.length > 0;
}
