/** The one error hierarchy of the vend path; `lambda/http/error-response.ts` is the only place it becomes HTTP. */

/** Base of every error the service raises on purpose. `code` is stable and documented in the README. */
export abstract class VendingError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Seconds a client should wait before retrying, for retryable errors. */
  readonly retryAfterSeconds?: number;
  /** Extra detail for the audit log only; never sent to the client. */
  readonly detail?: string;

  constructor(message: string, options?: { cause?: unknown; detail?: string; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options?.detail;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The request body or query is malformed or of the wrong shape. */
export class InvalidRequestError extends VendingError {
  readonly code = 'INVALID_REQUEST';
  readonly status = 400;
  override name = 'InvalidRequestError';
}

/** The request body is larger than the service accepts. */
export class RequestTooLargeError extends VendingError {
  readonly code = 'REQUEST_TOO_LARGE';
  readonly status = 413;
  override name = 'RequestTooLargeError';
}

/** A requested scope is syntactically unsafe (wildcards, traversal, control characters...). */
export class InvalidScopeError extends VendingError {
  readonly code = 'INVALID_SCOPE';
  readonly status = 400;
  override name = 'InvalidScopeError';
}

/** The requested duration is below what STS issues. */
export class DurationTooShortError extends VendingError {
  readonly code = 'DURATION_TOO_SHORT';
  readonly status = 400;
  override name = 'DurationTooShortError';
}

/** The requested duration is above the tenant's maximum. */
export class DurationTooLongError extends VendingError {
  readonly code = 'DURATION_TOO_LONG';
  readonly status = 400;
  override name = 'DurationTooLongError';
}

/** The requested region is not one the tenant (or the service) allows. */
export class RegionNotAllowedError extends VendingError {
  readonly code = 'REGION_NOT_ALLOWED';
  readonly status = 400;
  override name = 'RegionNotAllowedError';
}

/** The planned session policy exceeds the STS size limits. */
export class PolicyTooLargeError extends VendingError {
  readonly code = 'POLICY_TOO_LARGE';
  readonly status = 400;
  override name = 'PolicyTooLargeError';
}

/** No valid bearer token. Deliberately says little about why. */
export class UnauthenticatedError extends VendingError {
  readonly code = 'UNAUTHENTICATED';
  readonly status = 401;
  override name = 'UnauthenticatedError';
  /** False when the request carried no bearer token: RFC 6750 §3.1 then puts no error code in the challenge. */
  readonly tokenPresented: boolean;
  constructor(options: { tokenPresented: boolean; cause?: unknown; detail?: string }) {
    super('A valid bearer token is required.', options);
    this.tokenPresented = options.tokenPresented;
  }
}

/**
 * A genuine token past its `exp` (and the clock-skew grace). Raised only once the signature, issuer and audience
 * verified, so the expiry it reports tells the caller nothing that the token itself does not say.
 */
export class TokenExpiredError extends VendingError {
  readonly code = 'TOKEN_EXPIRED';
  readonly status = 401;
  override name = 'TokenExpiredError';
  readonly expiredAt: Date;
  constructor(expiredAt: Date, options?: { cause?: unknown }) {
    const at = expiredAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
    super(`The bearer token expired at ${at}; get a new token from your identity provider.`, {
      ...options,
      detail: 'expired',
    });
    this.expiredAt = expiredAt;
  }
}

/** The requested scope lies outside the tenant's grants. */
export class ScopeNotGrantedError extends VendingError {
  readonly code = 'SCOPE_NOT_GRANTED';
  readonly status = 403;
  override name = 'ScopeNotGrantedError';
}

/** The caller's tenant has no record in the tenant store. */
export class TenantNotFoundError extends VendingError {
  readonly code = 'TENANT_NOT_FOUND';
  readonly status = 403;
  override name = 'TenantNotFoundError';
}

/** The caller's tenant is suspended. */
export class TenantSuspendedError extends VendingError {
  readonly code = 'TENANT_SUSPENDED';
  readonly status = 403;
  override name = 'TenantSuspendedError';
}

/** The route does not exist. */
export class RouteNotFoundError extends VendingError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
  override name = 'RouteNotFoundError';
}

/** The route exists but not for this method. */
export class MethodNotAllowedError extends VendingError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly status = 405;
  override name = 'MethodNotAllowedError';
}

/** STS throttled us past our retries. */
export class ThrottledError extends VendingError {
  readonly code = 'THROTTLED';
  readonly status = 429;
  override name = 'ThrottledError';
}

/** The tenant record is invalid (schema, grants outside the tenant's prefix, durations above the issuer's cap). */
export class TenantMisconfiguredError extends VendingError {
  readonly code = 'TENANT_MISCONFIGURED';
  readonly status = 500;
  override name = 'TenantMisconfiguredError';
}

/** STS refused for a reason the caller cannot fix (access denied, trust policy, disabled region). */
export class IssuerRejectedError extends VendingError {
  readonly code = 'ISSUER_REJECTED';
  readonly status = 502;
  override name = 'IssuerRejectedError';
}

/** STS (or the tenant store) is unavailable or too slow; retry later. */
export class UpstreamUnavailableError extends VendingError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
  readonly status = 503;
  override name = 'UpstreamUnavailableError';
}
