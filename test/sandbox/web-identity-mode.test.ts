/**
 * The sandbox in web-identity mode, end to end: the API is its own OIDC issuer (discovery document and JWKS from the
 * KMS emulator's key), each vend signs a token with the KMS emulator and exchanges it with the STS emulator's
 * AssumeRoleWithWebIdentity, which fetches those keys from the API over loopback. A 12-hour session reads its
 * tenant's prefix through the local S3 and nothing else, for the JS SDK and for the AWS CLI's container credentials.
 */

import { createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { deploymentFromSandbox, deploymentRules } from '../../admin/deployment';
import { sandboxState } from '../../sandbox/state-file';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { runCommand } from './child-process';
import { callApi, devToken, inspectSession, sandboxS3Client, useSandbox } from './sandbox-harness';

const sandbox = useSandbox({ sessionMode: 'web-identity' });
const AWS_CLI = '/usr/bin/aws';

describe('the sandbox in web-identity mode', () => {
  it('publishes its issuer: the discovery document and the signing key KMS holds', async () => {
    const discovery = await callApi(sandbox(), 'GET', '/.well-known/openid-configuration');
    const jwks = await callApi(sandbox(), 'GET', '/.well-known/jwks.json');
    const [key] = sandbox().account.keys.list();

    expect(discovery.status).toBe(200);
    expect(discovery.body).toMatchObject({
      issuer: sandbox().apiUrl,
      jwks_uri: `${sandbox().apiUrl}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({
      kid: key?.keyId,
      alg: 'ES256',
      use: 'sig',
      kty: 'EC',
      crv: 'P-256',
    });
    // The published key is the KMS key's public half, byte for byte.
    const published = createPublicKey({ key: jwks.body.keys[0], format: 'jwk' });
    expect(published.export({ format: 'der', type: 'spki' })).toEqual(key?.publicKey);
  });

  it('vends a 12-hour session with AssumeRoleWithWebIdentity, tagged and named from the signed token', async () => {
    const before = Date.now();
    const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
      token: devToken(sandbox(), 'acme', 'alice'),
      body: { durationSeconds: 43_200 },
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ tenantId: 'acme', durationSeconds: 43_200 });
    const lifetimeMs = Date.parse(response.body.expiration) - before;
    expect(lifetimeMs).toBeGreaterThan(43_190_000);
    expect(lifetimeMs).toBeLessThanOrEqual(43_201_000);
    const session = await inspectSession(sandbox(), response.body.accessKeyId);
    expect(session).toMatchObject({
      kind: 'AssumeRoleWithWebIdentity',
      tags: [{ Key: 'tenant', Value: 'acme' }],
      transitiveTagKeys: ['tenant'],
      sourceIdentity: 'alice',
      durationSeconds: 43_200,
      audience: 'credvend',
    });
    expect(session.policy).toContain(`arn:aws:s3:::${LOCAL_DATA_BUCKET}/tenants/acme/*`);
    expect(session.policy).not.toContain('globex');
  });

  it("reads its own prefix through the local S3, and is refused globex's", async () => {
    const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
      token: devToken(sandbox(), 'acme', 'alice'),
      body: { durationSeconds: 43_200 },
    });
    const { accessKeyId, secretAccessKey, sessionToken } = response.body;
    const s3 = sandboxS3Client(sandbox(), { accessKeyId, secretAccessKey, sessionToken });
    try {
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: LOCAL_DATA_BUCKET, Prefix: 'tenants/acme/' }),
      );
      const key = listed.Contents?.[0]?.Key;
      expect(key).toMatch(/^tenants\/acme\//);
      const object = await s3.send(new GetObjectCommand({ Bucket: LOCAL_DATA_BUCKET, Key: key }));
      expect((await object.Body?.transformToString())?.length).toBeGreaterThan(0);
      await expect(
        s3.send(new ListObjectsV2Command({ Bucket: LOCAL_DATA_BUCKET, Prefix: 'tenants/globex/' })),
      ).rejects.toMatchObject({ name: 'AccessDenied' });
    } finally {
      s3.destroy();
    }
  });

  it('tells credvend-admin --local its mode and cap, so records are checked as the function checks them', () => {
    const deployment = deploymentFromSandbox(sandboxState(sandbox()), 'sandbox.json');

    expect(deployment).toMatchObject({ sessionMode: 'web-identity', maxSessionSeconds: 43_200 });
    const { config } = sandbox();
    expect(config.SESSION_MODE === 'web-identity' && config.MAX_SESSION_SECONDS).toBe(43_200);
    expect(deploymentRules(deployment).maxSessionSeconds).toBe(43_200);
  });

  it("refuses one second more than the tenant's maximum, before any token is signed", async () => {
    const calls = sandbox().emulator.calls.length;
    const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
      token: devToken(sandbox(), 'acme', 'alice'),
      body: { durationSeconds: 43_201 },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('DURATION_TOO_LONG');
    expect(sandbox().emulator.calls.length).toBe(calls);
  });

  const cliIt = existsSync(AWS_CLI) ? it : it.skip;
  cliIt(
    'serves the AWS CLI 12-hour container credentials that read acme and are refused globex',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'credvend-web-identity-'));
      const env = {
        PATH: '/usr/bin:/bin',
        HOME: dir,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${sandbox().apiUrl}/v1/credentials/container?durationSeconds=43200`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${devToken(sandbox(), 'acme', 'alice')}`,
        AWS_DEFAULT_REGION: 'eu-west-1',
      };
      const aws = (...args: string[]) => runCommand(AWS_CLI, args, env);
      try {
        const identity = await aws('sts', 'get-caller-identity', '--endpoint-url', sandbox().stsUrl);
        const own = await aws(
          's3',
          'cp',
          `s3://${LOCAL_DATA_BUCKET}/tenants/acme/README.txt`,
          join(dir, 'a.txt'),
          '--endpoint-url',
          sandbox().s3Url,
        );
        const other = await aws(
          's3',
          'cp',
          `s3://${LOCAL_DATA_BUCKET}/tenants/globex/README.txt`,
          join(dir, 'g.txt'),
          '--endpoint-url',
          sandbox().s3Url,
        );

        expect(identity.code).toBe(0);
        expect(JSON.parse(identity.stdout).Arn).toMatch(
          /:assumed-role\/credvend-tenant-access\/acme\.alice\./,
        );
        expect(own.code).toBe(0);
        expect(readFileSync(join(dir, 'a.txt'), 'utf8').length).toBeGreaterThan(0);
        expect(other.code).not.toBe(0);
        // `aws s3 cp` asks HeadObject first, whose 403 has no body: the CLI can only say Forbidden.
        expect(other.stderr).toContain(
          'An error occurred (403) when calling the HeadObject operation: Forbidden',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
