/**
 * AssumeRoleWithWebIdentity in the STS emulator, with the real `@aws-sdk/client-sts` (which sends it unsigned) and
 * tiny in-test OIDC issuers on loopback (discovery document and JWKS; ES256 and RS256 tokens signed with node:crypto):
 * the tenant access role's web-identity trust as lib/policies/trust-policies.ts writes it, 12-hour sessions, STS's
 * refusals word for word, and sessions that the S3 front serves like AssumeRole sessions.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { webIdentityTrustPolicy } from '../../lib/policies/trust-policies';
import { EmulatedAccount } from '../../sandbox/account/account';
import { webIdentityTenantAccessRole } from '../../sandbox/account/local-account';
import { closeServer, listenOnLoopback } from '../../sandbox/net/loopback-server';
import { createObjectStore } from '../../sandbox/s3/object-store';
import { type S3Emulator, startS3Emulator } from '../../sandbox/s3/server';
import { type StsEmulator, startStsEmulator } from '../../sandbox/sts-emulator';
import { refusal } from '../support/async';
import { registerSecret } from '../support/leak-scan';

const ACCOUNT = '000000000000';
const BUCKET = 'credvend-local-data';
const AUDIENCE = 'credvend';
const TENANT_ROLE = `arn:aws:iam::${ACCOUNT}:role/credvend-tenant-access`;
const SHORT_ROLE = `arn:aws:iam::${ACCOUNT}:role/one-hour-role`;
const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';
const KEY_UNAVAILABLE =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const DEV_USER = {
  accessKeyId: 'AKIADEVUSER000000001',
  secretAccessKey: 'dev-user-secret-key-00000000000000000001',
  principalArn: `arn:aws:iam::${ACCOUNT}:user/dev`,
};
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/tenants/acme/*` }],
});

/** A signing key and its public JWK. */
interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

function signingKey(kid: string, alg: SigningKey['alg']): SigningKey {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS; ES256 in the 64-byte R‖S form JWS wants (node's default would be DER). */
function signJwt(
  key: SigningKey,
  payload: object,
  header: object = { alg: key.alg, kid: key.kid, typ: 'JWT' },
) {
  const input = Buffer.from(`${segment(header)}.${segment(payload)}`);
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', input, key.privateKey);
  const jwt = `${input.toString()}.${signature.toString('base64url')}`;
  registerSecret(jwt);
  return jwt;
}

/** An OIDC issuer on a free loopback port: discovery document and JWKS, counting the fetches. */
interface TestIssuer {
  readonly url: string;
  readonly fetches: { discovery: number; jwks: number };
  close(): Promise<void>;
}

async function startIssuer(keys: readonly SigningKey[]): Promise<TestIssuer> {
  const fetches = { discovery: 0, jwks: 0 };
  let url = '';
  const server = createServer((request, response) => {
    const json = (body: unknown) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') {
      fetches.discovery += 1;
      json({
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['ES256'],
      });
    } else if (request.url === '/.well-known/jwks.json') {
      fetches.jwks += 1;
      json({ keys: keys.map((key) => key.jwk) });
    } else {
      response.writeHead(404).end();
    }
  });
  url = `http://127.0.0.1:${await listenOnLoopback(server, 0)}`;
  return { url, fetches, close: () => closeServer(server) };
}

/** A loopback URL nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  const port = await listenOnLoopback(server, 0);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

const ES_KEY = signingKey('es-1', 'ES256');
const RS_KEY = signingKey('rs-1', 'RS256');
const UNPUBLISHED_KEY = signingKey('es-unpublished', 'ES256');

let issuer: TestIssuer;
let otherIssuer: TestIssuer;
let unregisteredIssuer: TestIssuer;
let unreachableUrl: string;
let account: EmulatedAccount;
let emulator: StsEmulator;
let s3: S3Emulator;
let clockOffsetMs = 0;
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  issuer = await startIssuer([ES_KEY, RS_KEY]);
  otherIssuer = await startIssuer([ES_KEY]);
  unregisteredIssuer = await startIssuer([ES_KEY]);
  unreachableUrl = await deadUrl();
  const identity = { issuer: issuer.url, audience: AUDIENCE };
  account = new EmulatedAccount({
    baseCredentials: [DEV_USER],
    oidcProviders: [
      // `other-app` is a client id of the provider that the role's trust does not admit.
      { url: issuer.url, clientIds: [AUDIENCE, 'other-app'] },
      { url: otherIssuer.url, clientIds: [AUDIENCE] },
      { url: unreachableUrl, clientIds: [AUDIENCE] },
    ],
    roles: [
      webIdentityTenantAccessRole([BUCKET], identity, 43200),
      {
        roleName: 'one-hour-role',
        trust: {
          principals: [],
          webIdentity: webIdentityTrustPolicy({
            providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.url.slice('http://'.length)}`,
            ...identity,
          }),
        },
      },
      {
        ...webIdentityTenantAccessRole([BUCKET], { issuer: unreachableUrl, audience: AUDIENCE }),
        roleName: 'far-role',
      },
    ],
    now: () => Date.now() + clockOffsetMs,
  });
  emulator = await startStsEmulator({ account });
  s3 = await startS3Emulator({ account, store: createObjectStore({ buckets: [BUCKET] }) });
});
afterEach(() => {
  clockOffsetMs = 0;
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await Promise.all([
    emulator.close(),
    s3.close(),
    issuer.close(),
    otherIssuer.close(),
    unregisteredIssuer.close(),
  ]);
});

/** The claims credvend's tokens carry, for `issuer`, at the emulator's time. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor((Date.now() + clockOffsetMs) / 1000);
  return {
    iss: issuer.url,
    aud: AUDIENCE,
    sub: 'alice',
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    [TAGS_CLAIM]: { principal_tags: { tenant: ['acme'] }, transitive_tag_keys: ['tenant'] },
    [SOURCE_IDENTITY_CLAIM]: 'alice',
    ...overrides,
  };
}

function stsClient(): STSClient {
  const client = new STSClient({ region: 'us-east-1', endpoint: emulator.url, maxAttempts: 1 });
  clients.push(client);
  return client;
}

const request = (
  token: string,
  overrides: Partial<AssumeRoleWithWebIdentityCommandInput> = {},
): AssumeRoleWithWebIdentityCommandInput => ({
  RoleArn: TENANT_ROLE,
  RoleSessionName: 'acme-alice',
  WebIdentityToken: token,
  DurationSeconds: 43200,
  Policy: POLICY,
  ...overrides,
});

const assume = (token: string, overrides: Partial<AssumeRoleWithWebIdentityCommandInput> = {}) =>
  stsClient().send(new AssumeRoleWithWebIdentityCommand(request(token, overrides)));

/** GET on the emulator, on a fresh connection. */
function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: emulator.port,
        path,
        agent: false,
        headers: { host: `127.0.0.1:${emulator.port}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const PROVIDER_ARN = () => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.url.slice('http://'.length)}`;

describe('AssumeRoleWithWebIdentity in the STS emulator', () => {
  describe('a good token', () => {
    it('gives an unsigned caller a 12-hour role session, as STS answers it', async () => {
      emulator.resetCalls();
      const before = Date.now();
      const output = await assume(signJwt(ES_KEY, claims()));

      expect(emulator.calls).toEqual([{ action: 'AssumeRoleWithWebIdentity', status: 200 }]);
      expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      const lifetimeMs = (output.Credentials?.Expiration?.getTime() ?? 0) - before;
      expect(lifetimeMs).toBeGreaterThan(43_199_000);
      expect(lifetimeMs).toBeLessThanOrEqual(43_201_000);
      expect(output).toMatchObject({
        SubjectFromWebIdentityToken: 'alice',
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/credvend-tenant-access/acme-alice`,
          AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:acme-alice$/),
        },
        Provider: PROVIDER_ARN(),
        Audience: AUDIENCE,
        SourceIdentity: 'alice',
      });
      expect(output.PackedPolicySize).toBeGreaterThan(0);
      expect(output.PackedPolicySize).toBeLessThan(30);
    });

    it('shows the session on the inspect endpoint: kind, tags, source identity, policy, provider', async () => {
      const output = await assume(signJwt(ES_KEY, claims()));
      const accessKeyId = output.Credentials?.AccessKeyId ?? '';
      registerSecret(output.Credentials?.SecretAccessKey ?? '');
      registerSecret(output.Credentials?.SessionToken ?? '');

      const { status, body } = await getJson(`/_emulator/sessions/${accessKeyId}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        accessKeyId,
        kind: 'AssumeRoleWithWebIdentity',
        arn: output.AssumedRoleUser?.Arn,
        roleArn: TENANT_ROLE,
        roleSessionName: 'acme-alice',
        policy: POLICY,
        tags: [{ Key: 'tenant', Value: 'acme' }],
        transitiveTagKeys: ['tenant'],
        sourceIdentity: 'alice',
        provider: PROVIDER_ARN(),
        audience: AUDIENCE,
        subjectFromWebIdentityToken: 'alice',
        durationSeconds: 43200,
        issuerArn: PROVIDER_ARN(),
        issuerAccessKeyId: '',
        packedPolicySize: output.PackedPolicySize,
        expired: false,
      });
    });

    it('accepts RS256 tokens too', async () => {
      const output = await assume(signJwt(RS_KEY, claims({ sub: 'bob' })), { DurationSeconds: 900 });
      expect(output.SubjectFromWebIdentityToken).toBe('bob');
    });

    it('defaults to one hour, and takes a signed request too (authenticated like any other)', async () => {
      const token = signJwt(ES_KEY, claims());
      const body = new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: TENANT_ROLE,
        RoleSessionName: 'signed',
        WebIdentityToken: token,
      }).toString();
      const signed = await signedPost(body, DEV_USER);
      expect(signed.status).toBe(200);
      expect(signed.body).toContain('<AssumeRoleWithWebIdentityResult>');
      const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(signed.body)?.[1] ?? '';
      expect(account.sessions.inspect(accessKeyId)?.durationSeconds).toBe(3600);

      const forged = await signedPost(body, {
        ...DEV_USER,
        secretAccessKey: 'not-the-secret-000000000000000000000000',
      });
      expect(forged.status).toBe(403);
      expect(forged.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    });

    it('gives a session that STS and the S3 front take like an AssumeRole session: its tenant prefix only', async () => {
      const output = await assume(signJwt(ES_KEY, claims()), { Policy: undefined });
      const { AccessKeyId = '', SecretAccessKey = '', SessionToken = '' } = output.Credentials ?? {};
      registerSecret(SecretAccessKey);
      registerSecret(SessionToken);
      const credentials = {
        accessKeyId: AccessKeyId,
        secretAccessKey: SecretAccessKey,
        sessionToken: SessionToken,
      };

      const sts = new STSClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
      clients.push(sts);
      expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(output.AssumedRoleUser?.Arn);

      const client = new S3Client({
        region: 'eu-west-1',
        endpoint: s3.url,
        forcePathStyle: true,
        credentials,
        maxAttempts: 1,
      });
      clients.push(client);
      const key = 'tenants/acme/reports/web-identity.txt';
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'acme only' }));
      const read = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await read.Body?.transformToString()).toBe('acme only');
      const foreign = await refusal(
        client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tenants/globex/x.txt', Body: 'no' })),
      );
      expect(foreign).toMatchObject({ name: 'AccessDenied', status: 403 });
    });

    it('fetches the discovery document and JWKS once for many calls, and again for an unknown key id later', async () => {
      const before = { ...issuer.fetches };
      clockOffsetMs = 120_000; // past anything kept
      await assume(signJwt(ES_KEY, claims()), { DurationSeconds: 900 });
      await assume(signJwt(RS_KEY, claims()), { DurationSeconds: 900 });
      expect(issuer.fetches).toEqual({ discovery: before.discovery + 1, jwks: before.jwks + 1 });

      // An unknown key id moments later is refused from the kept keys; a few seconds later they are fetched again.
      expect((await refusal(assume(signJwt(UNPUBLISHED_KEY, claims())))).message).toBe(KEY_UNAVAILABLE);
      expect(issuer.fetches.jwks).toBe(before.jwks + 1);
      clockOffsetMs += 6_000;
      expect((await refusal(assume(signJwt(UNPUBLISHED_KEY, claims())))).message).toBe(KEY_UNAVAILABLE);
      expect(issuer.fetches.jwks).toBe(before.jwks + 2);
    });
  });

  describe('duration', () => {
    it('refuses 43,201 seconds as outside the model', async () => {
      await expect(refusal(assume(signJwt(ES_KEY, claims()), { DurationSeconds: 43201 }))).resolves.toEqual({
        name: 'ValidationError',
        message:
          "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
        status: 400,
      });
    });

    it("refuses more than the role's MaxSessionDuration", async () => {
      await expect(
        refusal(assume(signJwt(ES_KEY, claims()), { RoleArn: SHORT_ROLE, DurationSeconds: 3601 })),
      ).resolves.toEqual({
        name: 'ValidationError',
        message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        status: 400,
      });
      const output = await assume(signJwt(ES_KEY, claims()), { RoleArn: SHORT_ROLE, DurationSeconds: 3600 });
      expect(output.AssumedRoleUser?.Arn).toBe(
        `arn:aws:sts::${ACCOUNT}:assumed-role/one-hour-role/acme-alice`,
      );
    });
  });

  describe('tokens STS does not take', () => {
    it('refuses a token of an issuer the account has no provider for, without contacting it', async () => {
      const token = signJwt(ES_KEY, claims({ iss: unregisteredIssuer.url }));
      await expect(refusal(assume(token))).resolves.toEqual({
        name: 'InvalidIdentityTokenException',
        message: `No OpenIDConnect provider found in your account for ${unregisteredIssuer.url}`,
        status: 400,
      });
      expect(unregisteredIssuer.fetches).toEqual({ discovery: 0, jwks: 0 });
      // `iss` must equal the provider's URL exactly.
      const slash = signJwt(ES_KEY, claims({ iss: `${issuer.url}/` }));
      expect((await refusal(assume(slash))).message).toBe(
        `No OpenIDConnect provider found in your account for ${issuer.url}/`,
      );
    });

    it("refuses an audience that is not one of the provider's client ids", async () => {
      await expect(refusal(assume(signJwt(ES_KEY, claims({ aud: 'someone-else' }))))).resolves.toEqual({
        name: 'InvalidIdentityTokenException',
        message: 'Incorrect token audience',
        status: 400,
      });
    });

    it('refuses an expired token with the two times STS names', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt(ES_KEY, claims({ iat: now - 600, exp: now - 300 }));
      const error = await refusal(assume(token));
      expect(error).toMatchObject({ name: 'ExpiredTokenException', status: 400 });
      expect(error.message).toMatch(
        new RegExp(
          `^Token expired: current date/time \\d{10} must be before the expiration date/time ${now - 300}$`,
        ),
      );
    });

    it('refuses a token signed by a key the issuer does not publish, or not by the key it names', async () => {
      await expect(refusal(assume(signJwt(UNPUBLISHED_KEY, claims())))).resolves.toEqual({
        name: 'InvalidIdentityTokenException',
        message: KEY_UNAVAILABLE,
        status: 400,
      });
      const impostor = signJwt(UNPUBLISHED_KEY, claims(), { alg: 'ES256', kid: ES_KEY.kid });
      await expect(refusal(assume(impostor))).resolves.toEqual({
        name: 'InvalidIdentityTokenException',
        message: 'The web identity token signature could not be verified.',
        status: 400,
      });
    });

    it('refuses unsigned, HMAC and malformed tokens, and missing claims', async () => {
      const body = segment(claims());
      const cases: Array<[string, string]> = [
        [
          `${segment({ alg: 'none' })}.${body}.${Buffer.from('x').toString('base64url')}`,
          'The web identity token must be signed with RS256, RS384, RS512, ES256, ES384 or ES512.',
        ],
        [
          `${segment({ alg: 'HS256', kid: 'es-1' })}.${body}.c2lnbmF0dXJl`,
          'The web identity token must be signed with RS256, RS384, RS512, ES256, ES384 or ES512.',
        ],
        ['not.a.jwt!', 'The web identity token is not a valid JWT.'],
        [signJwt(ES_KEY, claims({ sub: undefined })), 'Missing a required claim: sub'],
        [signJwt(ES_KEY, claims({ aud: undefined })), 'Missing a required claim: aud'],
        [signJwt(ES_KEY, claims({ iat: undefined })), 'Missing a required claim: iat'],
        [
          signJwt(ES_KEY, claims({ exp: Math.floor(Date.now() / 1000) + 300.5 })),
          'The exp claim must be an integer number of seconds.',
        ],
      ];
      for (const [token, message] of cases) {
        await expect(refusal(assume(token))).resolves.toEqual({
          name: 'InvalidIdentityTokenException',
          message,
          status: 400,
        });
      }
    });

    it("answers an unreachable issuer as STS does: it couldn't retrieve the verification key", async () => {
      const token = signJwt(ES_KEY, claims({ iss: unreachableUrl }));
      await expect(
        refusal(assume(token, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/far-role` })),
      ).resolves.toEqual({ name: 'InvalidIdentityTokenException', message: KEY_UNAVAILABLE, status: 400 });
    });

    it('refuses malformed session tag claims as STS does', async () => {
      for (const tags of [
        { principal_tags: { tenant: 'acme' } },
        { principal_tags: { tenant: ['acme', 'globex'] } },
        { principal_tags: { 'aws:tenant': ['acme'] } },
        { principal_tags: { tenant: ['acme'] }, transitive_tag_keys: ['team'] },
      ]) {
        await expect(refusal(assume(signJwt(ES_KEY, claims({ [TAGS_CLAIM]: tags }))))).resolves.toEqual({
          name: 'ValidationError',
          message: 'Unable to validate tags',
          status: 400,
        });
      }
    });

    it('refuses a ProviderId, which is for OAuth 2.0 access tokens only', async () => {
      const error = await refusal(assume(signJwt(ES_KEY, claims()), { ProviderId: 'www.amazon.com' }));
      expect(error).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    });
  });

  describe("the role's web-identity trust policy", () => {
    const notAuthorized = {
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      status: 403,
    };

    it('refuses a second tag key besides tenant', async () => {
      const tags = { principal_tags: { tenant: ['acme'], admin: ['true'] }, transitive_tag_keys: ['tenant'] };
      await expect(refusal(assume(signJwt(ES_KEY, claims({ [TAGS_CLAIM]: tags }))))).resolves.toEqual(
        notAuthorized,
      );
    });

    it('refuses a token without a tenant tag, or without a source identity', async () => {
      await expect(refusal(assume(signJwt(ES_KEY, claims({ [TAGS_CLAIM]: undefined }))))).resolves.toEqual(
        notAuthorized,
      );
      const emptyTenant = { principal_tags: { tenant: [''] } };
      await expect(refusal(assume(signJwt(ES_KEY, claims({ [TAGS_CLAIM]: emptyTenant }))))).resolves.toEqual(
        notAuthorized,
      );
      await expect(
        refusal(assume(signJwt(ES_KEY, claims({ [SOURCE_IDENTITY_CLAIM]: undefined })))),
      ).resolves.toEqual(notAuthorized);
    });

    it('refuses another client id of the provider: the trust checks the aud condition key', async () => {
      await expect(refusal(assume(signJwt(ES_KEY, claims({ aud: 'other-app' }))))).resolves.toEqual(
        notAuthorized,
      );
    });

    it('refuses another provider of the account, and a role that does not exist, in the same words', async () => {
      const other = signJwt(ES_KEY, claims({ iss: otherIssuer.url }));
      await expect(refusal(assume(other))).resolves.toEqual(notAuthorized);
      const missing = `arn:aws:iam::${ACCOUNT}:role/no-such-role`;
      await expect(refusal(assume(signJwt(ES_KEY, claims()), { RoleArn: missing }))).resolves.toEqual(
        notAuthorized,
      );
    });
  });
});

/** A form POST signed with SigV4 outside the SDK (which sends this action unsigned). */
async function signedPost(
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<{ status: number; body: string }> {
  const host = `127.0.0.1:${emulator.port}`;
  const signer = new SignatureV4({
    service: 'sts',
    region: 'us-east-1',
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: emulator.port,
      path: '/',
      headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    }),
  );
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: emulator.port,
        method: 'POST',
        path: '/',
        headers: signed.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
