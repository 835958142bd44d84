/** The `Authenticator` adapter: verifies Cognito or OIDC JWTs with aws-jwt-verify and turns them into a `Principal`. */
import { get as httpGet } from 'node:http';
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  NonRetryableFetchError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { assertIsJwks, findJwkInJwks, type Jwks, type JwksCache, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { type SupportedSignatureAlgorithm, supportedSignatureAlgorithms } from 'aws-jwt-verify/jwt-verifier';
import { TokenExpiredError, UnauthenticatedError } from '../core/errors';
import type { Principal } from '../core/model';
import type { Authenticator } from '../core/ports';
import { TENANT_ID_PATTERN } from '../core/tenant-record';

/** Longest token accepted, in characters; longer ones are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
/** The claim that names the caller's tenant unless configured otherwise (a Cognito custom attribute). */
export const DEFAULT_TENANT_CLAIM = 'custom:tenant_id';
/** Clock skew tolerated on `exp` and `nbf` unless configured otherwise. */
export const DEFAULT_GRACE_SECONDS = 60;

const MAX_GRACE_SECONDS = 300;
/**
 * The grace handed to aws-jwt-verify, which switches its own `exp`/`nbf` checks off. The library checks the
 * signature first but `exp` before the issuer and audience (`validateJwtFields`), and the Cognito verifier checks
 * client id and token use after both, so its `JwtExpiredError` does not prove that a token was meant for us. We
 * judge the validity period ourselves, once everything else verified.
 */
const LIBRARY_TIME_CHECKS_OFF = Number.POSITIVE_INFINITY;
const MAX_SUBJECT_LENGTH = 256;
const MAX_JWKS_BYTES = 256 * 1024;
const JWKS_FETCH_TIMEOUT_MS = 3000;
const BEARER_PREFIX = /^bearer /i;
/** RFC 7235 token68, which covers base64url JWTs. */
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;
const CONTROL_CHARACTER = /\p{Cc}/u;

/** Options both modes share. */
interface CommonOptions {
  /** The claim holding the tenant id. @default 'custom:tenant_id' */
  readonly tenantClaim?: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf` (0-300). @default 60 */
  readonly graceSeconds?: number;
  /** Signature algorithms accepted (all asymmetric). @default ['RS256'] */
  readonly algorithms?: readonly SupportedSignatureAlgorithm[];
  /**
   * Pre-loaded JWKS for tests and the offline sandbox. When set, these are the only keys: the JWKS URI is never
   * fetched, and a token with an unknown `kid` is refused.
   */
  readonly jwks?: Jwks;
}

/** Tokens from an Amazon Cognito user pool. */
export interface CognitoAuthenticatorOptions extends CommonOptions {
  readonly provider: 'cognito';
  readonly userPoolId: string;
  /** App client ids accepted (`aud` of id tokens, `client_id` of access tokens); `null` opts out of the check. */
  readonly clientId: readonly string[] | null;
  readonly tokenUse: 'id' | 'access';
}

/** Tokens from any OIDC issuer that publishes a JWKS. */
export interface OidcAuthenticatorOptions extends CommonOptions {
  readonly provider: 'oidc';
  /** Must equal the tokens' `iss` exactly. */
  readonly issuer: string;
  /** Audiences accepted (at least one must be in `aud`); `null` opts out of the check. */
  readonly audience: readonly string[] | null;
  /** https, or http on a loopback host (the local sandbox). @default `${issuer}/.well-known/jwks.json` */
  readonly jwksUri?: string;
}

/** Configuration of a `JwtAuthenticator`. */
export type JwtAuthenticatorOptions = CognitoAuthenticatorOptions | OidcAuthenticatorOptions;

/** Throws the one authentication error for a request without a bearer token; `detail` is a fixed phrase. */
function missing(detail: string): never {
  throw new UnauthenticatedError({ tokenPresented: false, detail });
}

/** Throws the one authentication error for a bad token; `detail` is a fixed phrase, never token content. */
function reject(detail: string, cause?: unknown): never {
  throw new UnauthenticatedError({ tokenPresented: true, cause, detail });
}

// Ordered: subclasses before the classes they extend.
const LIBRARY_FAILURES: readonly (readonly [abstract new (...args: never[]) => Error, string])[] = [
  // Not raised while the library's time checks are off; should that change, they stay generic.
  [JwtExpiredError, 'expired'],
  [JwtNotBeforeError, 'not yet valid'],
  [JwtInvalidIssuerError, 'wrong issuer'],
  // The Cognito verifier picks its issuer config by the token's `iss` and reports an unknown or missing one this
  // way; options are checked at construction, so no other cause reaches verify().
  [ParameterValidationError, 'wrong issuer'],
  [JwtInvalidAudienceError, 'wrong audience'],
  [CognitoJwtInvalidClientIdError, 'wrong client id'],
  [CognitoJwtInvalidTokenUseError, 'wrong token use'],
  [JwtInvalidSignatureAlgorithmError, 'algorithm not allowed'],
  [JwtInvalidSignatureError, 'bad signature'],
  [JwtWithoutValidKidError, 'unknown signing key'],
  [KidNotFoundInJwksError, 'unknown signing key'],
  // The library's penalty box: a refetch for an unknown kid was tried moments ago.
  [WaitPeriodNotYetEndedJwkError, 'unknown signing key'],
  [JwksNotAvailableInCacheError, 'signing keys unavailable'],
  [FetchError, 'signing keys unavailable'],
  [JwksValidationError, 'unusable signing key'],
  [JwkValidationError, 'unusable signing key'],
  [JwkInvalidUseError, 'unusable signing key'],
  [JwkInvalidKtyError, 'unusable signing key'],
  [JwtParseError, 'malformed token'],
];

function failureDetail(error: unknown): string {
  return LIBRARY_FAILURES.find(([type]) => error instanceof type)?.[1] ?? 'verification failed';
}

/** True for `http:` URLs on 127.0.0.0/8, `localhost` or `[::1]`. */
function isLoopbackHttp(url: URL): boolean {
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(url.hostname))
  );
}

/**
 * JWKS fetcher for plain-http URIs on loopback hosts (the local sandbox's dev issuer), on `node:http`: Node's global
 * `fetch` would cost some 40 ms of lazy initialisation on a cold start. Anything else is refused: https JWKS stay
 * with the library's own fetcher. No redirect is followed, and the body is cut off past its size limit.
 */
export class LoopbackJwksFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    if (!URL.canParse(uri) || !isLoopbackHttp(new URL(uri))) {
      throw new NonRetryableFetchError(uri, 'only http URIs on a loopback host are fetched here');
    }
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const request = httpGet(uri, { headers: { accept: 'application/json' } }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new NonRetryableFetchError(uri, `status code is ${response.statusCode}, expected 200`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) {
            request.destroy();
            reject(new NonRetryableFetchError(uri, 'JWKS is too large'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
        response.on('error', (error) => reject(new FetchError(uri, error.message)));
      });
      request.setTimeout(JWKS_FETCH_TIMEOUT_MS, () => request.destroy(new Error('request timed out')));
      request.on('error', (error) => reject(new FetchError(uri, error.message)));
    });
  }
}

/** A JWKS cache that only ever holds the keys it was given (used with `jwks`): no fetching, no timers. */
class StaticJwksCache implements JwksCache {
  private readonly jwksByUri = new Map<string, Jwks>();

  addJwks(jwksUri: string, jwks: Jwks): void {
    this.jwksByUri.set(jwksUri, jwks);
  }

  async getJwks(jwksUri: string): Promise<Jwks> {
    const jwks = this.jwksByUri.get(jwksUri);
    if (jwks === undefined) throw new JwksNotAvailableInCacheError('no pre-loaded JWKS for this issuer');
    return jwks;
  }

  getCachedJwk(jwksUri: string, decomposedJwt: Parameters<JwksCache['getCachedJwk']>[1]) {
    const kid = decomposedJwt.header.kid;
    if (typeof kid !== 'string') throw new JwtWithoutValidKidError('JWT header does not have a valid kid');
    const jwks = this.jwksByUri.get(jwksUri);
    if (jwks === undefined) throw new JwksNotAvailableInCacheError('no pre-loaded JWKS for this issuer');
    const jwk = findJwkInJwks(jwks, kid);
    if (jwk === undefined) throw new KidNotFoundInJwksError('kid not found in the pre-loaded JWKS');
    return jwk;
  }

  async getJwk(jwksUri: string, decomposedJwt: Parameters<JwksCache['getJwk']>[1]) {
    return this.getCachedJwk(jwksUri, decomposedJwt);
  }
}

function checkList(name: string, list: readonly string[] | null): string[] | null {
  if (list === null) return null;
  if (list.length === 0 || list.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new Error(`${name} must be null or a non-empty list of non-empty strings`);
  }
  return [...list];
}

function checkJwksUri(uri: string): URL {
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (url === undefined || !(url.protocol === 'https:' || isLoopbackHttp(url))) {
    throw new Error(`jwksUri must be an https URL, or http on a loopback host: ${uri}`);
  }
  return url;
}

/**
 * Verifies bearer JWTs (signature against the issuer's cached JWKS, issuer, audience or client id, `exp`/`nbf`
 * with a small grace, algorithm allow-list, size) and returns the caller as a `Principal`.
 * A token that verified in every other respect but is past its `exp` is a `TokenExpiredError`; every other failure
 * is an `UnauthenticatedError` whose `detail` says why, in a fixed phrase.
 * Misconfiguration throws a plain `Error` from the constructor, so a bad deployment fails at init.
 */
export class JwtAuthenticator implements Authenticator {
  private readonly verify: (token: string) => Promise<JwtPayload>;
  private readonly tenantClaim: string;
  private readonly algorithms: ReadonlySet<string>;
  private readonly graceSeconds: number;

  constructor(options: JwtAuthenticatorOptions) {
    const graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw new Error(`graceSeconds must be an integer from 0 to ${MAX_GRACE_SECONDS}`);
    }
    const algorithms = options.algorithms ?? ['RS256'];
    if (algorithms.length === 0 || algorithms.some((a) => !supportedSignatureAlgorithms.includes(a))) {
      throw new Error(`algorithms must be a non-empty subset of ${supportedSignatureAlgorithms.join(', ')}`);
    }
    this.algorithms = new Set(algorithms);
    this.graceSeconds = graceSeconds;
    this.tenantClaim = options.tenantClaim ?? DEFAULT_TENANT_CLAIM;
    if (this.tenantClaim.length === 0) throw new Error('tenantClaim must not be empty');
    if (options.jwks !== undefined) assertIsJwks(options.jwks);
    const staticCache = options.jwks === undefined ? undefined : new StaticJwksCache();

    if (options.provider === 'cognito') {
      const verifier = CognitoJwtVerifier.create(
        {
          userPoolId: options.userPoolId,
          tokenUse: options.tokenUse,
          clientId: checkList('clientId', options.clientId),
          graceSeconds: LIBRARY_TIME_CHECKS_OFF,
        },
        staticCache === undefined ? undefined : { jwksCache: staticCache },
      );
      if (options.jwks !== undefined) verifier.cacheJwks(options.jwks);
      this.verify = (token) => verifier.verify(token);
    } else {
      const jwksUri = checkJwksUri(
        options.jwksUri ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
      );
      // The library's fetcher speaks https only; the sandbox's dev issuer serves its JWKS over loopback http.
      const jwksCache =
        staticCache ??
        (jwksUri.protocol === 'http:'
          ? new SimpleJwksCache({ fetcher: new LoopbackJwksFetcher() })
          : undefined);
      const verifier = JwtVerifier.create(
        {
          issuer: options.issuer,
          audience: checkList('audience', options.audience),
          jwksUri: jwksUri.href,
          graceSeconds: LIBRARY_TIME_CHECKS_OFF,
        },
        jwksCache === undefined ? undefined : { jwksCache },
      );
      if (options.jwks !== undefined) verifier.cacheJwks(options.jwks);
      this.verify = (token) => verifier.verify(token);
    }
  }

  /** Verifies the token and returns who is calling; throws `TokenExpiredError` or `UnauthenticatedError`. */
  async authenticate(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token.length === 0) missing('token missing');
    if (token.length > MAX_TOKEN_LENGTH) reject('token too large');
    let header: ReturnType<typeof decomposeUnverifiedJwt>['header'];
    try {
      header = decomposeUnverifiedJwt(token).header;
    } catch (error) {
      return reject('malformed token', error);
    }
    // Checked before the library sees the token, so a disallowed algorithm never triggers a JWKS fetch.
    if (header.alg === undefined || !this.algorithms.has(header.alg)) reject('algorithm not allowed');
    // RFC 7515 4.1.11: extensions marked critical must be understood; we understand none.
    if (header.crit !== undefined) reject('unsupported critical header');
    let payload: JwtPayload;
    try {
      payload = await this.verify(token);
    } catch (error) {
      return reject(failureDetail(error), error);
    }
    this.checkValidityPeriod(payload);
    return this.principalOf(payload);
  }

  /** `exp` and `nbf` with the grace, for a payload whose signature, issuer and audience the library verified. */
  private checkValidityPeriod(payload: JwtPayload): void {
    // aws-jwt-verify accepts a token without `exp`; a credential service must not.
    if (typeof payload.exp !== 'number') reject('expiry missing');
    const nowSeconds = Date.now() / 1000;
    // Before `exp`: a token not yet valid is refused generically, whatever its expiry.
    if (typeof payload.nbf === 'number' && payload.nbf - this.graceSeconds > nowSeconds)
      reject('not yet valid');
    if (payload.exp + this.graceSeconds < nowSeconds) {
      const expiredAt = new Date(payload.exp * 1000);
      // An `exp` further back than a Date reaches has no time to report.
      if (Number.isNaN(expiredAt.getTime())) reject('expiry invalid');
      throw new TokenExpiredError(expiredAt);
    }
  }

  private principalOf(payload: JwtPayload): Principal {
    const subject = payload.sub;
    if (typeof subject !== 'string' || subject.length === 0) reject('subject missing');
    if (subject.length > MAX_SUBJECT_LENGTH || CONTROL_CHARACTER.test(subject)) reject('subject invalid');
    const tenantId = Object.hasOwn(payload, this.tenantClaim) ? payload[this.tenantClaim] : undefined;
    if (tenantId === undefined || tenantId === null) reject('tenant claim missing');
    if (typeof tenantId !== 'string') reject('tenant claim not a string');
    if (!TENANT_ID_PATTERN.test(tenantId)) reject('tenant claim invalid');
    const amr = payload.amr;
    return { subject, tenantId, mfa: Array.isArray(amr) && amr.includes('mfa') };
  }
}

/**
 * Extracts the token from an `Authorization` header value: the `Bearer` scheme (any case), one space, one
 * token68 and nothing else. Throws `UnauthenticatedError` otherwise, with `tokenPresented: false` when the header
 * carries no bearer token.
 */
export function bearerToken(headerValue: string | undefined): string {
  if (headerValue === undefined || headerValue.length === 0) missing('authorization header missing');
  // Another scheme (or the bare word) carries no bearer token: RFC 6750 §3.1 treats it as no authentication.
  if (!BEARER_PREFIX.test(headerValue)) missing('not a bearer token');
  if (headerValue.length > 'Bearer '.length + MAX_TOKEN_LENGTH) reject('token too large');
  const token = headerValue.slice('Bearer '.length);
  if (!TOKEN68.test(token)) reject('malformed bearer token');
  return token;
}
