/**
 * One STS query-protocol request: decode its parameters (query string and form body), dispatch on `Action` and
 * `Version`, authenticate, run the action, and render the XML answer (errors included).
 */
import { randomUUID } from 'node:crypto';
import { type ActionContext, NOT_EMULATED_ACTIONS, type StsAction } from './actions/action-context';
import { assumeRole } from './actions/assume-role';
import { getCallerIdentity } from './actions/get-caller-identity';
import { getSessionToken } from './actions/get-session-token';
import { type AuthenticationContext, authenticate } from './authenticate';
import { internalFailure, invalidAction, malformedQueryString, missingAction, StsError } from './errors';
import {
  decodeForm,
  type FormPairs,
  type QueryParams,
  renderError,
  renderResult,
  STS_VERSION,
  toMultiValueQuery,
  toParams,
} from './query-protocol';
import { headerValue, type ReceivedRequest } from './sigv4';

/** Everything a request may consult. */
export interface EmulatorContext extends AuthenticationContext, ActionContext {
  /** Told about failures of the emulator itself (answered as `InternalFailure`). */
  readonly onInternalError?: (error: unknown) => void;
}

/** A decoded request, ready to run. */
export interface StsRequest {
  readonly received: ReceivedRequest;
  readonly params: QueryParams;
  /** The `Action` parameter, `''` when missing. */
  readonly action: string;
  /** The access key id in the `Authorization` header, for call accounting; not yet authenticated. */
  readonly accessKeyId?: string;
  /** A decoding problem, answered before anything else. */
  readonly decodeError?: StsError;
}

/** An HTTP answer. */
export interface StsReply {
  readonly status: number;
  readonly requestId: string;
  readonly body: string;
}

const ACTIONS: ReadonlyMap<string, StsAction> = new Map([
  ['AssumeRole', assumeRole],
  ['GetCallerIdentity', getCallerIdentity],
  ['GetSessionToken', getSessionToken],
]);

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** Decodes a request to `/` (GET with a query string, or POST with a form body; both are merged, first wins). */
export function decodeStsRequest(input: {
  method: string;
  query: string;
  rawHeaders: readonly string[];
  body: Buffer;
}): StsRequest {
  const { method, query, rawHeaders, body } = input;
  const queryPairs = decodeForm(query);
  const isForm = method === 'POST' && FORM_CONTENT_TYPE.test(headerValue(rawHeaders, 'content-type') ?? '');
  const formPairs = isForm ? decodeBody(body) : [];
  const received: ReceivedRequest = {
    method,
    path: '/',
    query: toMultiValueQuery(queryPairs ?? []),
    rawHeaders,
    body,
  };
  const credential = /Credential=([^/\s,]+)\//.exec(headerValue(rawHeaders, 'authorization') ?? '')?.[1];
  const params = toParams([...(queryPairs ?? []), ...(formPairs ?? [])]);
  const decodeError =
    queryPairs === undefined
      ? malformedQueryString('The query string is not valid percent-encoded UTF-8.')
      : formPairs === undefined
        ? malformedQueryString('The request body is not a valid application/x-www-form-urlencoded form.')
        : undefined;
  return {
    received,
    params,
    action: params.get('Action') ?? '',
    ...(credential === undefined ? {} : { accessKeyId: credential }),
    ...(decodeError === undefined ? {} : { decodeError }),
  };
}

function decodeBody(body: Buffer): FormPairs | undefined {
  try {
    return decodeForm(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
}

/** Runs a decoded request. Never throws: unexpected failures become a bare `InternalFailure`. */
export async function runStsRequest(request: StsRequest, context: EmulatorContext): Promise<StsReply> {
  const requestId = randomUUID();
  try {
    if (request.decodeError !== undefined) throw request.decodeError;
    const action = resolveAction(request);
    const caller = await authenticate(request.received, context);
    const result = action(request.params, caller, context);
    return { status: 200, requestId, body: renderResult(request.action, result, requestId) };
  } catch (error) {
    if (!(error instanceof StsError)) context.onInternalError?.(error);
    // Internals never reach the client; an emulator bug answers like an STS outage.
    const stsError = error instanceof StsError ? error : internalFailure();
    return { status: stsError.status, requestId, body: renderError(stsError, requestId) };
  }
}

/** Dispatch happens before authentication, as on AWS's front end. */
function resolveAction(request: StsRequest): StsAction {
  if (request.action === '') throw missingAction();
  const version = request.params.get('Version') ?? '';
  const action = ACTIONS.get(request.action);
  if (NOT_EMULATED_ACTIONS.has(request.action) && version === STS_VERSION) {
    throw new StsError('InvalidAction', 400, `The STS emulator does not implement ${request.action}.`, {
      namespace: 'aws-fault',
    });
  }
  if (action === undefined || version !== STS_VERSION) throw invalidAction(request.action, version);
  return action;
}
