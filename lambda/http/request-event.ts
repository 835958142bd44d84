/** Reads the parts of an API Gateway (REST, proxy integration) event the routes need, defensively. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidRequestError, UnauthenticatedError } from '../core/errors';
import type { QueryParameters } from '../core/vend-request';

/** The route key (`GET /v1/credentials`) of an event; API Gateway's resource template when it names one. */
export function routeKeyOf(event: APIGatewayProxyEvent): string {
  const path = event.resource && !event.resource.includes('{') ? event.resource : event.path;
  return `${event.httpMethod.toUpperCase()} ${path.length > 1 ? path.replace(/\/+$/, '') : path}`;
}

/**
 * All values of a header, whatever its case. The multi-value map holds every occurrence (API Gateway repeats the
 * last one in the single-value map), so it wins; repeats are kept, so that a doubled header stays visible.
 */
function headerValues(event: APIGatewayProxyEvent, name: string): string[] {
  const wanted = name.toLowerCase();
  const matching = <T>(map: Record<string, T> | null | undefined) =>
    Object.entries(map ?? {})
      .filter(([key]) => key.toLowerCase() === wanted)
      .map(([, value]) => value);
  const multi = matching(event.multiValueHeaders).flatMap((values) => values ?? []);
  if (multi.length > 0) return multi;
  return matching(event.headers).filter((value): value is string => value !== undefined);
}

/** The one `Authorization` header value; a doubled header is refused rather than guessed at. */
export function authorizationHeader(event: APIGatewayProxyEvent): string | undefined {
  const values = headerValues(event, 'authorization');
  if (values.length > 1)
    throw new UnauthenticatedError({ tokenPresented: true, detail: 'more than one Authorization header' });
  return values[0];
}

/** A single header value, or undefined. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  return headerValues(event, name)[0];
}

/** The query string as lists of values, from both maps API Gateway fills. */
export function queryOf(event: APIGatewayProxyEvent): QueryParameters {
  // A Map, not an object literal: a parameter named `__proto__` must stay a parameter.
  const query = new Map<string, string[]>();
  for (const [key, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    query.set(key, [...(values ?? [])]);
  }
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!query.has(key) && value !== undefined) query.set(key, [value]);
  }
  return Object.fromEntries(query);
}

/** The body as text, decoding base64 when API Gateway encoded it. */
export function bodyOf(event: APIGatewayProxyEvent): string | null {
  if (event.body === null || event.body === undefined) return null;
  if (!event.isBase64Encoded) return event.body;
  const text = Buffer.from(event.body, 'base64').toString('utf8');
  if (text.includes('\uFFFD')) throw new InvalidRequestError('The request body is not valid UTF-8.');
  return text;
}
