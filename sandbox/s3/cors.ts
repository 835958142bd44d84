/**
 * The sandbox buckets' CORS configuration and S3's evaluation of it: preflight `OPTIONS` answered without
 * authentication, and the `Access-Control-*` headers of actual responses, for browser clients on the sandbox's origins.
 */
import { S3Error } from './errors';

/** One CORS rule, as in a bucket's CORS configuration. */
export interface CorsRule {
  /** Origins, each with at most one `*` (e.g. `http://localhost:*`). */
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly ('GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD')[];
  /** Request headers a preflight may ask for, each with at most one `*`. */
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

/** The rule the sandbox's data bucket carries unless told otherwise: any port of localhost and 127.0.0.1. */
export function defaultCorsRules(
  origins: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*'],
): CorsRule[] {
  return [
    {
      allowedOrigins: origins,
      allowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
      allowedHeaders: ['*'],
      exposeHeaders: [
        'ETag',
        'x-amz-request-id',
        'x-amz-id-2',
        'x-amz-version-id',
        'x-amz-checksum-crc32',
        'x-amz-checksum-crc32c',
        'x-amz-checksum-sha1',
        'x-amz-checksum-sha256',
        'x-amz-checksum-type',
        'Content-Range',
      ],
      maxAgeSeconds: 3000,
    },
  ];
}

/** S3's one-wildcard match, case-sensitive for origins and case-insensitive for header names. */
function wildcardMatch(pattern: string, value: string, caseless = false): boolean {
  const [p, v] = caseless ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

function ruleFor(
  rules: readonly CorsRule[],
  origin: string,
  method: string,
  requestHeaders: readonly string[],
): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((pattern) => wildcardMatch(pattern, origin)) &&
      (rule.allowedMethods as readonly string[]).includes(method) &&
      requestHeaders.every((header) =>
        rule.allowedHeaders.some((pattern) => wildcardMatch(pattern, header, true)),
      ),
  );
}

function allowHeaders(rule: CorsRule, origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': rule.allowedOrigins.includes('*') ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    ...(rule.exposeHeaders.length > 0 && { 'access-control-expose-headers': rule.exposeHeaders.join(', ') }),
    ...(rule.maxAgeSeconds !== undefined && { 'access-control-max-age': String(rule.maxAgeSeconds) }),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/** The answer to a preflight (`OPTIONS`); throws the `S3Error` S3 answers when the request is not allowed. */
export function preflight(
  rules: readonly CorsRule[],
  headers: ReadonlyMap<string, string>,
): Record<string, string> {
  const origin = headers.get('origin');
  const method = headers.get('access-control-request-method');
  if (origin === undefined || method === undefined) {
    throw new S3Error(
      'BadRequest',
      400,
      origin === undefined
        ? 'Insufficient information. Origin request header needed.'
        : 'Invalid Access-Control-Request-Method header.',
    );
  }
  const requested = (headers.get('access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const rule = ruleFor(rules, origin, method, requested);
  if (rule === undefined) {
    throw new S3Error(
      'AccessForbidden',
      403,
      'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request ' +
        'method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the ' +
        "resource's CORS spec.",
      { Method: method, ResourceType: 'OBJECT' },
    );
  }
  return {
    ...allowHeaders(rule, origin),
    ...(requested.length > 0 && { 'access-control-allow-headers': requested.join(', ') }),
  };
}

/** The CORS headers of an actual (non-preflight) response; none when the request has no matching origin. */
export function corsResponseHeaders(
  rules: readonly CorsRule[],
  method: string,
  headers: ReadonlyMap<string, string>,
): Record<string, string> {
  const origin = headers.get('origin');
  if (origin === undefined) return {};
  const rule = ruleFor(rules, origin, method, []);
  return rule === undefined ? {} : allowHeaders(rule, origin);
}
