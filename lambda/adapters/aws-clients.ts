/** Builds the AWS SDK clients the adapters share (keep-alive, timeouts, bounded retries) and their common call plumbing. */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** How an adapter's SDK client talks to its service. */
export interface AwsClientOptions {
  /** The region whose regional endpoint the client calls. Always explicit: no environment fallback. */
  readonly region: string;
  /** Overrides the endpoint, e.g. `http://127.0.0.1:PORT` for the local STS emulator or dynalite. */
  readonly endpoint?: string;
  /** Attempts per call, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Time allowed to open a connection. @default 1000 */
  readonly connectionTimeoutMs?: number;
  /** Time allowed for one request and its response. @default 3000 */
  readonly requestTimeoutMs?: number;
  /** Credentials for the client; the SDK's default provider chain when absent (the Lambda's role). */
  readonly credentials?: STSClientConfig['credentials'];
}

const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_CONNECTION_TIMEOUT_MS = 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 3000;

/** A keep-alive HTTP handler whose timeouts throw (`TimeoutError`) instead of only warning. */
export function createHttpHandler(
  options: Pick<AwsClientOptions, 'connectionTimeoutMs' | 'requestTimeoutMs'>,
) {
  // Keep-alive saves a TCP+TLS handshake per call on a warm Lambda; the SDK would otherwise pick its own agents.
  const agentOptions = { keepAlive: true, maxSockets: 50 };
  return new NodeHttpHandler({
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    httpAgent: new HttpAgent(agentOptions),
    httpsAgent: new HttpsAgent(agentOptions),
  });
}

/** The configuration every AWS client of the function shares: keep-alive, timeouts, retries, endpoint, credentials. */
export function commonConfig(options: AwsClientOptions) {
  return {
    region: options.region,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: createHttpHandler(options),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
}

/** An STS client on the regional endpoint of `options.region` (never the global one). */
export function createStsClient(options: AwsClientOptions): STSClient {
  return new STSClient({ ...commonConfig(options), useGlobalEndpoint: false });
}

/**
 * An STS client that never signs, for AssumeRoleWithWebIdentity: the token is the credential, the call takes no AWS
 * credentials. The SDK already offers `noAuth` first for that operation; pinning the preference keeps it so whatever
 * `AWS_AUTH_SCHEME_PREFERENCE` says, and a credentials provider that refuses makes any signing attempt fail loudly
 * instead of falling back to the default chain (the Lambda's role).
 */
export function createUnsignedStsClient(options: Omit<AwsClientOptions, 'credentials'>): STSClient {
  return new STSClient({
    ...commonConfig(options),
    useGlobalEndpoint: false,
    authSchemePreference: ['noAuth'],
    credentials: refuseToSign,
  });
}

/** The credentials of an unsigned client: asking for them is a bug. */
export const refuseToSign = (): Promise<never> =>
  Promise.reject(new Error('this STS client is unsigned: an operation asked it for AWS credentials'));

/** How an adapter gets its clients: an injected factory, or the default one tuned by the other options. */
export interface RegionalClientOptions<C> {
  /**
   * Builds the client of one region; called at most once per region.
   * @default a keep-alive client on the regional endpoint (the adapter's `create…Client`)
   */
  readonly clientFactory?: (region: string) => C;
  /** Endpoint override for the default factory, e.g. a local sandbox front `http://127.0.0.1:PORT`. */
  readonly endpoint?: string;
  /** Attempts per call for the default factory (the SDK's own retries), the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Connection timeout of the default factory. @default 1000 */
  readonly connectionTimeoutMs?: number;
  /** Per-attempt request timeout of the default factory. @default 3000 */
  readonly requestTimeoutMs?: number;
  /** Credentials for the default factory; the SDK's default chain (the Lambda's role) when absent. */
  readonly credentials?: AwsClientOptions['credentials'];
}

/** An adapter's clients: built by `options.clientFactory`, or by `create` with the options that are set. */
export function regionalClients<C extends { destroy(): void }>(
  options: RegionalClientOptions<C>,
  create: (clientOptions: AwsClientOptions) => C,
): RegionalClients<C> {
  return new RegionalClients(
    options.clientFactory ??
      ((region) =>
        create({
          region,
          ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
          ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
          ...(options.connectionTimeoutMs === undefined
            ? {}
            : { connectionTimeoutMs: options.connectionTimeoutMs }),
          ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
          ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
        })),
  );
}

/** One client per region, built on first use and reused: a warm Lambda keeps its connections. */
export class RegionalClients<C extends { destroy(): void }> {
  private readonly clients = new Map<string, C>();

  constructor(private readonly factory: (region: string) => C) {}

  /** The client of `region`, built by the factory the first time. */
  get(region: string): C {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.factory(region);
      this.clients.set(region, client);
    }
    return client;
  }

  /** Closes every client's keep-alive sockets and forgets them. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

/** A low-level DynamoDB client; wrap it with `DynamoDBDocumentClient.from` (and `destroy()` this one). */
export function createDynamoDbClient(options: AwsClientOptions): DynamoDBClient {
  return new DynamoDBClient(commonConfig(options));
}

/**
 * A document client (plain JavaScript values in and out) over a new low-level client that it owns:
 * its `destroy()` closes that client's sockets.
 */
export function createDynamoDbDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  const client = createDynamoDbClient(options);
  const documents = DynamoDBDocumentClient.from(client);
  // lib-dynamodb's own destroy() does nothing (the wrapped client may be shared); this one is not shared.
  documents.destroy = () => client.destroy();
  return documents;
}

/** Node.js socket errors that mean "the service could not be reached", as the SDK's retry strategy lists them. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const TIMEOUT_ERROR_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

/** The fields of an SDK error this code reads; every one may be absent on errors that never reached AWS. */
export interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Views any thrown value as a possible SDK error. */
export function asSdkError(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** True for failures a later retry may cure: timeouts, aborts, socket errors and 5xx answers. */
export function isTransientFailure(error: unknown): boolean {
  const e = asSdkError(error);
  if (typeof e.name === 'string' && TIMEOUT_ERROR_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
  if (typeof e.name === 'string' && NETWORK_ERROR_CODES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

/** Longest delay a Node.js timer holds (about 24.8 days); a longer one fires after 1 ms instead. */
export const MAX_DEADLINE_MS = 2_147_483_647;

/** Returns `deadlineMs` if a deadline timer can hold it; throws `RangeError` otherwise (for constructors). */
export function checkDeadlineMs(deadlineMs: number): number {
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0 || deadlineMs > MAX_DEADLINE_MS) {
    throw new RangeError(
      `deadlineMs must be a positive number of milliseconds up to ${MAX_DEADLINE_MS}, got ${deadlineMs}`,
    );
  }
  return deadlineMs;
}

/** Raised by `sendWithDeadline` when the overall deadline passes first. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  constructor(readonly deadlineMs: number) {
    super(`the call did not complete within its ${deadlineMs} ms deadline`);
  }
}

/**
 * Runs `send` with an abort signal that fires after `deadlineMs`, covering every retry and backoff.
 * The signal cancels the in-flight HTTP request; the race makes the deadline hold even where a layer
 * (a credential provider, a test double) ignores the signal.
 */
export async function sendWithDeadline<T>(
  deadlineMs: number,
  send: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  checkDeadlineMs(deadlineMs);
  const controller = new AbortController();
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    onAbort = () => reject(new DeadlineExceededError(deadlineMs));
    controller.signal.addEventListener('abort', onAbort, { once: true });
  });
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  try {
    return await Promise.race([send(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) controller.signal.removeEventListener('abort', onAbort);
  }
}
