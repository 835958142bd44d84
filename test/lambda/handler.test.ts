/** The Lambda handler: every route, format, refusal and upstream failure, with STS and DynamoDB mocked at `send`. */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import 'aws-sdk-client-mock-jest';
import {
  acmeAs,
  auditEventsOf,
  call,
  clientOfFirstAssumeRole,
  dynamoDb,
  GLOBEX_ROLE_ARN,
  ROLE_ARN,
  regionOfFirstAssumeRole,
  sts,
  TENANTS,
  tokenOf,
  useHandler,
} from '../support/handler-harness';
import { describeRefusalsBeforeSts } from './refusals';

useHandler();

const ACME_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
      Resource: 'arn:aws:s3:::credvend-data/tenants/acme/*',
    },
    {
      Effect: 'Allow',
      Action: [
        's3:GetObject',
        's3:GetObjectVersion',
        's3:GetObjectAttributes',
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
      ],
      Resource: 'arn:aws:s3:::credvend-data/tenants/acme/uploads/*',
    },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::credvend-data',
      Condition: { StringLike: { 's3:prefix': ['tenants/acme/*', 'tenants/acme/uploads/*'] } },
    },
  ],
});

describe('POST /v1/credentials', () => {
  it('assumes the tenant access role with exactly the planned policy, tags, source identity and duration', async () => {
    const response = await call({ method: 'POST', url: '/v1/credentials', requestId: 'c0ffee00-1111-2222' });

    expect(response.status).toBe(200);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'acme.user-0001.c0ffee00',
      DurationSeconds: 900,
      Policy: ACME_POLICY,
      Tags: [{ Key: 'tenant', Value: 'acme' }],
      TransitiveTagKeys: ['tenant'],
      SourceIdentity: 'user-0001',
    });
  });

  it('calls the regional STS endpoint of the tenant home region', async () => {
    await call({ method: 'POST', url: '/v1/credentials' });

    expect(await regionOfFirstAssumeRole()).toBe('eu-west-1');
    expect(clientOfFirstAssumeRole().config.useGlobalEndpoint).toBe(false);
  });

  it('returns the credentials with no-store caching and the granted scope', async () => {
    const response = await call({ method: 'POST', url: '/v1/credentials' });

    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.body).toEqual({
      accessKeyId: 'ASIAEXAMPLE000000001',
      secretAccessKey: expect.any(String),
      sessionToken: expect.stringMatching(/^IQoJ/),
      expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'eu-west-1',
      tenantId: 'acme',
      durationSeconds: 900,
      scope: TENANTS.acme?.grants,
    });
  });

  it('narrows the policy to the requested sub-prefix, access levels, duration and region', async () => {
    const body = JSON.stringify({
      scope: [{ bucket: 'credvend-data', prefix: 'tenants/acme/uploads/2026/', access: ['write'] }],
      durationSeconds: 1200,
      region: 'us-east-1',
    });
    const response = await call({ method: 'POST', url: '/v1/credentials', body });

    expect(response.status).toBe(200);
    expect(await regionOfFirstAssumeRole()).toBe('us-east-1');
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      DurationSeconds: 1200,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
            Resource: 'arn:aws:s3:::credvend-data/tenants/acme/uploads/2026/*',
          },
        ],
      }),
    });
  });

  it("uses the tenant's own role and external id when its record names them", async () => {
    await call({ method: 'POST', url: '/v1/credentials', token: tokenOf('globex') });

    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: GLOBEX_ROLE_ARN,
      ExternalId: 'globex-external-7',
      DurationSeconds: 1800,
      Tags: [{ Key: 'tenant', Value: 'globex' }],
    });
  });

  it('sanitizes a subject that STS would refuse as SourceIdentity, keeping it unique', async () => {
    await call({ method: 'POST', url: '/v1/credentials', token: acmeAs('alice smith/ä') });

    const input = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    expect(input?.SourceIdentity).toMatch(/^alice-smith--?-[0-9a-f]{10}$/);
    expect(input?.RoleSessionName).toMatch(/^acme\.alice-smith[\w+=,.@-]*\.[A-Za-z0-9]{1,8}$/);
  });

  it('writes one audit event with the access key id and never the secret', async () => {
    const response = await call({ method: 'POST', url: '/v1/credentials' });

    const events = auditEventsOf(response.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: 'success',
      route: 'POST /v1/credentials',
      tenantId: 'acme',
      subject: 'user-0001',
      accessKeyId: 'ASIAEXAMPLE000000001',
      durationSeconds: 900,
      region: 'eu-west-1',
      scope: [
        'credvend-data/tenants/acme/:read,list',
        'credvend-data/tenants/acme/uploads/:read,write,delete,list',
      ],
    });
    expect(JSON.stringify(events[0])).not.toContain(String(response.body.secretAccessKey));
  });
});

describe('the SDK formats', () => {
  it('GET /v1/credentials/container answers in the container-credentials shape', async () => {
    const response = await call({
      method: 'GET',
      url: '/v1/credentials/container?bucket=credvend-data&prefix=tenants/acme/uploads/&access=read&durationSeconds=1000',
    });

    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.body).toEqual({
      Code: 'Success',
      Type: 'AWS-HMAC',
      LastUpdated: expect.stringMatching(/Z$/),
      AccessKeyId: 'ASIAEXAMPLE000000001',
      SecretAccessKey: expect.any(String),
      Token: expect.any(String),
      Expiration: expect.stringMatching(/Z$/),
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { DurationSeconds: 1000 });
  });

  it('GET /v1/credentials/process answers in the credential_process shape', async () => {
    const response = await call({ method: 'GET', url: '/v1/credentials/process' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      Version: 1,
      AccessKeyId: 'ASIAEXAMPLE000000001',
      SecretAccessKey: expect.any(String),
      SessionToken: expect.any(String),
      Expiration: expect.stringMatching(/Z$/),
    });
  });

  it('a container-format refusal carries the top-level Code and Message the SDKs print', async () => {
    const response = await call({ method: 'GET', url: '/v1/credentials/container', token: null });

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ Code: 'UNAUTHENTICATED', error: { code: 'UNAUTHENTICATED' } });
  });
});

describe('POST /v1/credentials/dry-run and GET /v1/tenant', () => {
  it('returns the plan that a vend would send, without calling STS', async () => {
    const response = await call({ method: 'POST', url: '/v1/credentials/dry-run' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      tenantId: 'acme',
      roleArn: ROLE_ARN,
      region: 'eu-west-1',
      durationSeconds: 900,
      sourceIdentity: 'user-0001',
    });
    expect(JSON.stringify(response.body)).toContain('tenants/acme/uploads/*');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });

  it("describes what the caller's tenant may ask for, without calling STS", async () => {
    const response = await call({ method: 'GET', url: '/v1/tenant' });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      tenantId: 'acme',
      maxDurationSeconds: 3600,
      sessionMode: 'role-chaining',
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });
});

describeRefusalsBeforeSts('role-chaining');

describe('upstream failures', () => {
  const vend = { method: 'POST', url: '/v1/credentials' } as const;
  const stsError = (name: string, status: number, message: string) =>
    new STSServiceException({
      name,
      $fault: status < 500 ? 'client' : 'server',
      $metadata: { httpStatusCode: status },
      message,
    });

  it('STS throttling becomes 429 THROTTLED with Retry-After', async () => {
    sts.on(AssumeRoleCommand).rejects(stsError('Throttling', 400, 'Rate exceeded'));

    const response = await call(vend);

    expect(response.status).toBe(429);
    expect(response.body).toMatchObject({ error: { code: 'THROTTLED' } });
    expect(response.headers['Retry-After']).toBe('2');
  });

  it('STS access denied becomes 502 ISSUER_REJECTED without the STS message', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        stsError('AccessDenied', 403, `User: arn:aws:sts::123456789012:assumed-role/vend is not authorized`),
      );

    const response = await call(vend);

    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ error: { code: 'ISSUER_REJECTED' } });
    expect(JSON.stringify(response.body)).not.toContain('123456789012');
  });

  it('an STS outage becomes 503 UPSTREAM_UNAVAILABLE with Retry-After', async () => {
    sts.on(AssumeRoleCommand).rejects(stsError('ServiceUnavailable', 503, 'Service Unavailable'));

    const response = await call(vend);

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(response.headers['Retry-After']).toBeDefined();
  });

  it('an unexpected failure becomes a generic 500 that hides the cause', async () => {
    sts.on(AssumeRoleCommand).rejects(new TypeError('secret internals at /var/task/index.js:1:2'));

    const response = await call(vend);

    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      error: {
        code: 'INTERNAL_ERROR',
        message: 'An internal error occurred; retry later.',
        requestId: response.requestId,
      },
    });
  });

  it('a throttled tenant table becomes 503 UPSTREAM_UNAVAILABLE and no STS call', async () => {
    dynamoDb
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    const response = await call(vend);

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });
});

describe('GET /health', () => {
  it('answers without a token and writes no audit event', async () => {
    const response = await call({ method: 'GET', url: '/health', token: null });

    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(auditEventsOf(response.requestId)).toEqual([]);
  });
});

describe('the web-identity routes in role-chaining mode', () => {
  it.each(['/.well-known/openid-configuration', '/.well-known/jwks.json'])(
    'GET %s answers 404 like any unknown route',
    async (url) => {
      const response = await call({ method: 'GET', url, token: null });

      expect(response).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
      expect(response.headers['Cache-Control']).toBe('no-store');
      const post = await call({ method: 'POST', url, token: null });
      expect(post.status).toBe(404);
    },
  );
});

describe('CORS', () => {
  it('echoes an allowed origin and ignores any other', async () => {
    const allowed = await call({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://app.example.com' },
    });
    const other = await call({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example.com' },
    });

    expect(allowed.headers['Access-Control-Allow-Origin']).toBe('https://app.example.com');
    expect(other.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
