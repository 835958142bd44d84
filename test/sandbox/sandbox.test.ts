/**
 * The sandbox end to end, with real SDK clients and no mocks, in both session modes: the AWS SDK's
 * container-credentials provider against the local API, the vended credentials against the STS emulator, tenant
 * isolation and refusals, and the session the emulator recorded compared with the one the service planned.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromHttp } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@smithy/types';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_TENANT_ROLE_ARN,
  VEND_FUNCTION_PRINCIPAL_ARN,
} from '../../sandbox/account/local-account';
import type { SessionMode } from '../../sandbox/sandbox';
import { DEMO_TENANTS, LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { failureOf } from '../support/async';
import { capturedOutput, registerSecret } from '../support/leak-scan';
import { TokenFactory } from '../support/token-factory';
import { callApi, devToken, inspectSession, useSandbox } from './sandbox-harness';

const MODES: SessionMode[] = ['role-chaining', 'web-identity'];

describe.each(MODES)('the sandbox in %s mode', (mode) => {
  const sandbox = useSandbox({ sessionMode: mode });
  const clients: STSClient[] = [];

  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  /** An STS client on the emulator, signing with `credentials`. */
  function stsWith(credentials: AwsCredentialIdentity, region = 'eu-west-1'): STSClient {
    const client = new STSClient({ region, endpoint: sandbox().stsUrl, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  }

  /** Credentials fetched the way an SDK in a container fetches them: `fromHttp` on the container route. */
  async function containerCredentials(token: string, query = ''): Promise<AwsCredentialIdentity> {
    const credentials = await fromHttp({
      awsContainerCredentialsFullUri: `${sandbox().apiUrl}/v1/credentials/container${query}`,
      awsContainerAuthorizationToken: `Bearer ${token}`,
    })();
    registerSecret(credentials.secretAccessKey);
    if (credentials.sessionToken !== undefined) registerSecret(credentials.sessionToken);
    return credentials;
  }

  const assumedRole = (tenant: string, user: string) =>
    new RegExp(
      `^arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/credvend-tenant-access/${tenant}\\.${user}\\.[A-Za-z0-9]{1,8}$`,
    );

  describe('the SDK container-credentials provider against the sandbox', () => {
    it("gets credentials whose GetCallerIdentity is the tenant access role, with the caller's tenant in the session", async () => {
      const credentials = await containerCredentials(devToken(sandbox(), 'acme', 'alice'));

      const identity = await stsWith(credentials).send(new GetCallerIdentityCommand({}));

      expect(identity.Account).toBe(LOCAL_ACCOUNT_ID);
      expect(identity.Arn).toMatch(assumedRole('acme', 'alice'));
      expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      // acme's default duration, 900 s.
      const lifetime = (credentials.expiration?.getTime() ?? 0) - Date.now();
      expect(lifetime).toBeGreaterThan(880_000);
      expect(lifetime).toBeLessThanOrEqual(900_000);
    });

    it('gets the duration and region asked for in the query string', async () => {
      const credentials = await containerCredentials(
        devToken(sandbox(), 'acme', 'carol'),
        '?durationSeconds=3600&region=us-east-1',
      );

      const session = await inspectSession(sandbox(), credentials.accessKeyId);
      expect(session.durationSeconds).toBe(3600);
      const identity = await stsWith(credentials, 'us-east-1').send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toMatch(assumedRole('acme', 'carol'));
    });

    it('writes one audit event naming the access key id, and no secret anywhere in the output', async () => {
      const credentials = await containerCredentials(devToken(sandbox(), 'acme', 'dave'));

      const events = capturedOutput().filter((line) => line.includes(credentials.accessKeyId));
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0] ?? '{}')).toMatchObject({
        audit: 'credvend.request',
        outcome: 'success',
        route: 'GET /v1/credentials/container',
        tenantId: 'acme',
        subject: 'dave',
        accessKeyId: credentials.accessKeyId,
      });
      // The leak scan of test/support/jest-setup.ts fails this file if a token or a vended secret was printed.
    });
  });

  describe('tenant isolation through the sandbox', () => {
    it("gives a globex token a globex session, never one of acme's", async () => {
      const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
        token: devToken(sandbox(), 'globex', 'bob'),
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ tenantId: 'globex', region: 'us-east-1', durationSeconds: 1800 });
      const session = await inspectSession(sandbox(), response.body.accessKeyId);
      expect(session.tags).toEqual([{ Key: 'tenant', Value: 'globex' }]);
      expect(session.roleSessionName).toMatch(/^globex\.bob\./);
      expect(session.sourceIdentity).toBe('bob');
      expect(session.policy).toContain(`arn:aws:s3:::${LOCAL_DATA_BUCKET}/tenants/globex/*`);
      expect(session.policy).not.toContain('acme');
      const identity = await stsWith({
        accessKeyId: response.body.accessKeyId,
        secretAccessKey: response.body.secretAccessKey,
        sessionToken: response.body.sessionToken,
      }).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toMatch(assumedRole('globex', 'bob'));
    });

    it("refuses a globex token that asks for acme's prefix, without calling STS", async () => {
      sandbox().emulator.resetCalls();

      const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
        token: devToken(sandbox(), 'globex', 'bob'),
        body: { scope: [{ bucket: LOCAL_DATA_BUCKET, prefix: 'tenants/acme/', access: ['read'] }] },
      });

      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('SCOPE_NOT_GRANTED');
      expect(sandbox().emulator.calls).toEqual([]);
    });

    it.each([
      ['the suspended tenant', 403, 'TENANT_SUSPENDED', () => devToken(sandbox(), 'initech', 'peter')],
      ['a tenant with no record', 403, 'TENANT_NOT_FOUND', () => devToken(sandbox(), 'hooli', 'gavin')],
      ['a token signed by another key', 401, 'UNAUTHENTICATED', () => forgedToken()],
      [
        'a token for another audience',
        401,
        'UNAUTHENTICATED',
        () => devToken(sandbox(), 'acme', 'alice', { aud: 'other-api' }),
      ],
      [
        'an expired token, saying it expired',
        401,
        'TOKEN_EXPIRED',
        () => devToken(sandbox(), 'acme', 'alice', { exp: 1_700_000_000 }),
      ],
      [
        'an expired token for another audience, saying nothing more',
        401,
        'UNAUTHENTICATED',
        () => devToken(sandbox(), 'acme', 'alice', { exp: 1_700_000_000, aud: 'other-api' }),
      ],
    ])('refuses %s with %i %s, without calling STS', async (_, status, code, token) => {
      sandbox().emulator.resetCalls();

      const response = await callApi(sandbox(), 'GET', '/v1/credentials/container', { token: token() });

      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ Code: code, error: { code } });
      expect(sandbox().emulator.calls).toEqual([]);
    });

    it('answers GET /v1/tenant with what the seeded record grants', async () => {
      const response = await callApi(sandbox(), 'GET', '/v1/tenant', {
        token: devToken(sandbox(), 'globex', 'bob'),
      });

      const globex = DEMO_TENANTS.find((t) => t.tenantId === 'globex');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        tenantId: 'globex',
        status: 'active',
        grants: globex?.grants,
        defaultDurationSeconds: 1800,
        maxDurationSeconds: 1800,
        region: 'us-east-1',
        regions: ['us-east-1'],
        sessionMode: mode,
      });
    });

    /** A well-formed token for acme with the sandbox's issuer and kid, signed by a key the issuer never published. */
    function forgedToken(): string {
      const genuine = devToken(sandbox(), 'acme', 'alice');
      const header = JSON.parse(Buffer.from(genuine.split('.')[0] ?? '', 'base64url').toString('utf8'));
      const payload = JSON.parse(Buffer.from(genuine.split('.')[1] ?? '', 'base64url').toString('utf8'));
      return new TokenFactory(header.kid).sign(payload);
    }
  });

  describe('the session the emulator recorded', () => {
    it('is exactly the session the service planned: policy, tags, source identity, duration, role', async () => {
      const token = devToken(sandbox(), 'acme', 'alice');
      const body = {
        scope: [
          { bucket: LOCAL_DATA_BUCKET, prefix: 'tenants/acme/uploads/2026/', access: ['read', 'write'] },
        ],
        durationSeconds: 1200,
        region: 'us-east-1',
      };

      const plan = (await callApi(sandbox(), 'POST', '/v1/credentials/dry-run', { token, body })).body;
      const vended = await callApi(sandbox(), 'POST', '/v1/credentials', { token, body });
      const session = await inspectSession(sandbox(), vended.body.accessKeyId);

      expect(vended.status).toBe(200);
      expect(session.policy).toBe(JSON.stringify(plan.sessionPolicy));
      expect(session).toMatchObject({
        roleArn: LOCAL_TENANT_ROLE_ARN,
        tags: plan.sessionTags,
        transitiveTagKeys: plan.transitiveTagKeys,
        sourceIdentity: plan.sourceIdentity,
        durationSeconds: 1200,
        expired: false,
        ...(mode === 'role-chaining'
          ? // Signed with the vend function's own session: AssumeRole from it is role chaining, as from Lambda.
            { kind: 'AssumeRole', issuerArn: VEND_FUNCTION_PRINCIPAL_ARN }
          : // Unsigned, with a token of credvend's own issuer (the local API), for its audience.
            {
              kind: 'AssumeRoleWithWebIdentity',
              issuerArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:oidc-provider/${sandbox().apiUrl.replace('http://', '')}`,
              audience: 'credvend',
              subjectFromWebIdentityToken: `acme:${plan.sourceIdentity}`,
            }),
      });
      expect(session.roleSessionName).toMatch(/^acme\.alice\.[A-Za-z0-9]{1,8}$/);
      expect(session.expiration).toBe(vended.body.expiration);
    });
  });

  describe('vended credentials at the STS emulator', () => {
    async function acmeCredentials(user: string): Promise<AwsCredentialIdentity> {
      return containerCredentials(devToken(sandbox(), 'acme', user));
    }

    it('cannot assume the tenant access role again: only the vend function is trusted', async () => {
      const credentials = await acmeCredentials('erin');

      const error = await failureOf(
        stsWith(credentials).send(
          new AssumeRoleCommand({
            RoleArn: LOCAL_TENANT_ROLE_ARN,
            RoleSessionName: 'again',
            SourceIdentity: 'erin',
          }),
        ),
      );

      expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    });

    it('cannot re-tag a chained session with another tenant: the tenant tag is transitive', async () => {
      const credentials = await acmeCredentials('erin');

      const error = await failureOf(
        stsWith(credentials).send(
          new AssumeRoleCommand({
            RoleArn: LOCAL_TENANT_ROLE_ARN,
            RoleSessionName: 'escalate',
            Tags: [{ Key: 'tenant', Value: 'globex' }],
            SourceIdentity: 'erin',
          }),
        ),
      );

      expect(error).toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining('transitive'),
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('are refused with a tampered secret', async () => {
      const credentials = await acmeCredentials('frank');

      const error = await failureOf(
        stsWith({ ...credentials, secretAccessKey: `${credentials.secretAccessKey.slice(0, -1)}x` }).send(
          new GetCallerIdentityCommand({}),
        ),
      );

      expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    });
  });
});
