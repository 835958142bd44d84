/**
 * `fromCredvend`: an AWS SDK for JavaScript v3 credential provider over the credvend API. It caches the vended
 * credentials, refreshes them ahead of expiry (before the SDK's own five-minute window), and shares one request
 * among concurrent callers. Browser-safe: `fetch` only.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type ApiOptions, type VendParameters, vendCredentials } from './api';

/** Options of `fromCredvend`. */
export interface CredvendProviderOptions extends VendParameters {
  /** The API's base URL. */
  readonly url: string;
  /** The caller's JWT, or a function returning a current one (called before each request, so it may refresh). */
  readonly token: string | (() => string | Promise<string>);
  /**
   * Refresh this long before expiry. Longer than the SDK's own five minutes, so the SDK never sees credentials it
   * considers expiring. @default 600
   */
  readonly refreshAheadSeconds?: number;
  /** @default globalThis.fetch */
  readonly fetch?: ApiOptions['fetch'];
  /** Time allowed for one API request. @default 10000 */
  readonly timeoutMs?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

const DEFAULT_REFRESH_AHEAD_SECONDS = 600;

/**
 * Returns a provider for any SDK client's `credentials` option. API errors reject with `CredvendApiError`
 * (its `code` is the API's error code).
 */
export function fromCredvend(options: CredvendProviderOptions): AwsCredentialIdentityProvider {
  const now = options.now ?? Date.now;
  const refreshAheadMs = (options.refreshAheadSeconds ?? DEFAULT_REFRESH_AHEAD_SECONDS) * 1000;
  let cached: AwsCredentialIdentity | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;

  const fresh = (credentials: AwsCredentialIdentity | undefined): credentials is AwsCredentialIdentity =>
    credentials?.expiration !== undefined && credentials.expiration.getTime() - now() > refreshAheadMs;

  const fetchCredentials = async (): Promise<AwsCredentialIdentity> => {
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    const vended = await vendCredentials(
      {
        url: options.url,
        token,
        ...(options.fetch && { fetch: options.fetch }),
        ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      },
      {
        ...(options.scope && { scope: options.scope }),
        ...(options.durationSeconds !== undefined && { durationSeconds: options.durationSeconds }),
        ...(options.region !== undefined && { region: options.region }),
      },
    );
    return {
      accessKeyId: vended.accessKeyId,
      secretAccessKey: vended.secretAccessKey,
      sessionToken: vended.sessionToken,
      expiration: new Date(vended.expiration),
    };
  };

  return async () => {
    if (fresh(cached)) return cached;
    inFlight ??= fetchCredentials()
      .then((credentials) => {
        cached = credentials;
        return credentials;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
