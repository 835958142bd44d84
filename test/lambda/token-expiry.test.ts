/**
 * 401s through the handler: a genuine token that expired says so and when, with RFC 6750's `invalid_token`
 * challenge; every other authentication failure keeps the one generic message, and a request without a token the
 * bare `Bearer` challenge.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import 'aws-sdk-client-mock-jest';
import { auditEventsOf, call, sts, tokens, useHandler } from '../support/handler-harness';
import { TokenFactory } from '../support/token-factory';

useHandler();

/** 2023-11-14T22:13:20Z. */
const LONG_AGO = 1_700_000_000;
const EXPIRED_CLAIMS = { iat: LONG_AGO - 600, exp: LONG_AGO };
const EXPIRED_MESSAGE =
  'The bearer token expired at 2023-11-14T22:13:20Z; get a new token from your identity provider.';
const GENERIC_MESSAGE = 'A valid bearer token is required.';
const BARE_CHALLENGE = 'Bearer';
const INVALID_CHALLENGE = 'Bearer error="invalid_token"';
const EXPIRED_CHALLENGE = 'Bearer error="invalid_token", error_description="The access token expired"';
const vend = { method: 'POST', url: '/v1/credentials' } as const;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('a genuine token that expired', () => {
  it('is refused with 401 TOKEN_EXPIRED, the expiry time and the RFC 6750 challenge, and no STS call', async () => {
    const response = await call({ ...vend, token: tokens.oidcToken(EXPIRED_CLAIMS) });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: { code: 'TOKEN_EXPIRED', message: EXPIRED_MESSAGE, requestId: response.requestId },
    });
    expect(response.headers['WWW-Authenticate']).toBe(EXPIRED_CHALLENGE);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });

  it('is refused the same way on the other authenticated routes', async () => {
    const token = tokens.oidcToken(EXPIRED_CLAIMS);
    for (const request of [
      { method: 'GET', url: '/v1/tenant' },
      { method: 'POST', url: '/v1/credentials/dry-run' },
    ]) {
      const response = await call({ ...request, token });

      expect({ status: response.status, error: response.body.error }).toEqual({
        status: 401,
        error: { code: 'TOKEN_EXPIRED', message: EXPIRED_MESSAGE, requestId: response.requestId },
      });
      expect(response.headers['WWW-Authenticate']).toBe(EXPIRED_CHALLENGE);
    }
  });

  it.each([
    ['container-credentials', '/v1/credentials/container'],
    ['credential_process', '/v1/credentials/process'],
  ])('carries the top-level Code and Message in the %s format', async (_, url) => {
    const response = await call({ method: 'GET', url, token: tokens.oidcToken(EXPIRED_CLAIMS) });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      Code: 'TOKEN_EXPIRED',
      Message: EXPIRED_MESSAGE,
      error: { code: 'TOKEN_EXPIRED', message: EXPIRED_MESSAGE, requestId: response.requestId },
    });
    expect(response.headers['WWW-Authenticate']).toBe(EXPIRED_CHALLENGE);
  });

  it('is audited as an expiry refusal, without the token or its claims', async () => {
    const token = tokens.oidcToken({ ...EXPIRED_CLAIMS, sub: 'expired-user-7' });
    const response = await call({ ...vend, token });

    const events = auditEventsOf(response.requestId);
    expect(events).toEqual([
      expect.objectContaining({
        outcome: 'refused',
        errorCode: 'TOKEN_EXPIRED',
        status: 401,
        detail: 'expired',
      }),
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toContain('expired-user-7');
  });

  it('is not refused while within the clock-skew grace', async () => {
    const response = await call({ ...vend, token: tokens.oidcToken({ exp: nowSeconds() - 20 }) });

    expect(response.status).toBe(200);
  });
});

describe('an expired token that is not genuine, or not for this API', () => {
  it.each([
    [
      'signed by another key under the same kid',
      () => new TokenFactory(tokens.kid).oidcToken(EXPIRED_CLAIMS),
      'bad signature',
    ],
    [
      'whose payload was changed after signing',
      () => tokens.tampered(tokens.oidcToken(), tokens.oidcClaims(EXPIRED_CLAIMS)),
      'bad signature',
    ],
    [
      'signed with an unknown kid',
      () => tokens.oidcToken(EXPIRED_CLAIMS, { kid: 'no-such-key' }),
      'unknown signing key',
    ],
    [
      'for another audience',
      () => tokens.oidcToken({ ...EXPIRED_CLAIMS, aud: 'another-api' }),
      'wrong audience',
    ],
    [
      'from another issuer',
      () => tokens.oidcToken({ ...EXPIRED_CLAIMS, iss: 'https://evil.example.com' }),
      'wrong issuer',
    ],
    [
      'that is also not yet valid',
      () => tokens.oidcToken({ ...EXPIRED_CLAIMS, nbf: nowSeconds() + 3600 }),
      'not yet valid',
    ],
  ])('%s gets the generic 401 UNAUTHENTICATED and is audited with its cause', async (_, token, detail) => {
    const response = await call({ ...vend, token: token() });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      error: { code: 'UNAUTHENTICATED', message: GENERIC_MESSAGE, requestId: response.requestId },
    });
    expect(response.headers['WWW-Authenticate']).toBe(INVALID_CHALLENGE);
    expect(JSON.stringify(response.body)).not.toMatch(/expire|2023/i);
    expect(auditEventsOf(response.requestId)).toEqual([
      expect.objectContaining({ outcome: 'refused', errorCode: 'UNAUTHENTICATED', status: 401, detail }),
    ]);
  });
});

describe('the challenge of the other 401s', () => {
  it.each([
    ['no Authorization header', {}],
    ['an empty Authorization header', { authorization: '' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('is the bare Bearer for a request with %s', async (_, headers) => {
    const response = await call({ ...vend, token: null, headers });

    expect(response.status).toBe(401);
    expect((response.body.error as { code: string }).code).toBe('UNAUTHENTICATED');
    expect(response.headers['WWW-Authenticate']).toBe(BARE_CHALLENGE);
  });

  it.each([
    ['a malformed token', 'garbage'],
    ['a truncated token', () => tokens.oidcToken().slice(0, -12)],
    ['a token that is not yet valid', () => tokens.oidcToken({ nbf: nowSeconds() + 3600 })],
    ['an unsigned token', () => tokens.noneToken(tokens.oidcClaims(), 'c2lnbmF0dXJl')],
    ['a token without a tenant', () => tokens.oidcToken({ 'custom:tenant_id': undefined })],
  ])('is invalid_token, with nothing that tells causes apart, for %s', async (_, token) => {
    const response = await call({ ...vend, token: typeof token === 'string' ? token : token() });

    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: GENERIC_MESSAGE });
    expect(response.headers['WWW-Authenticate']).toBe(INVALID_CHALLENGE);
  });

  it('is invalid_token for a doubled Authorization header', async () => {
    const token = tokens.oidcToken();
    const response = await call({
      ...vend,
      token: null,
      headers: { authorization: `Bearer ${token}`, Authorization: `Bearer ${token}` },
    });

    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe(INVALID_CHALLENGE);
  });

  it.each([
    ['container-credentials', '/v1/credentials/container'],
    ['credential_process', '/v1/credentials/process'],
  ])('comes with the generic Code and Message in the %s format', async (_, url) => {
    const missing = await call({ method: 'GET', url, token: null });
    const invalid = await call({ method: 'GET', url, token: 'garbage' });

    for (const response of [missing, invalid]) {
      expect(response.body).toEqual({
        Code: 'UNAUTHENTICATED',
        Message: GENERIC_MESSAGE,
        error: { code: 'UNAUTHENTICATED', message: GENERIC_MESSAGE, requestId: response.requestId },
      });
    }
    expect(missing.headers['WWW-Authenticate']).toBe(BARE_CHALLENGE);
    expect(invalid.headers['WWW-Authenticate']).toBe(INVALID_CHALLENGE);
  });

  it('is absent from refusals other than 401', async () => {
    const response = await call({ ...vend, body: '{"durationSeconds":3601}' });

    expect(response.status).toBe(400);
    expect(response.headers['WWW-Authenticate']).toBeUndefined();
  });
});
