/** STS errors as AWS answers them: code, HTTP status, fault type, message (wording follows real STS). */

/** `Sender` for the caller's mistakes, `Receiver` for the service's. */
export type FaultType = 'Sender' | 'Receiver';

/**
 * Which XML namespace the error is rendered in: STS's own, or the AWSFault one that AWS's front end uses for
 * dispatch errors (unknown action, missing action).
 */
export type ErrorNamespace = 'sts' | 'aws-fault';

/** An error that the emulator renders as an `<ErrorResponse>`. */
export class StsError extends Error {
  override readonly name = 'StsError';
  readonly code: string;
  readonly status: number;
  readonly type: FaultType;
  /** The `<Message>`; AWS omits it for a few codes (e.g. `MalformedInput`). */
  readonly awsMessage: string | undefined;
  readonly namespace: ErrorNamespace;

  constructor(
    code: string,
    status: number,
    awsMessage: string | undefined,
    options: { type?: FaultType; namespace?: ErrorNamespace } = {},
  ) {
    super(awsMessage === undefined ? code : `${code}: ${awsMessage}`);
    this.code = code;
    this.status = status;
    this.awsMessage = awsMessage;
    this.type = options.type ?? (status >= 500 ? 'Receiver' : 'Sender');
    this.namespace = options.namespace ?? 'sts';
  }
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
  'Access Key and signing method. Consult the service documentation for details.';

/** No `Authorization` header (nor query-string signature). */
export function missingAuthenticationToken(): StsError {
  return new StsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
}

/** An `Authorization` header that is not a complete SigV4 header. */
export function incompleteSignature(message: string): StsError {
  return new StsError('IncompleteSignature', 403, message);
}

/** Unknown access key id, or a session key without its session token (or with another session's). */
export function invalidClientTokenId(): StsError {
  return new StsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
}

/** A wrong signature, a wrong credential scope, or a request date outside the allowed skew. */
export function signatureDoesNotMatch(message = SIGNATURE_MISMATCH_MESSAGE): StsError {
  return new StsError('SignatureDoesNotMatch', 403, message);
}

/** Session credentials used after their expiration. Real STS answers 403 here, not 400. */
export function expiredToken(): StsError {
  return new StsError('ExpiredToken', 403, 'The security token included in the request is expired');
}

/** The caller may not perform `action` (e.g. `sts:AssumeRole`) on `resource`. */
export function accessDenied(callerArn: string, action: string, resource: string): StsError {
  return new StsError(
    'AccessDenied',
    403,
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`,
  );
}

/** An access-denied answer with a fixed message. */
export function accessDeniedBecause(message: string): StsError {
  return new StsError('AccessDenied', 403, message);
}

export function validationError(message: string): StsError {
  return new StsError('ValidationError', 400, message);
}

/** A number that does not parse; AWS sends no message except for an empty value. */
export function malformedInput(message?: string): StsError {
  return new StsError('MalformedInput', 400, message);
}

export function invalidParameterValue(message: string): StsError {
  return new StsError('InvalidParameterValue', 400, message);
}

/** The SDK names this `MalformedPolicyDocumentException`. */
export function malformedPolicyDocument(message: string): StsError {
  return new StsError('MalformedPolicyDocument', 400, message);
}

/** The SDK names this `PackedPolicyTooLargeException`. */
export function packedPolicyTooLarge(percent: number): StsError {
  return new StsError(
    'PackedPolicyTooLarge',
    400,
    `Packed policy consumes ${percent}% of allotted space, please use smaller policy for this session.`,
  );
}

/** A query string or form body that does not decode (bad percent escape, invalid UTF-8). */
export function malformedQueryString(message: string): StsError {
  return new StsError('MalformedQueryString', 400, message, { namespace: 'aws-fault' });
}

export function invalidAction(action: string, version: string): StsError {
  return new StsError('InvalidAction', 400, `Could not find operation ${action} for version ${version}`, {
    namespace: 'aws-fault',
  });
}

export function missingAction(): StsError {
  return new StsError('MissingAction', 400, 'Missing Action', { namespace: 'aws-fault' });
}

/** Injected throttling; the SDK classifies the code `Throttling` as a throttling error and retries it. */
export function throttling(): StsError {
  return new StsError('Throttling', 400, 'Rate exceeded');
}

export function internalFailure(): StsError {
  return new StsError(
    'InternalFailure',
    500,
    'The request processing has failed because of an unknown error, exception or failure.',
  );
}

export function serviceUnavailable(): StsError {
  return new StsError(
    'ServiceUnavailable',
    503,
    'The request has failed due to a temporary failure of the server.',
  );
}
