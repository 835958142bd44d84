/** The one place where errors become HTTP responses. Unknown errors become a generic 500 that hides internals. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { TokenExpiredError, UnauthenticatedError, VendingError } from '../core/errors';
import { jsonResponse } from './responses';

/** The code and status of an error as the client sees it. */
export interface ErrorOutcome {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly retryAfterSeconds?: number;
  /** The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3). */
  readonly challenge?: string;
  /** For the audit log only. */
  readonly detail?: string;
}

/** RFC 6750 §3.1: a request without a token gets the challenge with no error code. */
const CHALLENGE_WITHOUT_TOKEN = 'Bearer';
/** Every invalid token gets the same challenge: nothing in it tells the causes apart. */
const CHALLENGE_INVALID_TOKEN = 'Bearer error="invalid_token"';
const CHALLENGE_EXPIRED_TOKEN = 'Bearer error="invalid_token", error_description="The access token expired"';

function challengeOf(error: VendingError): string | undefined {
  if (error instanceof TokenExpiredError) return CHALLENGE_EXPIRED_TOKEN;
  if (error instanceof UnauthenticatedError) {
    return error.tokenPresented ? CHALLENGE_INVALID_TOKEN : CHALLENGE_WITHOUT_TOKEN;
  }
  return undefined;
}

/** Classifies any thrown value; only `VendingError`s speak for themselves. */
export function outcomeOf(error: unknown): ErrorOutcome {
  if (error instanceof VendingError) {
    const challenge = challengeOf(error);
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      ...(challenge === undefined ? {} : { challenge }),
      ...(error.detail === undefined ? {} : { detail: error.detail }),
    };
  }
  return { code: 'INTERNAL_ERROR', status: 500, message: 'An internal error occurred; retry later.' };
}

/**
 * The error response: `{ error: { code, message, requestId } }`. The SDK formats (container credentials and
 * credential_process) also carry top-level `Code`/`Message`, which the AWS SDKs print when a credentials endpoint
 * refuses.
 */
export function errorResponse(
  outcome: ErrorOutcome,
  requestId: string,
  options: { sdkFormat?: boolean; headers?: Readonly<Record<string, string>> } = {},
): APIGatewayProxyResult {
  const error = { code: outcome.code, message: outcome.message, requestId };
  const body = options.sdkFormat ? { Code: outcome.code, Message: outcome.message, error } : { error };
  const headers: Record<string, string> = { ...options.headers };
  if (outcome.retryAfterSeconds !== undefined) headers['Retry-After'] = String(outcome.retryAfterSeconds);
  if (outcome.challenge !== undefined) headers['WWW-Authenticate'] = outcome.challenge;
  return jsonResponse(outcome.status, body, headers);
}
