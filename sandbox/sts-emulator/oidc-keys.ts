/**
 * OIDC issuers' verification keys, fetched as STS fetches them: `<iss>/.well-known/openid-configuration`, then its
 * `jwks_uri`, within STS's 5 seconds; over loopback http only, as the emulator reaches nothing else. Kept per issuer
 * for a minute, and fetched again sooner when a token names a key id the kept set lacks (a rotated key).
 */
import { request } from 'node:http';
import { isJwks, type Jwks } from 'aws-jwt-verify/jwk';
import { isJsonObject, type Json, safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { isLoopbackHostname } from '../account/oidc-providers';

/** The issuer's keys could not be had: unreachable, too slow, an error status, or not a discovery document/JWKS. */
export class OidcKeysUnavailableError extends Error {
  override readonly name = 'OidcKeysUnavailableError';
}

/** Where the STS front gets an issuer's JWKS. */
export interface OidcKeySource {
  /**
   * The JWKS of `issuer` (a provider URL). `refresh` asks for a newer copy than the one kept, which is fetched only
   * when the kept one is a few seconds old, so that tokens with unknown key ids cannot hammer the issuer. Rejects
   * with `OidcKeysUnavailableError`.
   */
  keys(issuer: string, options?: { readonly refresh?: boolean }): Promise<Jwks>;
}

/** The fetch of one issuer's keys may take this long altogether (AWS: "latency of more than 5 seconds"). */
const FETCH_TIMEOUT_MS = 5000;
/** A discovery document or JWKS larger than this is not one. */
const MAX_DOCUMENT_BYTES = 256 * 1024;
const KEEP_MS = 60_000;
const MIN_REFRESH_AGE_MS = 5_000;

/** Fetches keys with node:http from loopback issuers and keeps them briefly; failures are never kept. */
export class LoopbackHttpKeySource implements OidcKeySource {
  private readonly kept = new Map<string, { readonly jwks: Jwks; readonly fetchedAtMs: number }>();
  private readonly inFlight = new Map<string, Promise<Jwks>>();

  constructor(private readonly now: () => number) {}

  keys(issuer: string, options: { readonly refresh?: boolean } = {}): Promise<Jwks> {
    const kept = this.kept.get(issuer);
    const age = kept === undefined ? Number.POSITIVE_INFINITY : this.now() - kept.fetchedAtMs;
    const stale = age >= KEEP_MS || (options.refresh === true && age >= MIN_REFRESH_AGE_MS);
    if (kept !== undefined && !stale) return Promise.resolve(kept.jwks);
    const pending = this.inFlight.get(issuer);
    if (pending !== undefined) return pending;
    const fetching = fetchIssuerKeys(issuer)
      .then((jwks) => {
        this.kept.set(issuer, { jwks, fetchedAtMs: this.now() });
        return jwks;
      })
      .finally(() => this.inFlight.delete(issuer));
    this.inFlight.set(issuer, fetching);
    return fetching;
  }
}

async function fetchIssuerKeys(issuer: string): Promise<Jwks> {
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  // OIDC Discovery: the issuer without its trailing slash, then the well-known path.
  const discovery = await getJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, signal);
  const jwksUri = isJsonObject(discovery) ? discovery.jwks_uri : undefined;
  if (typeof jwksUri !== 'string') {
    throw new OidcKeysUnavailableError('the discovery document names no jwks_uri');
  }
  const jwks = await getJson(jwksUri, signal);
  if (!isJwks(jwks)) throw new OidcKeysUnavailableError('not a JWKS');
  return jwks;
}

/** GETs a loopback http URL and parses its 200 answer as JSON; never follows a redirect. */
function getJson(rawUrl: string, signal: AbortSignal): Promise<Json> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return Promise.reject(new OidcKeysUnavailableError('not a URL'));
  }
  if (url.protocol !== 'http:' || !isLoopbackHostname(url.hostname)) {
    return Promise.reject(new OidcKeysUnavailableError('the emulator fetches from loopback http URLs only'));
  }
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => reject(new OidcKeysUnavailableError(reason));
    const outgoing = request(url, { method: 'GET', signal, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        fail(`HTTP ${response.statusCode}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) {
          outgoing.destroy();
          fail('the document is too large');
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        try {
          resolve(safeJsonParse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          fail('the document is not JSON');
        }
      });
      response.on('error', () => fail('the answer broke off'));
    });
    outgoing.on('error', (error) => fail(error.name === 'AbortError' ? 'timed out' : 'unreachable'));
    outgoing.end();
  });
}
