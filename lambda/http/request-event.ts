/** Reads the parts of an API Gateway (REST, proxy integration) event the routes need, defensively. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidRequestError, UnauthenticatedError } from '../core/errors';
import type { QueryParameters } from '../core/vend-request';

/** The route key (`GET /v1/credentials`) of an event; API Gateway's resource template when it names one. */
export function routeKeyOf(event: APIGatewayProxyEvent): string {
  const path = event.resource && !event.resource.includes('{') ? event.resource : event.path;
  return `${event.httpMethod.toUpperCase()} ${path.length > 1 ? path.replace(/\/+$/, '') : path}`;
}

/** All values of a header, whatever its case, from both the single- and multi-value maps. */
function headerValues(event: APIGatewayProxyEvent, name: string): string[] {
  const wanted = name.toLowerCase();
  const values = new Set<string>();
  for (const [key, value] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted) for (const v of value ?? []) values.add(v);
  }
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) values.add(value);
  }
  return [...values];
}

/** The one `Authorization` header value; a doubled header is refused rather than guessed at. */
export function authorizationHeader(event: APIGatewayProxyEvent): string | undefined {
  const values = headerValues(event, 'authorization');
  if (values.length > 1) throw new UnauthenticatedError({ detail: 'more than one Authorization header' });
  return values[0];
}

/** A single header value, or undefined. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  return headerValues(event, name)[0];
}

/** The query string as lists of values, from both maps API Gateway fills. */
export function queryOf(event: APIGatewayProxyEvent): QueryParameters {
  const query: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    query[key] = [...(values ?? [])];
  }
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (query[key] === undefined && value !== undefined) query[key] = [value];
  }
  return query;
}

/** The body as text, decoding base64 when API Gateway encoded it. */
export function bodyOf(event: APIGatewayProxyEvent): string | null {
  if (event.body === null || event.body === undefined) return null;
  if (!event.isBase64Encoded) return event.body;
  const text = Buffer.from(event.body, 'base64').toString('utf8');
  if (text.includes('\uFFFD')) throw new InvalidRequestError('The request body is not valid UTF-8.');
  return text;
}
