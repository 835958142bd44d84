/**
 * The errors only IAM answers, worded as real IAM words them; the ones every query-protocol front shares live in
 * `../query-protocol/errors`.
 */
import type { IamDecision } from '../account/policy-evaluator';
import { QueryError } from '../query-protocol/errors';

/** The SDK names this `NoSuchEntityException`. */
export function noSuchRole(roleName: string): QueryError {
  return new QueryError('NoSuchEntity', 404, `The role with name ${roleName} cannot be found.`);
}

export function noSuchRolePolicy(policyName: string): QueryError {
  return new QueryError('NoSuchEntity', 404, `The role policy with name ${policyName} cannot be found.`);
}

/** The role's inline policies together would exceed IAM's quota; the SDK names this `LimitExceededException`. */
export function rolePolicySizeExceeded(roleName: string, limit: number): QueryError {
  return new QueryError(
    'LimitExceeded',
    409,
    `Maximum policy size of ${limit} bytes exceeded for role ${roleName}`,
  );
}

/** A parameter value IAM cannot use (an unknown pagination marker); the SDK names this `InvalidInputException`. */
export function invalidInput(message: string): QueryError {
  return new QueryError('InvalidInput', 400, message);
}

/** IAM's refusal of an action on a role, saying which kind of policy decided it. */
export function accessDenied(
  callerArn: string,
  action: string,
  roleName: string,
  decision: Exclude<IamDecision, 'Allowed'>,
): QueryError {
  const why =
    decision === 'ExplicitlyDenied'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  return new QueryError(
    'AccessDenied',
    403,
    `User: ${callerArn} is not authorized to perform: ${action} on resource: role ${roleName} ${why}`,
  );
}

/** IAM's own failure (an emulator bug); the SDK names this `ServiceFailureException`. */
export function serviceFailure(): QueryError {
  return new QueryError(
    'ServiceFailure',
    500,
    'The request processing has failed because of an unknown error, exception or failure.',
  );
}
