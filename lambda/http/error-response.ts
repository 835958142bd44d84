/** The one place where errors become HTTP responses. Unknown errors become a generic 500 that hides internals. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { VendingError } from '../core/errors';
import { jsonResponse } from './responses';

/** The code and status of an error as the client sees it. */
export interface ErrorOutcome {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly retryAfterSeconds?: number;
  /** For the audit log only. */
  readonly detail?: string;
}

/** Classifies any thrown value; only `VendingError`s speak for themselves. */
export function outcomeOf(error: unknown): ErrorOutcome {
  if (error instanceof VendingError) {
    return {
      code: error.code,
      status: error.status,
      message: error.message,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      ...(error.detail === undefined ? {} : { detail: error.detail }),
    };
  }
  return { code: 'INTERNAL_ERROR', status: 500, message: 'An internal error occurred; retry later.' };
}

/**
 * The error response: `{ error: { code, message, requestId } }`. The container-credentials flavour also carries
 * top-level `Code`/`Message`, which the AWS SDKs print when a credentials endpoint refuses.
 */
export function errorResponse(
  outcome: ErrorOutcome,
  requestId: string,
  options: { containerFormat?: boolean; headers?: Readonly<Record<string, string>> } = {},
): APIGatewayProxyResult {
  const error = { code: outcome.code, message: outcome.message, requestId };
  const body = options.containerFormat ? { Code: outcome.code, Message: outcome.message, error } : { error };
  const headers: Record<string, string> = { ...options.headers };
  if (outcome.retryAfterSeconds !== undefined) headers['Retry-After'] = String(outcome.retryAfterSeconds);
  if (outcome.status === 401) headers['WWW-Authenticate'] = 'Bearer';
  return jsonResponse(outcome.status, body, headers);
}
