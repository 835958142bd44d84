/**
 * credvend as an OIDC issuer (web-identity mode): the rules for its issuer URL and signing-key references, and the
 * discovery document and keys it publishes for STS. Pure.
 */
import type { SigningAlgorithm } from './web-identity-token';

/** Where the discovery document is served, relative to the issuer. */
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
/** Where the keys are served, relative to the issuer. */
export const JWKS_PATH = '/.well-known/jwks.json';
/** Hosts an `http` issuer may name: the local sandbox only. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
/** IAM's limit for an OIDC provider URL. */
export const MAX_ISSUER_LENGTH = 255;

/** The claims credvend's tokens carry, as the discovery document lists them. */
export const SUPPORTED_CLAIMS: readonly string[] = [
  'iss',
  'aud',
  'sub',
  'iat',
  'exp',
  'jti',
  'https://aws.amazon.com/tags',
  'https://aws.amazon.com/source_identity',
];

/**
 * Why `value` cannot be credvend's issuer (`iss`), or `undefined` when it can. IAM compares `iss` with the
 * provider URL character by character, so the URL must be written exactly as a URL parser writes it: https, no
 * port, query, fragment, credentials or trailing slash (a path is fine). `http` is allowed on loopback only, port
 * included, for the sandbox.
 */
export function issuerUrlProblem(value: string): string | undefined {
  const rule =
    'must be an https URL without port, query or trailing slash, exactly as a URL parser writes it (http only on 127.0.0.1, localhost or [::1])';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return rule;
  }
  const loopback = LOOPBACK_HOSTS.includes(url.hostname);
  const canonical = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  if (
    value !== canonical ||
    url.username !== '' ||
    url.password !== '' ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) ||
    (url.port !== '' && !loopback) ||
    value.endsWith('/')
  ) {
    return rule;
  }
  if (value.length > MAX_ISSUER_LENGTH)
    return `must be at most ${MAX_ISSUER_LENGTH} characters (IAM's limit)`;
  return undefined;
}

/** One signing key, as `SIGNING_KEY_IDS` names it. */
export interface SigningKeyRef {
  /** What KMS calls are made with: the key ARN or key id, as configured. */
  readonly keyRef: string;
  /** The key id (the last part of an ARN): the tokens' and the JWKS's `kid`. */
  readonly keyId: string;
  /** The key's region, when an ARN names it; otherwise the function's own region. */
  readonly region?: string;
}

const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:key\/([^/]+)$/;

/**
 * Parses a KMS key reference: a key id (a UUID, or `mrk-…` for a multi-Region key) or a key ARN. Aliases are
 * refused: the `kid` must name one key for good, and an alias can move to another key.
 */
export function parseSigningKeyRef(value: string): SigningKeyRef | undefined {
  if (KEY_ID.test(value)) return { keyRef: value, keyId: value };
  const arn = KEY_ARN.exec(value);
  const [, region, keyId] = arn ?? [];
  if (region === undefined || keyId === undefined || !KEY_ID.test(keyId)) return undefined;
  return { keyRef: value, keyId, region };
}

/** A public key as the JWKS publishes it. */
export interface PublicJwk {
  readonly kty: 'EC' | 'RSA';
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: SigningAlgorithm;
  /** EC keys. */
  readonly crv?: 'P-256';
  readonly x?: string;
  readonly y?: string;
  /** RSA keys. */
  readonly n?: string;
  readonly e?: string;
}

/** The JWKS URI of an issuer. */
export function jwksUri(issuer: string): string {
  return `${issuer}${JWKS_PATH}`;
}

/** `GET /.well-known/openid-configuration`: what STS reads to find the keys. */
export function openIdConfiguration(issuer: string, keys: readonly PublicJwk[]) {
  return {
    issuer,
    jwks_uri: jwksUri(issuer),
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))],
    claims_supported: [...SUPPORTED_CLAIMS],
  };
}

/** `GET /.well-known/jwks.json`. */
export function jwksDocument(keys: readonly PublicJwk[]) {
  return { keys: [...keys] };
}
