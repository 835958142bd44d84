/**
 * One JSON-protocol request to the KMS front: dispatch on `X-Amz-Target` (before authentication, as AWS's front end
 * does), authenticate with the query protocol's SigV4 verification in KMS's words, parse the JSON body, run the
 * operation, and render the answer or the error body.
 */
import { randomUUID } from 'node:crypto';
import { type AuthenticationContext, authenticate } from '../query-protocol/authenticate';
import { headerValue, type ReceivedRequest } from '../query-protocol/sigv4';
import type { KmsAction, KmsActionContext } from './actions/action-context';
import {
  internalFailure,
  KMS_AUTHENTICATION,
  KmsError,
  notImplementedOperation,
  serializationException,
  unknownOperation,
} from './errors';
import {
  KMS_ACTIONS,
  KMS_OPERATIONS_NOT_IMPLEMENTED,
  KMS_SIGNING_NAME,
  KMS_TARGET_PREFIX,
} from './kms-service';
import type { JsonObject } from './validation';

/** Everything a request may consult: authentication's context, the actions' own, and where failures go. */
export type KmsContext = KmsActionContext &
  AuthenticationContext & {
    /** Told about failures of the front itself (answered as `KMSInternalException`). */
    readonly onInternalError?: (error: unknown) => void;
  };

/** An HTTP answer. */
export interface KmsReply {
  readonly status: number;
  readonly requestId: string;
  readonly body: string;
}

/** The operation an `X-Amz-Target` names, e.g. `Sign`; undefined for any other header. */
export function operationOf(received: ReceivedRequest): string | undefined {
  const target = headerValue(received.rawHeaders, 'x-amz-target') ?? '';
  return target.startsWith(KMS_TARGET_PREFIX) ? target.slice(KMS_TARGET_PREFIX.length) : undefined;
}

/** Runs a request. Never throws: unexpected failures become a bare `KMSInternalException`. */
export async function runKmsRequest(received: ReceivedRequest, context: KmsContext): Promise<KmsReply> {
  const requestId = randomUUID();
  try {
    const action = resolveAction(operationOf(received));
    const caller = await authenticate(received, context, KMS_SIGNING_NAME, KMS_AUTHENTICATION);
    const output = await action(parseBody(received.body), caller, context);
    return { status: 200, requestId, body: JSON.stringify(output) };
  } catch (error) {
    if (!(error instanceof KmsError)) context.onInternalError?.(error);
    // Internals never reach the client; a bug of the front answers like an outage of the service.
    return errorReply(error instanceof KmsError ? error : internalFailure(), requestId);
  }
}

/** An error answer, as KMS's JSON protocol renders one. */
export function errorReply(error: KmsError, requestId: string = randomUUID()): KmsReply {
  const body =
    error.awsMessage === undefined
      ? { __type: error.code }
      : { __type: error.code, message: error.awsMessage };
  return { status: error.status, requestId, body: JSON.stringify(body) };
}

function resolveAction(operation: string | undefined): KmsAction {
  const action = operation === undefined ? undefined : KMS_ACTIONS.get(operation);
  if (action !== undefined) return action;
  if (operation !== undefined && KMS_OPERATIONS_NOT_IMPLEMENTED.has(operation)) {
    throw notImplementedOperation(operation);
  }
  throw unknownOperation();
}

/** The body as a JSON object; an empty body is an empty object, as the JSON protocol reads it. */
function parseBody(body: Uint8Array): JsonObject {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw serializationException();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw serializationException();
  return parsed as JsonObject;
}
