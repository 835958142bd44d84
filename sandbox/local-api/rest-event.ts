/** Builds the API Gateway REST (proxy integration) event that API Gateway would send for an HTTP request. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** An HTTP request as the local server (or a test) sees it. */
export interface LocalRequest {
  readonly method: string;
  /** The path with its query string, e.g. `/v1/credentials/container?durationSeconds=900`. */
  readonly url: string;
  /** Header name to its values, in arrival order. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: Buffer | string;
  readonly sourceIp?: string;
  readonly requestId?: string;
}

/** The deployed stage name, as it appears in `requestContext.stage`. */
const STAGE = 'local';

/**
 * The event of a request. Like API Gateway: the last value of a repeated header or query parameter in the
 * single-value maps and all of them in the multi-value maps, a body that is not UTF-8 text base64-encoded.
 */
export function toRestEvent(request: LocalRequest): APIGatewayProxyEvent {
  const parsed = new URL(request.url, 'http://localhost');
  const headerEntries = Object.entries(request.headers ?? {}).flatMap(([name, value]) => {
    const values = value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
    return values.length === 0 ? [] : [[name, values] as const];
  });
  const headers: Record<string, string> = Object.fromEntries(
    headerEntries.map(([n, v]) => [n, v.at(-1) ?? '']),
  );
  const multiValueHeaders = Object.fromEntries(headerEntries.map(([n, v]) => [n, [...v]]));
  const grouped = new Map<string, string[]>();
  for (const [name, value] of parsed.searchParams) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  // fromEntries defines own properties, so names like `__proto__` stay plain keys.
  const multiValueQuery = Object.fromEntries(grouped);
  const query = Object.fromEntries([...grouped].map(([k, v]) => [k, v.at(-1) ?? '']));
  const { body, isBase64Encoded } = encodeBody(request.body);
  const requestId = request.requestId ?? randomUUID();
  const path = decodeURIComponentSafe(parsed.pathname);
  return {
    resource: path,
    path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiValueQuery).length > 0 ? multiValueQuery : null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method.toUpperCase(),
      identity: identity(request.sourceIp ?? '127.0.0.1', headers['user-agent'] ?? null),
      path: `/${STAGE}${path}`,
      stage: STAGE,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: path,
    },
  };
}

function encodeBody(body: Buffer | string | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (body === undefined || body.length === 0) return { body: null, isBase64Encoded: false };
  if (typeof body === 'string') return { body, isBase64Encoded: false };
  const text = body.toString('utf8');
  // Bytes that are not valid UTF-8 do not survive the round trip: send them as API Gateway does, base64.
  return Buffer.from(text, 'utf8').equals(body)
    ? { body: text, isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true };
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function identity(
  sourceIp: string,
  userAgent: string | null,
): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}
