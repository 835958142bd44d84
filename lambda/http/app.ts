/** The API: routes each API Gateway event to the vend path and writes one audit event per request. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, RouteNotFoundError } from '../core/errors';
import type { Principal } from '../core/model';
import type { Authenticator } from '../core/ports';
import { parseVendBody, parseVendQuery } from '../core/vend-request';
import type { VendService } from '../core/vend-service';
import { AuditRecord, type AuditSink } from './audit';
import { errorResponse, outcomeOf } from './error-response';
import {
  containerCredentialsBody,
  credentialProcessBody,
  credentialsBody,
  dryRunBody,
  tenantBody,
} from './formats';
import { authorizationHeader, bodyOf, header, queryOf, routeKeyOf } from './request-event';
import { corsHeaders, jsonResponse } from './responses';

/** What the API is built from; the Lambda handler and the local sandbox each wire their own. */
export interface AppDependencies {
  readonly authenticator: Authenticator;
  /** Extracts the token from the Authorization header value (see `bearerToken`). */
  readonly bearerToken: (authorization: string | undefined) => string;
  readonly vendService: VendService;
  readonly audit: AuditSink;
  readonly allowedRegions: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly now?: () => number;
}

/** A route: runs with the request's audit record, returns the body of a 200. */
type Route = (event: APIGatewayProxyEvent, record: AuditRecord, requestId: string) => Promise<unknown>;

/** Not audited: load balancers and monitors call it often and it reveals nothing. */
const HEALTH_ROUTE = 'GET /health';

/** Routes whose errors use the container-credentials error shape. */
const CONTAINER_ROUTES = new Set(['GET /v1/credentials/container']);

/** Builds the request handler. */
export function createApp(
  deps: AppDependencies,
): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const now = deps.now ?? Date.now;

  const principalOf = async (event: APIGatewayProxyEvent, record: AuditRecord): Promise<Principal> => {
    const principal = await deps.authenticator.authenticate(deps.bearerToken(authorizationHeader(event)));
    record.authenticated(principal);
    return principal;
  };

  const vend = async (
    event: APIGatewayProxyEvent,
    record: AuditRecord,
    requestId: string,
    fromQuery: boolean,
  ) => {
    const principal = await principalOf(event, record);
    const request = fromQuery ? parseVendQuery(queryOf(event)) : parseVendBody(bodyOf(event));
    const plan = await deps.vendService.plan(principal, request, requestId);
    record.planned(plan);
    const credentials = await deps.vendService.issue(plan);
    record.issued(credentials);
    return { plan, credentials };
  };

  const routes: Readonly<Record<string, Route>> = {
    [HEALTH_ROUTE]: async () => ({ status: 'ok' }),
    'GET /v1/tenant': async (event, record) => {
      const tenant = await deps.vendService.activeTenant(await principalOf(event, record));
      return tenantBody(tenant, deps.allowedRegions);
    },
    'POST /v1/credentials': async (event, record, requestId) => {
      const { plan, credentials } = await vend(event, record, requestId, false);
      return credentialsBody(plan, credentials);
    },
    'POST /v1/credentials/dry-run': async (event, record, requestId) => {
      const principal = await principalOf(event, record);
      const plan = await deps.vendService.plan(principal, parseVendBody(bodyOf(event)), requestId);
      record.planned(plan);
      return dryRunBody(plan);
    },
    'GET /v1/credentials/container': async (event, record, requestId) => {
      const { credentials } = await vend(event, record, requestId, true);
      return containerCredentialsBody(credentials, new Date(now()));
    },
    'GET /v1/credentials/process': async (event, record, requestId) => {
      const { credentials } = await vend(event, record, requestId, true);
      return credentialProcessBody(credentials);
    },
  };

  return async (event) => {
    const startedAt = now();
    const requestId = event.requestContext?.requestId || 'unknown';
    const routeKey = routeKeyOf(event);
    const record = new AuditRecord(requestId, routeKey, startedAt);
    const cors = corsHeaders(header(event, 'origin'), deps.allowedOrigins);
    try {
      const route = routes[routeKey] ?? missingRoute(routeKey, Object.keys(routes));
      const body = await route(event, record, requestId);
      if (routeKey !== HEALTH_ROUTE) record.write(deps.audit, now());
      return jsonResponse(200, body, cors);
    } catch (error) {
      const outcome = outcomeOf(error);
      record.write(deps.audit, now(), outcome, error);
      return errorResponse(outcome, requestId, {
        containerFormat: CONTAINER_ROUTES.has(routeKey),
        headers: cors,
      });
    }
  };
}

function missingRoute(routeKey: string, known: readonly string[]): never {
  const path = routeKey.slice(routeKey.indexOf(' ') + 1);
  if (known.some((k) => k.endsWith(` ${path}`))) {
    throw new MethodNotAllowedError(`${routeKey.split(' ')[0]} is not allowed on ${path}.`);
  }
  throw new RouteNotFoundError('No such route.');
}
