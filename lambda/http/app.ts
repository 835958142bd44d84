/** The API: routes each API Gateway event to the vend path and writes one audit event per request. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, RouteNotFoundError } from '../core/errors';
import type { Principal } from '../core/model';
import { JWKS_PATH, jwksDocument, OPENID_CONFIGURATION_PATH, openIdConfiguration } from '../core/oidc-issuer';
import type { Authenticator, TokenSigner } from '../core/ports';
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
import { corsHeaders, jsonResponse, publicJsonResponse } from './responses';

/** Web-identity mode: credvend is an OIDC issuer, and the API publishes its discovery document and keys. */
export interface WebIdentityPublishing {
  /** The `iss` of credvend's tokens (`WEB_IDENTITY_ISSUER`). */
  readonly issuer: string;
  /** Where the public keys come from (`KmsTokenSigner`). */
  readonly keys: Pick<TokenSigner, 'publicKeys'>;
}

/** What the API is built from; the Lambda handler and the local sandbox each wire their own. */
export interface AppDependencies {
  readonly authenticator: Authenticator;
  /** Extracts the token from the Authorization header value (see `bearerToken`). */
  readonly bearerToken: (authorization: string | undefined) => string;
  readonly vendService: VendService;
  readonly audit: AuditSink;
  readonly allowedRegions: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** Serves `/.well-known/openid-configuration` and `/.well-known/jwks.json`; absent (role chaining): both are 404. */
  readonly webIdentity?: WebIdentityPublishing;
  readonly now?: () => number;
}

/** A route: runs with the request's audit record, returns the body of a 200. */
type Route = (event: APIGatewayProxyEvent, record: AuditRecord, requestId: string) => Promise<unknown>;

/** Not audited: load balancers and monitors call it often and it reveals nothing. */
const HEALTH_ROUTE = 'GET /health';
const OPENID_CONFIGURATION_ROUTE = `GET ${OPENID_CONFIGURATION_PATH}`;
const JWKS_ROUTE = `GET ${JWKS_PATH}`;

/** Public documents, the same for every caller, without authentication: STS and IAM fetch them. */
const PUBLIC_ROUTES = new Set([OPENID_CONFIGURATION_ROUTE, JWKS_ROUTE]);
/** Successes not audited (failures always are): frequent, unauthenticated, revealing nothing. */
const UNAUDITED_ROUTES = new Set([HEALTH_ROUTE, ...PUBLIC_ROUTES]);
/**
 * How long STS, IAM and CDNs may cache the discovery document and keys. A new key must be published (listed second
 * in SIGNING_KEY_IDS) at least this long before it starts signing, and an old one kept as long after.
 */
export const WELL_KNOWN_MAX_AGE_SECONDS = 300;

/** Routes whose errors also carry the top-level `Code`/`Message` of the SDK credential formats. */
const SDK_FORMAT_ROUTES = new Set(['GET /v1/credentials/container', 'GET /v1/credentials/process']);

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

  const webIdentity = deps.webIdentity;
  const publicRoutes: Readonly<Record<string, Route>> =
    webIdentity === undefined
      ? {}
      : {
          [OPENID_CONFIGURATION_ROUTE]: async () =>
            openIdConfiguration(webIdentity.issuer, await webIdentity.keys.publicKeys()),
          [JWKS_ROUTE]: async () => jwksDocument(await webIdentity.keys.publicKeys()),
        };

  const routes: Readonly<Record<string, Route>> = {
    ...publicRoutes,
    [HEALTH_ROUTE]: async () => ({ status: 'ok' }),
    'GET /v1/tenant': async (event, record) => {
      const tenant = await deps.vendService.activeTenant(await principalOf(event, record));
      return tenantBody(
        tenant,
        deps.allowedRegions,
        webIdentity === undefined ? 'role-chaining' : 'web-identity',
      );
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
      if (!UNAUDITED_ROUTES.has(routeKey)) record.write(deps.audit, now());
      if (PUBLIC_ROUTES.has(routeKey)) return publicJsonResponse(body, WELL_KNOWN_MAX_AGE_SECONDS, cors);
      return jsonResponse(200, body, cors);
    } catch (error) {
      const outcome = outcomeOf(error);
      record.write(deps.audit, now(), outcome, error);
      return errorResponse(outcome, requestId, {
        sdkFormat: SDK_FORMAT_ROUTES.has(routeKey),
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
