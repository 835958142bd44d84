/**
 * The errors only STS answers, worded as real STS words them; the ones every query-protocol front shares live in
 * `../query-protocol/errors`.
 */
import { QueryError } from '../query-protocol/errors';

/** The caller may not perform `action` (e.g. `sts:AssumeRole`) on `resource`. */
export function accessDenied(callerArn: string, action: string, resource: string): QueryError {
  return new QueryError(
    'AccessDenied',
    403,
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`,
  );
}

export function invalidParameterValue(message: string): QueryError {
  return new QueryError('InvalidParameterValue', 400, message);
}

/** The SDK names this `PackedPolicyTooLargeException`. */
export function packedPolicyTooLarge(percent: number): QueryError {
  return new QueryError(
    'PackedPolicyTooLarge',
    400,
    `Packed policy consumes ${percent}% of allotted space, please use smaller policy for this session.`,
  );
}

/** A web-identity trust (or a missing role) refusing `action`; STS names neither the caller nor the role here. */
export function notAuthorizedToPerform(action: string): QueryError {
  return new QueryError('AccessDenied', 403, `Not authorized to perform ${action}`);
}

/** A web identity token STS will not take; the SDK names it `InvalidIdentityTokenException`. */
export function invalidIdentityToken(message: string): QueryError {
  return new QueryError('InvalidIdentityToken', 400, message);
}

/**
 * The issuer's keys could not be had: its discovery document or JWKS unreachable, slow (STS waits 5 seconds) or
 * unusable, or no key with the token's `kid`. Worded as STS words it, double space included.
 */
export function verificationKeyUnavailable(): QueryError {
  return invalidIdentityToken(
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
  );
}

/** A web identity token past its `exp` (epoch seconds both); the SDK names it `ExpiredTokenException`. */
export function expiredWebIdentityToken(nowSeconds: number, expSeconds: number): QueryError {
  return new QueryError(
    'ExpiredTokenException',
    400,
    `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${expSeconds}`,
  );
}

/** No OIDC provider of the account has the token's `iss` as its URL. */
export function noOpenIdConnectProvider(issuer: string): QueryError {
  return invalidIdentityToken(`No OpenIDConnect provider found in your account for ${issuer}`);
}
