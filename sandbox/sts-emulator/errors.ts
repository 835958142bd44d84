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
