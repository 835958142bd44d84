/** Test-only JWT factory: an RSA key pair, its public JWKS, and signed (or deliberately broken) tokens; no network. */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encodeSegment, type JwtFields, rsaPublicJwk, signJws } from '../../sandbox/dev-issuer/jws';
import { registerSecret } from './leak-scan';

/** Issuer of the generic OIDC tokens the factory builds. */
export const TEST_ISSUER = 'https://idp.example.com';
/** Audience of the generic OIDC tokens the factory builds. */
export const TEST_AUDIENCE = 'credvend-api';
/** Tenant and subject the factory puts in tokens unless told otherwise. */
export const TEST_TENANT = 'acme';
export const TEST_SUBJECT = 'user-0001';
/** Cognito defaults: a user pool (its region prefix decides the issuer) and an app client. */
export const TEST_USER_POOL_ID = 'eu-west-1_AbCdEf123';
export const TEST_CLIENT_ID = '1example23456789';

/** Claims or header fields; a key set to `undefined` is left out of the token (JSON drops it). */
export type Fields = JwtFields;

/** A public JWKS as an IdP would serve it. */
export type TestJwks = {
  keys: { kty: string; n: string; e: string; kid: string; alg: string; use: string }[];
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Registers the token with the leak scan (so a test file fails if it is ever logged) and returns it. */
function issued(token: string): string {
  registerSecret(token);
  return token;
}

/** Builds tokens signed with a fresh RSA key (2048 bits) whose public half is `jwks`. */
export class TokenFactory {
  readonly kid: string;
  readonly jwks: TestJwks;
  /** The public key as PEM: what an HS256 key-confusion attack uses as the HMAC secret. */
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;

  constructor(kid = 'test-key-1') {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.kid = kid;
    this.privateKey = privateKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.jwks = { keys: [rsaPublicJwk(publicKey, kid)] };
  }

  /** Signs exactly this payload; the header defaults to `{ alg: 'RS256', typ: 'JWT', kid }` plus overrides. RS384/RS512 also sign. */
  sign(payload: Fields, header: Fields = {}): string {
    return issued(signJws(this.privateKey, { alg: 'RS256', typ: 'JWT', kid: this.kid, ...header }, payload));
  }

  /** A valid generic OIDC token (issuer, audience, subject, tenant, 10 minutes of life) with claim overrides. */
  oidcToken(claims: Fields = {}, header: Fields = {}): string {
    return this.sign(this.oidcClaims(claims), header);
  }

  /** The claims `oidcToken` would sign. */
  oidcClaims(claims: Fields = {}): Fields {
    const now = nowSeconds();
    return {
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
      sub: TEST_SUBJECT,
      'custom:tenant_id': TEST_TENANT,
      iat: now,
      exp: now + 600,
      ...claims,
    };
  }

  /**
   * A Cognito-shaped token: iss `https://cognito-idp.<region>.amazonaws.com/<poolId>`, `token_use`, and the client
   * id in `aud` (id tokens) or `client_id` (access tokens).
   */
  cognitoToken(
    tokenUse: 'id' | 'access',
    claims: Fields = {},
    pool: { userPoolId?: string; clientId?: string } = {},
  ): string {
    const userPoolId = pool.userPoolId ?? TEST_USER_POOL_ID;
    const clientId = pool.clientId ?? TEST_CLIENT_ID;
    const region = userPoolId.split('_')[0];
    const now = nowSeconds();
    const common: Fields = {
      iss: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
      sub: TEST_SUBJECT,
      token_use: tokenUse,
      auth_time: now,
      iat: now,
      exp: now + 600,
      jti: 'jti-0001',
      origin_jti: 'origin-jti-0001',
      'custom:tenant_id': TEST_TENANT,
    };
    const byUse: Fields =
      tokenUse === 'id'
        ? { aud: clientId, 'cognito:username': 'alice' }
        : { client_id: clientId, scope: 'aws.cognito.signin.user.admin', username: 'alice', version: 2 };
    return this.sign({ ...common, ...byUse, ...claims });
  }

  /** An unsigned token (`alg: none`); `signature` lets a test append a non-empty third part. */
  noneToken(payload: Fields, signature = ''): string {
    return issued(
      `${encodeSegment({ alg: 'none', typ: 'JWT', kid: this.kid })}.${encodeSegment(payload)}.${signature}`,
    );
  }

  /** HS256 with the public key PEM as the HMAC secret: the classic RS256/HS256 key-confusion attack. */
  hs256Token(payload: Fields): string {
    const input = `${encodeSegment({ alg: 'HS256', typ: 'JWT', kid: this.kid })}.${encodeSegment(payload)}`;
    return issued(`${input}.${createHmac('sha256', this.publicKeyPem).update(input).digest('base64url')}`);
  }

  /** Replaces the payload of a signed token and keeps the original header and signature. */
  tampered(token: string, payload: Fields): string {
    const [header, , signature] = token.split('.');
    return issued(`${header}.${encodeSegment(payload)}.${signature}`);
  }
}
