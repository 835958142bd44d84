/**
 * KMS's errors as KMS answers them over its JSON protocol: HTTP 400 (500 for its own failures) and a body
 * `{"__type": "<code>", "message": "<text>"}`, worded as KMS words them; the SigV4 failures in the words of AWS's
 * JSON-protocol front end, which differ from the query protocol's (`UnrecognizedClientException`, not
 * `InvalidClientTokenId`; 400, not 403; 5 minutes of clock skew, not 15).
 */
import type { DenyingPolicy } from '../account/policy-evaluator';
import type { AuthenticationDialect } from '../query-protocol/authenticate';
import { SIGNATURE_MISMATCH_MESSAGE } from '../query-protocol/errors';

/** An error the KMS front renders as a JSON error body. */
export class KmsError extends Error {
  override readonly name = 'KmsError';
  /** The `__type`: the SDK's error name. */
  readonly code: string;
  readonly status: number;
  /** The `message`; AWS sends none for a few codes (e.g. `UnknownOperationException`). */
  readonly awsMessage: string | undefined;

  constructor(code: string, awsMessage: string | undefined, status = 400) {
    super(awsMessage === undefined ? code : `${code}: ${awsMessage}`);
    this.code = code;
    this.status = status;
    this.awsMessage = awsMessage;
  }
}

/** SigV4 failures as KMS answers them, with KMS's 5 minutes of allowed clock skew. */
export const KMS_AUTHENTICATION: AuthenticationDialect = {
  maxSkewMs: 5 * 60 * 1000,
  missingAuthenticationToken: () =>
    new KmsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token'),
  incompleteSignature: (message) => new KmsError('IncompleteSignatureException', message),
  invalidClientTokenId: () =>
    new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
  signatureDoesNotMatch: (message = SIGNATURE_MISMATCH_MESSAGE) =>
    new KmsError('InvalidSignatureException', message),
  expiredToken: () =>
    new KmsError('ExpiredTokenException', 'The security token included in the request is expired'),
};

/** An `X-Amz-Target` that names no operation of the service; AWS's front end sends no message. */
export function unknownOperation(): KmsError {
  return new KmsError('UnknownOperationException', undefined);
}

/** A real KMS operation the front does not implement, refused rather than half-answered. */
export function notImplementedOperation(operation: string): KmsError {
  return new KmsError('UnsupportedOperationException', `The KMS emulator does not implement ${operation}.`);
}

/** A body that is not a JSON object, or a member of the wrong JSON type. */
export function serializationException(): KmsError {
  return new KmsError('SerializationException', undefined);
}

/** A member outside the API model's constraints ("N validation error(s) detected: …"), or KMS's own checks. */
export function validationException(message: string): KmsError {
  return new KmsError('ValidationException', message);
}

export function notFound(message: string): KmsError {
  return new KmsError('NotFoundException', message);
}

/** The key is disabled. */
export function disabled(keyArn: string): KmsError {
  return new KmsError('DisabledException', `${keyArn} is disabled.`);
}

/** A signing algorithm the key's spec does not support. */
export function incompatibleAlgorithm(algorithm: string, keySpec: string): KmsError {
  return new KmsError(
    'InvalidKeyUsageException',
    `Algorithm ${algorithm} is incompatible with key spec ${keySpec}.`,
  );
}

/** Everything checked out, and `DryRun` was set. */
export function dryRunOperation(): KmsError {
  return new KmsError(
    'DryRunOperationException',
    'The request would have succeeded, but the DryRun option is set.',
  );
}

/** IAM's refusal, worded as KMS forwards it, naming the kind of policy that decided. */
export function accessDenied(
  callerArn: string,
  action: string,
  keyArn: string,
  decision: 'ExplicitlyDenied' | 'ImplicitlyDenied',
  deniedBy: DenyingPolicy,
): KmsError {
  const policy = { identity: 'identity-based', resource: 'resource-based', session: 'session' }[deniedBy];
  const why =
    decision === 'ExplicitlyDenied'
      ? `with an explicit deny in a ${policy} policy`
      : `because no ${policy} policy allows the ${action} action`;
  return new KmsError(
    'AccessDeniedException',
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${keyArn} ${why}`,
  );
}

/** Injected throttling; the SDK retries `ThrottlingException` itself. */
export function throttling(): KmsError {
  return new KmsError(
    'ThrottlingException',
    'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
  );
}

/** KMS's own failure (injected, or a bug of the front); the SDK retries it. */
export function internalFailure(): KmsError {
  return new KmsError(
    'KMSInternalException',
    'The request was rejected because an internal exception occurred. The request can be retried.',
    500,
  );
}
