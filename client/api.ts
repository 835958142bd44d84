/** A small client of the credvend API over `fetch`: Node.js 18+ and browsers alike, no AWS SDK, no Node built-ins. */

/** One scope entry of a vend request: narrows one of the tenant's grants. */
export interface ScopeEntry {
  readonly bucket?: string;
  readonly prefix?: string;
  readonly access?: readonly ('read' | 'write' | 'delete' | 'list')[];
}

/** What to ask the API for. */
export interface VendParameters {
  readonly scope?: readonly ScopeEntry[];
  readonly durationSeconds?: number;
  readonly region?: string;
}

/** Where the API is and how to reach it. */
export interface ApiOptions {
  /** The API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod` or `http://127.0.0.1:3000`. */
  readonly url: string;
  /** The caller's JWT (without `Bearer `). */
  readonly token: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Time allowed for one request. @default 10000 */
  readonly timeoutMs?: number;
}

/** Credentials as `POST /v1/credentials` returns them. */
export interface VendedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** RFC 3339. */
  readonly expiration: string;
  readonly region: string;
  readonly tenantId: string;
  readonly durationSeconds: number;
  readonly scope: readonly Required<ScopeEntry>[];
}

/** The plan `POST /v1/credentials/dry-run` returns. */
export interface SessionPlanPreview {
  readonly dryRun: true;
  readonly tenantId: string;
  readonly subject: string;
  readonly roleArn: string;
  readonly region: string;
  readonly durationSeconds: number;
  readonly scope: readonly Required<ScopeEntry>[];
  readonly sessionPolicy: unknown;
  readonly sessionPolicySize: number;
  readonly sourceIdentity: string;
  readonly roleSessionName: string;
}

/** An error the API answered with (`code` is one of the README's error catalogue), or `CLIENT_ERROR` for transport failures. */
export class CredvendApiError extends Error {
  override name = 'CredvendApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | undefined,
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** `POST /v1/credentials`. */
export function vendCredentials(
  options: ApiOptions,
  parameters: VendParameters = {},
): Promise<VendedCredentials> {
  return post<VendedCredentials>(options, '/v1/credentials', parameters);
}

/** `POST /v1/credentials/dry-run`: what a vend would get, without credentials. */
export function previewSession(
  options: ApiOptions,
  parameters: VendParameters = {},
): Promise<SessionPlanPreview> {
  return post<SessionPlanPreview>(options, '/v1/credentials/dry-run', parameters);
}

/** The URL of `GET /v1/credentials/container` for one scope entry, for `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
export function containerCredentialsUrl(baseUrl: string, parameters: VendParameters = {}): string {
  const [entry, ...rest] = parameters.scope ?? [];
  if (rest.length > 0) throw new RangeError('the container-credentials URL carries at most one scope entry');
  const search = new URLSearchParams();
  if (entry?.bucket !== undefined) search.set('bucket', entry.bucket);
  if (entry?.prefix !== undefined) search.set('prefix', entry.prefix);
  if (entry?.access !== undefined) search.set('access', entry.access.join(','));
  if (parameters.durationSeconds !== undefined)
    search.set('durationSeconds', String(parameters.durationSeconds));
  if (parameters.region !== undefined) search.set('region', parameters.region);
  const query = search.toString();
  return `${routeUrl(baseUrl, '/v1/credentials/container')}${query === '' ? '' : `?${query}`}`;
}

function routeUrl(baseUrl: string, route: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${route}`;
}

async function post<T>(options: ApiOptions, route: string, parameters: VendParameters): Promise<T> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(routeUrl(options.url, route), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(parameters),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (cause) {
    // The cause may name the URL, never the token, which only travels in a header.
    throw new CredvendApiError(
      'CLIENT_ERROR',
      `The credvend API at ${options.url} could not be reached.`,
      undefined,
      undefined,
      undefined,
      { cause },
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && typeof body === 'object' && body !== null) return body as T;
  throw errorOf(response, body);
}

function errorOf(response: Response, body: unknown): CredvendApiError {
  const error =
    typeof body === 'object' && body !== null
      ? (body as { error?: Record<string, unknown> }).error
      : undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new CredvendApiError(
    typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
    typeof error?.message === 'string'
      ? error.message
      : `The credvend API answered ${response.status} without an error body.`,
    response.status,
    typeof error?.requestId === 'string' ? error.requestId : undefined,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}
