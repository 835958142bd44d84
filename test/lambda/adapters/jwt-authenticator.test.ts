import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import {
  bearerToken,
  type CognitoAuthenticatorOptions,
  JwtAuthenticator,
  LoopbackJwksFetcher,
  MAX_TOKEN_LENGTH,
  type OidcAuthenticatorOptions,
} from '../../../lambda/adapters/jwt-authenticator';
import { TokenExpiredError, UnauthenticatedError } from '../../../lambda/core/errors';
import { type JwksServer, startJwksServer } from '../../support/jwks-server';
import {
  TEST_AUDIENCE,
  TEST_CLIENT_ID,
  TEST_ISSUER,
  TEST_SUBJECT,
  TEST_TENANT,
  TEST_USER_POOL_ID,
  TokenFactory,
} from '../../support/token-factory';

const GENERIC_MESSAGE = 'A valid bearer token is required.';
const tokens = new TokenFactory();
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The error a promise rejects with (or a thrower throws); fails the test when there is none. */
async function failureOf(attempt: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof attempt === 'function' ? attempt() : attempt);
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got success');
}

/** Every authentication failure: the one error class, the generic message, and the fixed phrase in `detail`. */
async function expectUnauthenticated(attempt: Promise<unknown> | (() => unknown), detail: string) {
  const error = await failureOf(attempt);
  expect(error).toBeInstanceOf(UnauthenticatedError);
  expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401, message: GENERIC_MESSAGE, detail });
}

/** A genuine token past its expiry: the expiry error, with the time (RFC 3339, whole seconds) in its message. */
async function expectExpired(attempt: Promise<unknown>, expiredAt: string) {
  const error = await failureOf(attempt);
  expect(error).toBeInstanceOf(TokenExpiredError);
  expect(error).toMatchObject({
    code: 'TOKEN_EXPIRED',
    status: 401,
    message: `The bearer token expired at ${expiredAt}; get a new token from your identity provider.`,
    detail: 'expired',
  });
  const exact = (error as TokenExpiredError).expiredAt.getTime();
  expect(Math.floor(exact / 1000) * 1000).toBe(Date.parse(expiredAt));
}

/** 2023-11-14T22:13:20Z, long past. */
const LONG_AGO = 1_700_000_000;

function oidc(overrides: Partial<OidcAuthenticatorOptions> = {}): JwtAuthenticator {
  return new JwtAuthenticator({
    provider: 'oidc',
    issuer: TEST_ISSUER,
    audience: [TEST_AUDIENCE],
    jwks: tokens.jwks,
    ...overrides,
  });
}

function cognito(overrides: Partial<CognitoAuthenticatorOptions> = {}): JwtAuthenticator {
  return new JwtAuthenticator({
    provider: 'cognito',
    userPoolId: TEST_USER_POOL_ID,
    clientId: [TEST_CLIENT_ID],
    tokenUse: 'id',
    jwks: tokens.jwks,
    ...overrides,
  });
}

describe('JwtAuthenticator', () => {
  describe('with an OIDC issuer and pre-loaded keys', () => {
    const authenticator = oidc();

    it('returns the subject, tenant and MFA flag of a valid token', async () => {
      await expect(authenticator.authenticate(tokens.oidcToken())).resolves.toEqual({
        subject: TEST_SUBJECT,
        tenantId: TEST_TENANT,
        mfa: false,
      });
    });

    it('reports MFA when amr lists it', async () => {
      const principal = await authenticator.authenticate(tokens.oidcToken({ amr: ['pwd', 'mfa'] }));
      expect(principal.mfa).toBe(true);
    });

    it('does not report MFA from an amr that is not a list', async () => {
      const principal = await authenticator.authenticate(tokens.oidcToken({ amr: 'mfa' }));
      expect(principal.mfa).toBe(false);
    });

    it('accepts a token whose aud lists the audience among others', async () => {
      const token = tokens.oidcToken({ aud: ['other-api', TEST_AUDIENCE] });
      await expect(authenticator.authenticate(token)).resolves.toMatchObject({ tenantId: TEST_TENANT });
    });

    it('accepts any audience when the check is opted out with null', async () => {
      const token = tokens.oidcToken({ aud: 'someone-else' });
      await expect(oidc({ audience: null }).authenticate(token)).resolves.toMatchObject({
        subject: TEST_SUBJECT,
      });
    });

    describe('time claims', () => {
      it('refuses an expired token, saying when it expired', async () => {
        const token = tokens.oidcToken({ iat: LONG_AGO - 3600, exp: LONG_AGO });
        await expectExpired(authenticator.authenticate(token), '2023-11-14T22:13:20Z');
      });

      it('reports the expiry of a token that expired an hour ago in whole seconds', async () => {
        const exp = nowSeconds() - 3600;
        const token = tokens.oidcToken({ iat: exp - 600, exp: exp + 0.75 });
        await expectExpired(
          authenticator.authenticate(token),
          new Date(exp * 1000).toISOString().replace('.000Z', 'Z'),
        );
      });

      it('refuses an expiry too far in the past for a date as a generic failure', async () => {
        const token = tokens.oidcToken({ iat: undefined, exp: -1e20 });
        await expectUnauthenticated(authenticator.authenticate(token), 'expiry invalid');
      });

      it('refuses a token that is not yet valid', async () => {
        const token = tokens.oidcToken({ nbf: nowSeconds() + 3600 });
        await expectUnauthenticated(authenticator.authenticate(token), 'not yet valid');
      });

      it('accepts a token expired within the clock-skew grace', async () => {
        const token = tokens.oidcToken({ exp: nowSeconds() - 20 });
        await expect(authenticator.authenticate(token)).resolves.toMatchObject({ tenantId: TEST_TENANT });
      });

      it('accepts a token that becomes valid within the clock-skew grace', async () => {
        const token = tokens.oidcToken({ nbf: nowSeconds() + 20 });
        await expect(authenticator.authenticate(token)).resolves.toMatchObject({ tenantId: TEST_TENANT });
      });

      it('refuses the same slightly expired token when no grace is configured', async () => {
        const exp = nowSeconds() - 20;
        await expectExpired(
          oidc({ graceSeconds: 0 }).authenticate(tokens.oidcToken({ exp })),
          new Date(exp * 1000).toISOString().replace('.000Z', 'Z'),
        );
      });

      it('refuses a token expired just past the grace', async () => {
        const exp = nowSeconds() - 90;
        await expectExpired(
          authenticator.authenticate(tokens.oidcToken({ exp })),
          new Date(exp * 1000).toISOString().replace('.000Z', 'Z'),
        );
      });

      it('refuses a token without exp, which the library alone would accept', async () => {
        const token = tokens.oidcToken({ exp: undefined });
        await expectUnauthenticated(authenticator.authenticate(token), 'expiry missing');
      });
    });

    describe('issuer and audience', () => {
      it('refuses a token from another issuer', async () => {
        const token = tokens.oidcToken({ iss: 'https://evil.example.com' });
        await expectUnauthenticated(authenticator.authenticate(token), 'wrong issuer');
      });

      it('refuses a token without an issuer', async () => {
        await expectUnauthenticated(
          authenticator.authenticate(tokens.oidcToken({ iss: undefined })),
          'wrong issuer',
        );
      });

      it('refuses a token for another audience', async () => {
        const token = tokens.oidcToken({ aud: 'another-api' });
        await expectUnauthenticated(authenticator.authenticate(token), 'wrong audience');
      });

      it('refuses a token without an audience', async () => {
        const token = tokens.oidcToken({ aud: undefined });
        await expectUnauthenticated(authenticator.authenticate(token), 'wrong audience');
      });
    });

    describe('an expired token that must still be refused generically', () => {
      // aws-jwt-verify checks exp before issuer and audience: trusting its JwtExpiredError would report these.
      const expired = { iat: LONG_AGO - 600, exp: LONG_AGO };

      it('refuses one signed by another key under the same kid generically', async () => {
        const impostor = new TokenFactory(tokens.kid);
        await expectUnauthenticated(authenticator.authenticate(impostor.oidcToken(expired)), 'bad signature');
      });

      it('refuses one whose payload was changed after signing generically', async () => {
        const token = tokens.tampered(tokens.oidcToken(), tokens.oidcClaims(expired));
        await expectUnauthenticated(authenticator.authenticate(token), 'bad signature');
      });

      it('refuses one signed with an unknown kid generically', async () => {
        const token = tokens.oidcToken(expired, { kid: 'rotated-away' });
        await expectUnauthenticated(authenticator.authenticate(token), 'unknown signing key');
      });

      it('refuses an unsigned one generically', async () => {
        const token = tokens.noneToken(tokens.oidcClaims(expired), 'c2lnbmF0dXJlLXBhcnQ');
        await expectUnauthenticated(authenticator.authenticate(token), 'algorithm not allowed');
      });

      it('refuses one from another issuer generically', async () => {
        const token = tokens.oidcToken({ ...expired, iss: 'https://evil.example.com' });
        await expectUnauthenticated(authenticator.authenticate(token), 'wrong issuer');
      });

      it('refuses one for another audience generically', async () => {
        const token = tokens.oidcToken({ ...expired, aud: 'another-api' });
        await expectUnauthenticated(authenticator.authenticate(token), 'wrong audience');
      });

      it('refuses one without an audience generically', async () => {
        const token = tokens.oidcToken({ ...expired, aud: undefined });
        await expectUnauthenticated(authenticator.authenticate(token), 'wrong audience');
      });

      it('refuses one that is also not yet valid generically', async () => {
        const token = tokens.oidcToken({ ...expired, nbf: nowSeconds() + 3600 });
        await expectUnauthenticated(authenticator.authenticate(token), 'not yet valid');
      });
    });

    describe('signature and algorithm', () => {
      it('refuses a token whose payload was changed after signing', async () => {
        const token = tokens.tampered(
          tokens.oidcToken(),
          tokens.oidcClaims({ 'custom:tenant_id': 'globex' }),
        );
        await expectUnauthenticated(authenticator.authenticate(token), 'bad signature');
      });

      it('refuses a token signed by another key under the same kid', async () => {
        const impostor = new TokenFactory(tokens.kid);
        await expectUnauthenticated(authenticator.authenticate(impostor.oidcToken()), 'bad signature');
      });

      it('refuses an unsigned token (alg none, empty signature)', async () => {
        await expectUnauthenticated(
          authenticator.authenticate(tokens.noneToken(tokens.oidcClaims())),
          'malformed token',
        );
      });

      it('refuses an unsigned token (alg none) that carries a signature part', async () => {
        const token = tokens.noneToken(tokens.oidcClaims(), 'c2lnbmF0dXJlLXBhcnQ');
        await expectUnauthenticated(authenticator.authenticate(token), 'algorithm not allowed');
      });

      it('refuses HS256 signed with the public key as the HMAC secret', async () => {
        const token = tokens.hs256Token(tokens.oidcClaims());
        await expectUnauthenticated(authenticator.authenticate(token), 'algorithm not allowed');
      });

      it('refuses an asymmetric algorithm that is not on the allow-list', async () => {
        const token = tokens.oidcToken({}, { alg: 'RS512' });
        await expectUnauthenticated(authenticator.authenticate(token), 'algorithm not allowed');
      });

      it("refuses an allowed algorithm that the key's own alg contradicts", async () => {
        const token = tokens.oidcToken({}, { alg: 'RS384' });
        await expectUnauthenticated(
          oidc({ algorithms: ['RS256', 'RS384'] }).authenticate(token),
          'algorithm not allowed',
        );
      });

      it('refuses a token signed with an unknown kid', async () => {
        const token = tokens.oidcToken({}, { kid: 'rotated-away' });
        await expectUnauthenticated(authenticator.authenticate(token), 'unknown signing key');
      });

      it('refuses a token without a kid', async () => {
        const token = tokens.oidcToken({}, { kid: undefined });
        await expectUnauthenticated(authenticator.authenticate(token), 'unknown signing key');
      });

      it('refuses a token with a critical header extension', async () => {
        const token = tokens.oidcToken({}, { crit: ['exp'] });
        await expectUnauthenticated(authenticator.authenticate(token), 'unsupported critical header');
      });
    });

    describe('shape and size', () => {
      it('refuses an empty token', async () => {
        await expectUnauthenticated(authenticator.authenticate(''), 'token missing');
      });

      it('refuses text that is not a JWT', async () => {
        await expectUnauthenticated(authenticator.authenticate('not-a-jwt'), 'malformed token');
      });

      it('refuses a token longer than the limit before parsing it', async () => {
        const token = tokens.oidcToken({ padding: 'x'.repeat(MAX_TOKEN_LENGTH) });
        expect(token.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
        await expectUnauthenticated(authenticator.authenticate(token), 'token too large');
      });
    });

    describe('subject', () => {
      it('refuses a token without sub', async () => {
        const token = tokens.oidcToken({ sub: undefined });
        await expectUnauthenticated(authenticator.authenticate(token), 'subject missing');
      });

      it('refuses a token with an empty sub', async () => {
        await expectUnauthenticated(
          authenticator.authenticate(tokens.oidcToken({ sub: '' })),
          'subject missing',
        );
      });

      it('refuses a sub that is not a string', async () => {
        const token = tokens.oidcToken({ sub: 42 });
        await expectUnauthenticated(authenticator.authenticate(token), 'malformed token');
      });

      it('refuses a sub with control characters', async () => {
        const token = tokens.oidcToken({ sub: 'alice\nadmin' });
        await expectUnauthenticated(authenticator.authenticate(token), 'subject invalid');
      });

      it('refuses an overlong sub', async () => {
        const token = tokens.oidcToken({ sub: 'a'.repeat(257) });
        await expectUnauthenticated(authenticator.authenticate(token), 'subject invalid');
      });
    });

    describe('tenant claim', () => {
      it.each([
        ['absent', undefined],
        ['null', null],
      ])('refuses a token whose tenant claim is %s', async (_, value) => {
        const token = tokens.oidcToken({ 'custom:tenant_id': value });
        await expectUnauthenticated(authenticator.authenticate(token), 'tenant claim missing');
      });

      it.each([
        ['an array', ['acme']],
        ['an object', { id: 'acme' }],
        ['a number', 42],
        ['a boolean', true],
      ])('refuses a tenant claim that is %s', async (_, value) => {
        const token = tokens.oidcToken({ 'custom:tenant_id': value });
        await expectUnauthenticated(authenticator.authenticate(token), 'tenant claim not a string');
      });

      it.each([
        ['empty', ''],
        ['a wildcard', '*'],
        ['a trailing wildcard', 'acme*'],
        ['a policy variable', '${aws:username}'],
        ['a path', 'acme/uploads'],
        ['a traversal', '../globex'],
        ['upper case', 'ACME'],
        ['padded with spaces', ' acme '],
        ['a quote', 'acme"'],
        ['too long', 'a'.repeat(49)],
      ])('refuses a tenant claim that is %s', async (_, value) => {
        const token = tokens.oidcToken({ 'custom:tenant_id': value });
        await expectUnauthenticated(authenticator.authenticate(token), 'tenant claim invalid');
      });

      it('reads the tenant from a custom claim name', async () => {
        const token = tokens.oidcToken({ org: 'globex' });
        await expect(oidc({ tenantClaim: 'org' }).authenticate(token)).resolves.toEqual({
          subject: TEST_SUBJECT,
          tenantId: 'globex',
          mfa: false,
        });
      });

      it('ignores the default claim when a custom claim name is configured', async () => {
        await expectUnauthenticated(
          oidc({ tenantClaim: 'org' }).authenticate(tokens.oidcToken()),
          'tenant claim missing',
        );
      });

      it('does not take an inherited property for the tenant claim', async () => {
        await expectUnauthenticated(
          oidc({ tenantClaim: 'toString' }).authenticate(tokens.oidcToken()),
          'tenant claim missing',
        );
      });
    });

    it('marks a refused token as presented, and an empty one as missing', async () => {
      await expect(failureOf(authenticator.authenticate('not-a-jwt'))).resolves.toMatchObject({
        tokenPresented: true,
      });
      await expect(failureOf(authenticator.authenticate(''))).resolves.toMatchObject({
        tokenPresented: false,
      });
    });

    it('never puts token content in the expiry error', async () => {
      const token = tokens.oidcToken({ exp: LONG_AGO, 'custom:tenant_id': 'secret-tenant-value' });
      const error = await failureOf(authenticator.authenticate(token));
      expect(error).toBeInstanceOf(TokenExpiredError);
      const text = JSON.stringify({
        message: (error as Error).message,
        detail: (error as TokenExpiredError).detail,
      });
      expect(text).not.toContain('secret-tenant-value');
      expect(text).not.toContain(TEST_SUBJECT);
      expect(text).not.toContain(token.split('.')[1]);
    });

    it('never puts token content in the error', async () => {
      const token = tokens.oidcToken({ 'custom:tenant_id': 'Secret-Tenant-Value' });
      const error = await failureOf(authenticator.authenticate(token));
      expect(error).toBeInstanceOf(UnauthenticatedError);
      const text = JSON.stringify({
        message: (error as Error).message,
        detail: (error as UnauthenticatedError).detail,
      });
      expect(text).not.toContain('Secret-Tenant-Value');
      expect(text).not.toContain(token.split('.')[1]);
    });
  });

  describe('with a Cognito user pool', () => {
    it('accepts an id token when configured for id tokens', async () => {
      await expect(cognito().authenticate(tokens.cognitoToken('id'))).resolves.toEqual({
        subject: TEST_SUBJECT,
        tenantId: TEST_TENANT,
        mfa: false,
      });
    });

    it('accepts an access token when configured for access tokens', async () => {
      await expect(
        cognito({ tokenUse: 'access' }).authenticate(tokens.cognitoToken('access')),
      ).resolves.toMatchObject({ subject: TEST_SUBJECT, tenantId: TEST_TENANT });
    });

    it('refuses an access token when configured for id tokens', async () => {
      await expectUnauthenticated(cognito().authenticate(tokens.cognitoToken('access')), 'wrong token use');
    });

    it('refuses an id token when configured for access tokens', async () => {
      await expectUnauthenticated(
        cognito({ tokenUse: 'access' }).authenticate(tokens.cognitoToken('id')),
        'wrong token use',
      );
    });

    it('refuses an id token whose aud is another app client', async () => {
      const token = tokens.cognitoToken('id', {}, { clientId: 'another-client-id' });
      await expectUnauthenticated(cognito().authenticate(token), 'wrong client id');
    });

    it('refuses an access token whose client_id is another app client', async () => {
      const token = tokens.cognitoToken('access', {}, { clientId: 'another-client-id' });
      await expectUnauthenticated(cognito({ tokenUse: 'access' }).authenticate(token), 'wrong client id');
    });

    it('accepts any app client when the check is opted out with null', async () => {
      const token = tokens.cognitoToken('id', {}, { clientId: 'another-client-id' });
      await expect(cognito({ clientId: null }).authenticate(token)).resolves.toMatchObject({
        tenantId: TEST_TENANT,
      });
    });

    it('refuses a token from another user pool', async () => {
      const token = tokens.cognitoToken('id', {}, { userPoolId: 'eu-west-1_Other9999' });
      await expectUnauthenticated(cognito().authenticate(token), 'wrong issuer');
    });

    it('refuses a Cognito token without an issuer', async () => {
      const token = tokens.cognitoToken('id', { iss: undefined });
      await expectUnauthenticated(cognito().authenticate(token), 'wrong issuer');
    });

    it('refuses an expired Cognito token, saying when it expired', async () => {
      const token = tokens.cognitoToken('id', {
        auth_time: LONG_AGO - 600,
        iat: LONG_AGO - 600,
        exp: LONG_AGO,
      });
      await expectExpired(cognito().authenticate(token), '2023-11-14T22:13:20Z');
    });

    // The Cognito verifier checks client id and token use only after the library's exp check.
    it('refuses an expired Cognito token of another app client generically', async () => {
      const token = tokens.cognitoToken('id', { exp: LONG_AGO }, { clientId: 'another-client-id' });
      await expectUnauthenticated(cognito().authenticate(token), 'wrong client id');
    });

    it('refuses an expired Cognito token of the wrong token use generically', async () => {
      await expectUnauthenticated(
        cognito().authenticate(tokens.cognitoToken('access', { exp: LONG_AGO })),
        'wrong token use',
      );
    });

    it('refuses an expired Cognito token from another user pool generically', async () => {
      const token = tokens.cognitoToken('id', { exp: LONG_AGO }, { userPoolId: 'eu-west-1_Other9999' });
      await expectUnauthenticated(cognito().authenticate(token), 'wrong issuer');
    });

    it('refuses an expired Cognito token signed by another key generically', async () => {
      const impostor = new TokenFactory(tokens.kid);
      await expectUnauthenticated(
        cognito().authenticate(impostor.cognitoToken('id', { exp: LONG_AGO })),
        'bad signature',
      );
    });

    it('refuses a Cognito token signed by another key', async () => {
      const impostor = new TokenFactory(tokens.kid);
      await expectUnauthenticated(cognito().authenticate(impostor.cognitoToken('id')), 'bad signature');
    });
  });

  describe('with an OIDC issuer whose JWKS is served over loopback http', () => {
    let server: JwksServer;
    const served = { keys: [...tokens.jwks.keys] };
    const rotated = new TokenFactory('test-key-2');

    beforeAll(async () => {
      server = await startJwksServer(served);
    });
    afterAll(async () => {
      await server.close();
    });

    const loopback = () => oidc({ jwks: undefined, jwksUri: server.jwksUri });

    it('fetches the keys once and verifies tokens with them', async () => {
      const authenticator = loopback();
      const before = server.hits();
      await expect(authenticator.authenticate(tokens.oidcToken())).resolves.toEqual({
        subject: TEST_SUBJECT,
        tenantId: TEST_TENANT,
        mfa: false,
      });
      await expect(authenticator.authenticate(tokens.oidcToken({ sub: 'user-0002' }))).resolves.toMatchObject(
        {
          subject: 'user-0002',
        },
      );
      expect(server.hits() - before).toBe(1);
    });

    it('picks up a rotated key by fetching the JWKS again', async () => {
      const authenticator = loopback();
      await authenticator.authenticate(tokens.oidcToken());
      served.keys.push(...rotated.jwks.keys);
      const before = server.hits();
      await expect(authenticator.authenticate(rotated.oidcToken())).resolves.toMatchObject({
        tenantId: TEST_TENANT,
      });
      expect(server.hits() - before).toBe(1);
    });

    it('refuses an unknown kid after one refetch, and does not refetch again right away', async () => {
      const authenticator = loopback();
      await authenticator.authenticate(tokens.oidcToken());
      const stranger = new TokenFactory('unknown-kid');
      const before = server.hits();
      await expectUnauthenticated(authenticator.authenticate(stranger.oidcToken()), 'unknown signing key');
      await expectUnauthenticated(authenticator.authenticate(stranger.oidcToken()), 'unknown signing key');
      expect(server.hits() - before).toBe(1);
    });

    it('refuses tokens when the JWKS endpoint answers with an error', async () => {
      const authenticator = oidc({
        jwks: undefined,
        jwksUri: server.jwksUri.replace('jwks.json', 'nope.json'),
      });
      await expectUnauthenticated(authenticator.authenticate(tokens.oidcToken()), 'signing keys unavailable');
    });

    it('refuses tokens when the JWKS endpoint cannot be reached', async () => {
      const gone = await startJwksServer(served);
      const jwksUri = gone.jwksUri;
      await gone.close();
      await expectUnauthenticated(
        oidc({ jwks: undefined, jwksUri }).authenticate(tokens.oidcToken()),
        'signing keys unavailable',
      );
    });

    it('does not fetch keys for a token whose algorithm is not allowed', async () => {
      const authenticator = loopback();
      const before = server.hits();
      await expectUnauthenticated(
        authenticator.authenticate(tokens.hs256Token(tokens.oidcClaims())),
        'algorithm not allowed',
      );
      expect(server.hits()).toBe(before);
    });
  });

  describe('configuration', () => {
    it.each([
      ['a plain-http issuer on a public host', { issuer: 'http://idp.example.com' }],
      ['a plain-http JWKS on a private address', { jwksUri: 'http://10.0.0.5/jwks.json' }],
      [
        'a plain-http JWKS on a host that only starts like localhost',
        { jwksUri: 'http://localhost.example.com/jwks.json' },
      ],
      [
        'a plain-http JWKS on a host that only starts like 127.0.0.1',
        { jwksUri: 'http://127.0.0.1.nip.io/jwks.json' },
      ],
      ['a JWKS over another scheme', { jwksUri: 'ftp://127.0.0.1/jwks.json' }],
      ['a JWKS URI that is not a URL', { jwksUri: 'jwks.json' }],
    ])('refuses %s at construction', (_, overrides) => {
      expect(() => oidc({ jwks: undefined, ...overrides })).toThrow(/jwksUri must be an https URL/);
    });

    it.each([
      'https://idp.example.com/.well-known/jwks.json',
      'http://127.0.0.1:8080/jwks.json',
      'http://127.8.9.10/jwks.json',
      'http://localhost:8080/jwks.json',
      'http://[::1]:8080/jwks.json',
    ])('accepts the JWKS URI %s without fetching it', (jwksUri) => {
      expect(() => oidc({ jwks: undefined, jwksUri })).not.toThrow();
    });

    it.each([
      ['a grace above five minutes', { graceSeconds: 301 }, /graceSeconds/],
      ['a negative grace', { graceSeconds: -1 }, /graceSeconds/],
      ['a fractional grace', { graceSeconds: 1.5 }, /graceSeconds/],
      ['no algorithms', { algorithms: [] }, /algorithms/],
      ['a symmetric algorithm', { algorithms: ['HS256'] as never }, /algorithms/],
      ['an empty audience list', { audience: [] }, /audience/],
      ['an empty audience', { audience: [''] }, /audience/],
      ['an empty tenant claim name', { tenantClaim: '' }, /tenantClaim/],
    ])('refuses %s', (_, overrides, message) => {
      expect(() => oidc(overrides)).toThrow(message);
    });

    it('refuses an empty Cognito client id list', () => {
      expect(() => cognito({ clientId: [] })).toThrow(/clientId/);
    });

    it('refuses a malformed user pool id', () => {
      expect(() => cognito({ userPoolId: 'not-a-pool' })).toThrow(/User Pool ID/);
    });

    it('refuses pre-loaded keys that are not a JWKS', () => {
      expect(() => oidc({ jwks: { keys: 'none' } as never })).toThrow(/JWKS keys should be an array/);
    });
  });
});

describe('LoopbackJwksFetcher', () => {
  const fetcher = new LoopbackJwksFetcher();
  let server: Server;
  let base: string;
  let requests = 0;
  const routes: Record<string, RequestListener> = {
    '/jwks.json': (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens.jwks));
    },
    '/redirect': (_, response) => {
      response.writeHead(302, { location: '/jwks.json' }).end();
    },
    '/broken': (_, response) => {
      response.writeHead(500).end('nope');
    },
    '/huge': (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(' '.repeat(300 * 1024));
    },
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      const route = routes[request.url ?? ''];
      if (route === undefined) response.writeHead(404).end();
      else route(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });

  it('returns the JWKS bytes from a loopback http URI', async () => {
    const body = await fetcher.fetch(`${base}/jwks.json`);
    expect(JSON.parse(Buffer.from(body).toString('utf8'))).toEqual(tokens.jwks);
  });

  it.each([
    'https://idp.example.com/jwks.json',
    'http://idp.example.com/jwks.json',
    'http://192.168.1.10/jwks.json',
    'not a url',
  ])('refuses %s without making a request', async (uri) => {
    const before = requests;
    const error = await failureOf(fetcher.fetch(uri));
    expect(error).toBeInstanceOf(NonRetryableFetchError);
    expect((error as Error).message).toMatch(/only http URIs on a loopback host/);
    expect(requests).toBe(before);
  });

  it('does not follow redirects', async () => {
    const error = await failureOf(fetcher.fetch(`${base}/redirect`));
    expect(error).toBeInstanceOf(FetchError);
  });

  it('refuses an answer other than 200', async () => {
    const error = await failureOf(fetcher.fetch(`${base}/broken`));
    expect(error).toBeInstanceOf(NonRetryableFetchError);
    expect((error as Error).message).toMatch(/status code is 500/);
  });

  it('refuses a JWKS above the size limit', async () => {
    const error = await failureOf(fetcher.fetch(`${base}/huge`));
    expect(error).toBeInstanceOf(NonRetryableFetchError);
    expect((error as Error).message).toMatch(/too large/);
  });
});

describe('bearerToken', () => {
  it('returns the token of a Bearer header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it.each(['bearer', 'BEARER', 'bEaReR'])(
    'accepts the scheme spelled %s (schemes are case-insensitive)',
    (scheme) => {
      expect(bearerToken(`${scheme} abc.def.ghi`)).toBe('abc.def.ghi');
    },
  );

  it('accepts a token exactly at the size limit', () => {
    const token = 'a'.repeat(MAX_TOKEN_LENGTH);
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
  });

  it.each([
    ['a missing header', undefined, 'authorization header missing', false],
    ['an empty header', '', 'authorization header missing', false],
    ['another scheme', 'Basic dXNlcjpwYXNzd29yZA==', 'not a bearer token', false],
    ['another scheme, oversized', `Basic ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`, 'not a bearer token', false],
    ['the bare scheme', 'Bearer', 'not a bearer token', false],
    ['a scheme glued to the token', 'Bearerabc.def.ghi', 'not a bearer token', false],
    ['a leading space', ' Bearer abc.def.ghi', 'not a bearer token', false],
    ['a tab after the scheme', 'Bearer\tabc.def.ghi', 'not a bearer token', false],
    ['the scheme and a space only', 'Bearer ', 'malformed bearer token', true],
    ['two spaces before the token', 'Bearer  abc.def.ghi', 'malformed bearer token', true],
    ['a trailing space', 'Bearer abc.def.ghi ', 'malformed bearer token', true],
    ['two tokens', 'Bearer abc.def.ghi jkl.mno.pqr', 'malformed bearer token', true],
    [
      'two comma-separated credentials',
      'Bearer abc.def.ghi,Bearer jkl.mno.pqr',
      'malformed bearer token',
      true,
    ],
    ['padding inside the token', 'Bearer abc=.def.ghi', 'malformed bearer token', true],
    ['a non-ASCII token', 'Bearer abc.dé.ghi', 'malformed bearer token', true],
    ['a control character', 'Bearer abc.def.ghi\u0000', 'malformed bearer token', true],
    ['an oversized token', `Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`, 'token too large', true],
  ])('refuses %s (token presented: %#)', async (_, header, detail, tokenPresented) => {
    await expectUnauthenticated(() => bearerToken(header), detail);
    expect(await failureOf(() => bearerToken(header))).toMatchObject({ tokenPresented });
  });
});
