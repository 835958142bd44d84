/**
 * The Lambda handler in web-identity mode: vends through AssumeRoleWithWebIdentity with a token the function signed
 * (KMS mocked by real key pairs), and publishes its OIDC discovery document and keys, with STS and DynamoDB mocked.
 */
import 'aws-sdk-client-mock-jest';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  InvalidIdentityTokenException,
  type STSClient,
} from '@aws-sdk/client-sts';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import {
  auditEventsOf,
  call,
  kms,
  ROLE_ARN,
  sts,
  tokenOf,
  useHandler,
  WEB_IDENTITY_ISSUER,
  webIdentityEnv,
  webIdentityKeys,
} from '../support/handler-harness';
import { kmsError } from '../support/kms-keys';
import { registerSecret } from '../support/leak-scan';
import { describeRefusalsBeforeSts } from './refusals';

useHandler(webIdentityEnv());
describeRefusalsBeforeSts('web-identity');

const [signingKey, nextKey] = webIdentityKeys() as [
  ReturnType<typeof webIdentityKeys>[0],
  ReturnType<typeof webIdentityKeys>[0],
];
const hooli = { method: 'POST', url: '/v1/credentials', token: tokenOf('hooli') } as const;

/** The token STS received in the first AssumeRoleWithWebIdentity call. */
function firstWebIdentityToken(): string {
  const token = sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input.WebIdentityToken;
  if (token === undefined) throw new Error('AssumeRoleWithWebIdentity was not called');
  registerSecret(token);
  return token;
}

describe('POST /v1/credentials in web-identity mode', () => {
  it('exchanges a token it signed for a session above the one-hour role-chaining cap', async () => {
    const response = await call({
      ...hooli,
      body: JSON.stringify({ durationSeconds: 7200 }),
      requestId: 'c0ffee00-1111-2222',
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tenantId: 'hooli', durationSeconds: 7200 });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 1);
    const input = sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input;
    expect(input).toStrictEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'hooli.user-0001.c0ffee00',
      WebIdentityToken: firstWebIdentityToken(),
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
            Resource: 'arn:aws:s3:::credvend-data/tenants/hooli/*',
          },
        ],
      }),
      DurationSeconds: 7200,
    });
  });

  it('sends a token that verifies against the keys the API publishes, with the claims STS reads', async () => {
    await call(hooli);
    const jwks = await call({ method: 'GET', url: '/.well-known/jwks.json', token: null });
    const verifier = JwtVerifier.create({
      issuer: WEB_IDENTITY_ISSUER,
      audience: 'credvend',
      jwksUri: `${WEB_IDENTITY_ISSUER}/.well-known/jwks.json`,
    });
    verifier.cacheJwks(jwks.body as unknown as Jwks);

    const claims = await verifier.verify(firstWebIdentityToken());

    expect(claims).toMatchObject({
      iss: WEB_IDENTITY_ISSUER,
      aud: 'credvend',
      sub: 'hooli:user-0001',
      'https://aws.amazon.com/tags': {
        principal_tags: { tenant: ['hooli'] },
        transitive_tag_keys: ['tenant'],
      },
      'https://aws.amazon.com/source_identity': 'user-0001',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(
      JSON.parse(Buffer.from(firstWebIdentityToken().split('.')[0] ?? '', 'base64url').toString()),
    ).toEqual({
      alg: 'ES256',
      kid: signingKey.keyId,
      typ: 'JWT',
    });
  });

  it('signs with the first key through KMS and calls the regional STS endpoint unsigned', async () => {
    await call(hooli);

    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      KeyId: signingKey.arn,
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    const client = sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.thisValue as STSClient;
    await expect(client.config.region()).resolves.toBe('eu-west-1');
    expect(client.config.useGlobalEndpoint).toBe(false);
    await expect(client.config.authSchemePreference()).resolves.toEqual(['noAuth']);
  });

  it('refuses a tenant-owned role (it comes with an external id) with 500 TENANT_MISCONFIGURED, before KMS and STS', async () => {
    const response = await call({ method: 'POST', url: '/v1/credentials', token: tokenOf('globex') });

    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ error: { code: 'TENANT_MISCONFIGURED' } });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
    expect(kms).toHaveReceivedCommandTimes(SignCommand, 0);
    expect(auditEventsOf(response.requestId)[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'TENANT_MISCONFIGURED',
      detail: expect.stringContaining('web-identity mode refuses tenant-owned roles'),
    });
  });

  it('a throttled KMS becomes 429 THROTTLED with Retry-After, and STS is not called', async () => {
    kms.on(SignCommand).rejects(kmsError('ThrottlingException', 'Rate exceeded'));

    const response = await call(hooli);

    expect(response.status).toBe(429);
    expect(response.headers['Retry-After']).toBe('2');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
  });

  it('a token STS refuses becomes 502 ISSUER_REJECTED without what STS said', async () => {
    sts.on(AssumeRoleWithWebIdentityCommand).rejects(
      new InvalidIdentityTokenException({
        message: `No OpenIDConnect provider found for ${WEB_IDENTITY_ISSUER}`,
        $metadata: {},
      }),
    );

    const response = await call(hooli);

    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ error: { code: 'ISSUER_REJECTED' } });
    expect(JSON.stringify(response.body)).not.toContain('OpenIDConnect');
    expect(auditEventsOf(response.requestId)[0]?.detail).toContain('check that an IAM OIDC provider');
  });

  it('GET /v1/tenant and the dry run work as in role-chaining mode, and never sign', async () => {
    const tenant = await call({ method: 'GET', url: '/v1/tenant', token: tokenOf('hooli') });
    const dryRun = await call({ method: 'POST', url: '/v1/credentials/dry-run', token: tokenOf('hooli') });

    expect(tenant).toMatchObject({
      status: 200,
      body: { maxDurationSeconds: 7200, sessionMode: 'web-identity' },
    });
    expect(dryRun).toMatchObject({ status: 200, body: { dryRun: true, roleArn: ROLE_ARN } });
    expect(kms).toHaveReceivedCommandTimes(SignCommand, 0);
  });
});

describe('GET /.well-known/openid-configuration', () => {
  it('answers without a token, cacheable, with the issuer, the JWKS URI and the algorithms of the keys', async () => {
    const response = await call({ method: 'GET', url: '/.well-known/openid-configuration', token: null });

    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('public, max-age=300');
    expect(response.headers).not.toHaveProperty('Pragma');
    expect(response.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(response.body).toStrictEqual({
      issuer: WEB_IDENTITY_ISSUER,
      jwks_uri: `${WEB_IDENTITY_ISSUER}/.well-known/jwks.json`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      claims_supported: [
        'iss',
        'aud',
        'sub',
        'iat',
        'exp',
        'jti',
        'https://aws.amazon.com/tags',
        'https://aws.amazon.com/source_identity',
      ],
    });
    expect(auditEventsOf(response.requestId)).toEqual([]);
  });

  it('ignores whatever Authorization header comes along', async () => {
    const response = await call({
      method: 'GET',
      url: '/.well-known/openid-configuration',
      token: 'not-a-jwt',
    });
    expect(response.status).toBe(200);
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('publishes every key of SIGNING_KEY_IDS, the signing key first, with kid, use and alg', async () => {
    const response = await call({ method: 'GET', url: '/.well-known/jwks.json', token: null });

    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('public, max-age=300');
    expect(response.body).toStrictEqual({
      keys: [
        {
          kty: 'EC',
          kid: signingKey.keyId,
          use: 'sig',
          alg: 'ES256',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
        },
        { kty: 'RSA', kid: nextKey.keyId, use: 'sig', alg: 'RS256', n: expect.any(String), e: 'AQAB' },
      ],
    });
  });

  it('reads the keys from KMS once per warm container', async () => {
    // Earlier tests of this file already read them: no request of this test reaches KMS.
    await call({ method: 'GET', url: '/.well-known/jwks.json', token: null });
    await call({ method: 'GET', url: '/.well-known/openid-configuration', token: null });
    await call(hooli);

    expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 0);
    expect(kms).toHaveReceivedCommandTimes(SignCommand, 1);
  });

  it('echoes an allowed origin', async () => {
    const response = await call({
      method: 'GET',
      url: '/.well-known/jwks.json',
      token: null,
      headers: { origin: 'https://app.example.com' },
    });
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
  });

  it('refuses another method with 405', async () => {
    const response = await call({ method: 'POST', url: '/.well-known/jwks.json', token: null });
    expect(response).toMatchObject({ status: 405, body: { error: { code: 'METHOD_NOT_ALLOWED' } } });
  });
});
