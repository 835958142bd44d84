/** Builds API Gateway proxy responses: JSON, never cached (public documents aside), with CORS for allowed origins. */
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Headers on every response: credentials and plans must never be cached or sniffed. */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

/** Response headers for a caller's origin, when the deployment allows it. */
export function corsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  if (origin === undefined || !allowedOrigins.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** A JSON response. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * A JSON response that shared caches may keep for `maxAgeSeconds`: only for public documents that hold no secret
 * and are the same for every caller (the OIDC discovery document and JWKS).
 */
export function publicJsonResponse(
  body: unknown,
  maxAgeSeconds: number,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult {
  const { Pragma: _, ...base } = BASE_HEADERS;
  return {
    statusCode: 200,
    headers: { ...base, ...headers, 'Cache-Control': `public, max-age=${maxAgeSeconds}` },
    body: JSON.stringify(body),
  };
}
