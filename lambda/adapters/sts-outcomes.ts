/**
 * What both STS issuers share: an answer read into credentials, and every STS failure mapped to the error hierarchy
 * (the action-specific cases, such as role chaining's cap or a refused web-identity token, are the issuers' own).
 */
import {
  ExpiredTokenException,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
  RegionDisabledException,
} from '@aws-sdk/client-sts';
import {
  IssuerRejectedError,
  PolicyTooLargeError,
  ThrottledError,
  UpstreamUnavailableError,
  type VendingError,
} from '../core/errors';
import type { IssuedCredentials, SessionPlan } from '../core/model';
import { asSdkError, DeadlineExceededError, isTransientFailure } from './aws-clients';

/** Seconds a client should wait after we were throttled or STS was unavailable (the SDK has already retried). */
export const ISSUER_RETRY_AFTER_SECONDS = 2;

/** What the caller reads when the issuer refused: nothing the caller could act on. */
export const ISSUER_REJECTED_MESSAGE =
  'The credential issuer refused to issue credentials for this tenant; the platform team has to act.';
/** What the caller reads when the issuer is down or slow. */
export const ISSUER_UNAVAILABLE_MESSAGE = 'The credential issuer is temporarily unavailable; retry shortly.';
/** What the caller reads when STS (or KMS) throttled us past the SDK's retries. */
export const ISSUER_THROTTLED_MESSAGE = 'Too many credential requests right now; retry shortly.';

/** The STS actions credvend calls. */
export type StsAction = 'AssumeRole' | 'AssumeRoleWithWebIdentity';

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
/** `ExpiredToken` (unmodeled, 403) is what STS answers when the function's own credentials have expired. */
const REJECTION_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'ValidationError', 'ExpiredToken']);

/** One failed call, read: what the action-specific mapping of an issuer gets to look at. */
export interface StsFailure {
  readonly error: unknown;
  /** The error's name (`UnknownError` when it has none). */
  readonly name: string;
  /** The error's message ('' when it has none). */
  readonly message: string;
  /** `<call>: STS <name> (HTTP <status>): <message>`, for the audit log. */
  readonly detail: string;
}

/** An issuer's own cases, consulted after throttling and the policy errors; `undefined` leaves the failure to the rest. */
export type SpecificStsMapping = (failure: StsFailure) => VendingError | Error | undefined;

/** `AssumeRole <role> as <session name> in <region>`: the call, for audit details. */
export function describeStsCall(action: StsAction, plan: SessionPlan): string {
  return `${action} ${plan.roleArn} as ${plan.roleSessionName} in ${plan.region}`;
}

/**
 * Maps a failed STS call to the error hierarchy. `VendingError`s carry the STS code and message in `detail`
 * (audit log only) and a generic message; bugs on our side and unknown failures stay plain `Error`s (generic 500).
 */
export function mapStsFailure(
  error: unknown,
  action: StsAction,
  plan: SessionPlan,
  specific?: SpecificStsMapping,
): VendingError | Error {
  const e = asSdkError(error);
  const name = typeof e.name === 'string' ? e.name : 'UnknownError';
  const message = typeof e.message === 'string' ? e.message : '';
  const detail = `${describeStsCall(action, plan)}: STS ${name}${statusOf(error)}: ${oneLine(message)}`;
  const options = { cause: error, detail };

  if (error instanceof DeadlineExceededError) return deadlineFailure(action, plan, error);
  if (THROTTLING_NAMES.has(name) || e.$metadata?.httpStatusCode === 429) {
    return new ThrottledError(ISSUER_THROTTLED_MESSAGE, {
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
      { cause: error },
    );
  }
  const special = specific?.({ error, name, message, detail });
  if (special !== undefined) return special;
  if (
    REJECTION_NAMES.has(name) ||
    error instanceof RegionDisabledException ||
    error instanceof ExpiredTokenException
  ) {
    return new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, options);
  }
  if (isTransientFailure(error)) {
    return new UpstreamUnavailableError(ISSUER_UNAVAILABLE_MESSAGE, {
      ...options,
      retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
    });
  }
  return new Error(`STS ${action} failed unexpectedly (${name})`, { cause: error });
}

/** The overall deadline of one issue passed: 503 with a Retry-After. */
export function deadlineFailure(
  action: StsAction,
  plan: SessionPlan,
  error: DeadlineExceededError,
  what = `STS ${action}`,
): UpstreamUnavailableError {
  return new UpstreamUnavailableError(ISSUER_UNAVAILABLE_MESSAGE, {
    cause: error,
    detail: `${describeStsCall(action, plan)}: ${what} did not complete within the ${error.deadlineMs} ms deadline`,
    retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
  });
}

/** The part of an AssumeRole or AssumeRoleWithWebIdentity answer credvend reads. */
export interface StsCredentialsAnswer {
  readonly Credentials?: {
    readonly AccessKeyId?: string;
    readonly SecretAccessKey?: string;
    readonly SessionToken?: string;
    readonly Expiration?: Date;
  };
  readonly AssumedRoleUser?: { readonly Arn?: string };
}

/** Reads the credentials of an answer; an answer without usable ones is a 502 that names the missing fields only. */
export function toIssuedCredentials(
  output: StsCredentialsAnswer,
  action: StsAction,
  plan: SessionPlan,
): IssuedCredentials {
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
    throw new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, {
      detail: `${describeStsCall(action, plan)}: ${action} answered without a usable ${missing.join(', ')}`,
    });
  }
  const assumedRoleArn = output.AssumedRoleUser?.Arn;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: Expiration,
    ...(nonEmpty(assumedRoleArn) ? { assumedRoleArn } : {}),
  };
}

/** ` (HTTP 403)` when the error carries a status. */
export function statusOf(error: unknown): string {
  const status = asSdkError(error).$metadata?.httpStatusCode;
  return typeof status === 'number' ? ` (HTTP ${status})` : '';
}

/** Service messages go to the audit log: one line, bounded. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function nonEmpty(value: string | undefined): value is string {
  return typeof value === 'string' && value.length > 0;
}
