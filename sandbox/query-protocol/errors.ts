/**
 * Errors of AWS query-protocol services (STS, IAM) as AWS answers them: code, HTTP status, fault type, message.
 * The factories here are the ones both fronts answer alike (authentication, dispatch, validation, outages); each
 * front keeps its own service-specific ones beside its actions.
 */

/** `Sender` for the caller's mistakes, `Receiver` for the service's. */
export type FaultType = 'Sender' | 'Receiver';

/**
 * Which XML namespace the error is rendered in: the service's own, or the AWSFault one that AWS's front end uses
 * for dispatch errors (unknown action, missing action, undecodable input).
 */
export type ErrorNamespace = 'service' | 'aws-fault';

/** An error that a query-protocol front renders as an `<ErrorResponse>`. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
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
    this.namespace = options.namespace ?? 'service';
  }
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
  'Access Key and signing method. Consult the service documentation for details.';

/** No `Authorization` header (nor query-string signature). */
export function missingAuthenticationToken(): QueryError {
  return new QueryError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
}

/** An `Authorization` header that is not a complete SigV4 header. */
export function incompleteSignature(message: string): QueryError {
  return new QueryError('IncompleteSignature', 403, message);
}

/** Unknown access key id, or a session key without its session token (or with another session's). */
export function invalidClientTokenId(): QueryError {
  return new QueryError(
    'InvalidClientTokenId',
    403,
    'The security token included in the request is invalid.',
  );
}

/** A wrong signature, a wrong credential scope, or a request date outside the allowed skew. */
export function signatureDoesNotMatch(message = SIGNATURE_MISMATCH_MESSAGE): QueryError {
  return new QueryError('SignatureDoesNotMatch', 403, message);
}

/** Session credentials used after their expiration. AWS answers 403 here, not 400. */
export function expiredToken(): QueryError {
  return new QueryError('ExpiredToken', 403, 'The security token included in the request is expired');
}

/** An access-denied answer with the service's own wording. */
export function accessDeniedBecause(message: string): QueryError {
  return new QueryError('AccessDenied', 403, message);
}

/** A parameter outside its API model constraints ("N validation error(s) detected: …"). */
export function validationError(message: string): QueryError {
  return new QueryError('ValidationError', 400, message);
}

/** A number that does not parse; AWS sends no message except for an empty value. */
export function malformedInput(message?: string): QueryError {
  return new QueryError('MalformedInput', 400, message);
}

/** A policy document that is not valid JSON or not a valid policy; the SDKs name it `MalformedPolicyDocumentException`. */
export function malformedPolicyDocument(message: string): QueryError {
  return new QueryError('MalformedPolicyDocument', 400, message);
}

/** A query string or form body that does not decode (bad percent escape, invalid UTF-8). */
export function malformedQueryString(message: string): QueryError {
  return new QueryError('MalformedQueryString', 400, message, { namespace: 'aws-fault' });
}

export function invalidAction(action: string, version: string): QueryError {
  return new QueryError('InvalidAction', 400, `Could not find operation ${action} for version ${version}`, {
    namespace: 'aws-fault',
  });
}

/** A real action of the service that the front does not implement, refused rather than half-answered. */
export function notImplementedAction(frontName: string, action: string): QueryError {
  return new QueryError('InvalidAction', 400, `The ${frontName} does not implement ${action}.`, {
    namespace: 'aws-fault',
  });
}

export function missingAction(): QueryError {
  return new QueryError('MissingAction', 400, 'Missing Action', { namespace: 'aws-fault' });
}

/** Injected throttling; the SDKs classify the code `Throttling` as a throttling error and retry it. */
export function throttling(): QueryError {
  return new QueryError('Throttling', 400, 'Rate exceeded');
}

export function internalFailure(): QueryError {
  return new QueryError(
    'InternalFailure',
    500,
    'The request processing has failed because of an unknown error, exception or failure.',
  );
}

export function serviceUnavailable(): QueryError {
  return new QueryError(
    'ServiceUnavailable',
    503,
    'The request has failed due to a temporary failure of the server.',
  );
}
