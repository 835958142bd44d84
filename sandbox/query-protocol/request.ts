/**
 * One query-protocol request to a service front (STS, IAM): decode its parameters (query string and form body),
 * dispatch on `Action` and `Version`, authenticate for the service's signing name (unless the action takes unsigned
 * requests and this one is), run the action, and render the XML answer in the service's namespace (errors included).
 */
import { randomUUID } from 'node:crypto';
import { type AuthenticationContext, authenticate, type Caller } from './authenticate';
import {
  internalFailure,
  invalidAction,
  malformedQueryString,
  missingAction,
  notImplementedAction,
  QueryError,
} from './errors';
import { decodeForm, type FormPairs, type QueryParams, toMultiValueQuery, toParams } from './form';
import { headerValue, type ReceivedRequest } from './sigv4';
import { renderError, renderResult, type XmlNode } from './xml';

/**
 * An action: the content of its `<ActionResult>` (undefined: the response has no result element), or a
 * `QueryError` thrown.
 */
export type QueryAction<C> = (
  params: QueryParams,
  caller: Caller,
  context: C,
) => XmlNode[] | undefined | Promise<XmlNode[] | undefined>;

/** An action the service answers without a signature: `caller` is undefined for an unsigned request. */
export type UnsignedQueryAction<C> = (
  params: QueryParams,
  caller: Caller | undefined,
  context: C,
) => XmlNode[] | undefined | Promise<XmlNode[] | undefined>;

/** What tells one query-protocol service from another. */
export interface QueryService<C> {
  /** How the front names itself in its own messages, e.g. `STS emulator`. */
  readonly frontName: string;
  /** The credential scope's service, e.g. `sts`. */
  readonly signingName: string;
  /** The API version every request must name, e.g. `2011-06-15`. */
  readonly version: string;
  /** The XML namespace of results and of the service's errors. */
  readonly namespace: string;
  readonly actions: ReadonlyMap<string, QueryAction<C>>;
  /**
   * Actions a caller may send unsigned, as STS takes AssumeRoleWithWebIdentity; a signed request to one is
   * authenticated like any other (a bad signature is refused).
   */
  readonly unsignedActions?: ReadonlyMap<string, UnsignedQueryAction<C>>;
  /** Real actions of the service that the front refuses with a message saying it does not implement them. */
  readonly notImplemented: (action: string) => boolean;
  /** The error an unexpected failure is answered with (STS: `InternalFailure`; IAM: `ServiceFailure`). */
  readonly internalError?: () => QueryError;
}

/** Everything a request may consult: authentication's context, the actions' own, and where failures go. */
export type QueryContext<C> = C &
  AuthenticationContext & {
    /** Told about failures of the front itself (answered as the service's internal error). */
    readonly onInternalError?: (error: unknown) => void;
  };

/** A decoded request, ready to run. */
export interface QueryRequest {
  readonly received: ReceivedRequest;
  readonly params: QueryParams;
  /** The `Action` parameter, `''` when missing. */
  readonly action: string;
  /** The access key id in the `Authorization` header, for call accounting; not yet authenticated. */
  readonly accessKeyId?: string;
  /** A decoding problem, answered before anything else. */
  readonly decodeError?: QueryError;
}

/** An HTTP answer. */
export interface QueryReply {
  readonly status: number;
  readonly requestId: string;
  readonly body: string;
}

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** Decodes a request to `/` (GET with a query string, or POST with a form body; both are merged, first wins). */
export function decodeQueryRequest(input: {
  method: string;
  query: string;
  rawHeaders: readonly string[];
  body: Buffer;
}): QueryRequest {
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

/** Runs a decoded request. Never throws: unexpected failures become the service's bare internal error. */
export async function runQueryRequest<C>(
  request: QueryRequest,
  service: QueryService<C>,
  context: QueryContext<C>,
): Promise<QueryReply> {
  const requestId = randomUUID();
  try {
    if (request.decodeError !== undefined) throw request.decodeError;
    const action = resolveAction(request, service);
    const authenticated = () => authenticate(request.received, context, service.signingName);
    const result = action.unsigned
      ? await action.run(
          request.params,
          isSigned(request.received) ? await authenticated() : undefined,
          context,
        )
      : await action.run(request.params, await authenticated(), context);
    return {
      status: 200,
      requestId,
      body: renderResult(request.action, result, requestId, service.namespace),
    };
  } catch (error) {
    if (!(error instanceof QueryError)) context.onInternalError?.(error);
    // Internals never reach the client; a bug of the front answers like an outage of the service.
    const answer = error instanceof QueryError ? error : (service.internalError ?? internalFailure)();
    return { status: answer.status, requestId, body: renderError(answer, requestId, service.namespace) };
  }
}

/** An action to run, and whether it may run without a caller. */
type ResolvedAction<C> =
  | { readonly unsigned: false; readonly run: QueryAction<C> }
  | { readonly unsigned: true; readonly run: UnsignedQueryAction<C> };

/** Dispatch happens before authentication, as on AWS's front end. */
function resolveAction<C>(request: QueryRequest, service: QueryService<C>): ResolvedAction<C> {
  if (request.action === '') throw missingAction();
  const version = request.params.get('Version') ?? '';
  if (version === service.version) {
    const signed = service.actions.get(request.action);
    if (signed !== undefined) return { unsigned: false, run: signed };
    const unsigned = service.unsignedActions?.get(request.action);
    if (unsigned !== undefined) return { unsigned: true, run: unsigned };
    if (service.notImplemented(request.action)) throw notImplementedAction(service.frontName, request.action);
  }
  throw invalidAction(request.action, version);
}

/** Whether a request carries a signature, in its `Authorization` header or its query string. */
function isSigned(request: ReceivedRequest): boolean {
  return (
    headerValue(request.rawHeaders, 'authorization') !== undefined ||
    'X-Amz-Signature' in request.query ||
    'X-Amz-Credential' in request.query
  );
}
