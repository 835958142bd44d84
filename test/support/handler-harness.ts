/**
 * The Lambda handler inside the test process: real JWT verification (keys served by a loopback JWKS endpoint),
 * the real core and HTTP layer, and the AWS SDK clients mocked at `send` with aws-sdk-client-mock.
 * Call `useHandler()` at the top of a test file; it registers the jest hooks.
 */
import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  STSClient,
} from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type LocalRequest, toRestEvent } from '../../sandbox/local-api/rest-event';
import { ACME } from '../lambda/core/fixtures';
import { type JwksServer, startJwksServer } from './jwks-server';
import { answerAsKms, FakeKmsKey } from './kms-keys';
import { capturedOutput, registerSecret } from './leak-scan';
import { OpenApiChecker } from './openapi';
import { TEST_AUDIENCE, TEST_ISSUER, TokenFactory } from './token-factory';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/credvend-tenant-access';
export const GLOBEX_ROLE_ARN = 'arn:aws:iam::123456789012:role/globex-access';

export const TENANTS: Record<string, Record<string, unknown>> = {
  acme: { ...ACME },
  globex: {
    tenantId: 'globex',
    status: 'active',
    grants: [{ bucket: 'credvend-archive', prefix: 'tenants/globex/', access: ['read'] }],
    defaultDurationSeconds: 1800,
    maxDurationSeconds: 1800,
    region: 'us-east-1',
    roleArn: GLOBEX_ROLE_ARN,
    externalId: 'globex-external-7',
  },
  initech: {
    tenantId: 'initech',
    status: 'suspended',
    grants: [{ bucket: 'credvend-data', prefix: 'tenants/initech/', access: ['read'] }],
    defaultDurationSeconds: 900,
    maxDurationSeconds: 900,
    region: 'eu-west-1',
  },
  // Above the one-hour role-chaining cap: refused when read, never sent to STS.
  hooli: {
    tenantId: 'hooli',
    status: 'active',
    grants: [{ bucket: 'credvend-data', prefix: 'tenants/hooli/', access: ['read'] }],
    defaultDurationSeconds: 900,
    maxDurationSeconds: 7200,
    region: 'eu-west-1',
  },
};

export const sts = mockClient(STSClient);
export const dynamoDb = mockClient(DynamoDBDocumentClient);
/** KMS, answered with `webIdentityKeys()` in web-identity mode. */
export const kms = mockClient(KMSClient);
export const tokens = new TokenFactory();
let jwks: JwksServer;
let openApi: OpenApiChecker;
let handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** What a successful AssumeRole returns; the secrets are registered with the leak scan. */
export function stsAnswer(input: AssumeRoleCommandInput) {
  const secretAccessKey = randomBytes(30).toString('base64');
  const sessionToken = `IQoJb3JpZ2luX2Vj${randomBytes(120).toString('base64')}`;
  registerSecret(secretAccessKey);
  registerSecret(sessionToken);
  return {
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLE000000001',
      SecretAccessKey: secretAccessKey,
      SessionToken: sessionToken,
      Expiration: new Date(Date.now() + (input.DurationSeconds ?? 3600) * 1000),
    },
    AssumedRoleUser: {
      AssumedRoleId: `AROAEXAMPLE:${input.RoleSessionName}`,
      Arn: `arn:aws:sts::123456789012:assumed-role/credvend-tenant-access/${input.RoleSessionName}`,
    },
  };
}

/** The issuer of credvend's own tokens in the web-identity harness. */
export const WEB_IDENTITY_ISSUER = 'https://credvend.example.com/prod';

let keys: readonly FakeKmsKey[] | undefined;
/** The signing keys of the web-identity harness: an ECC_NIST_P256 key that signs, then an RSA_2048 key in rotation. */
export function webIdentityKeys(): readonly FakeKmsKey[] {
  keys ??= [new FakeKmsKey('ECC_NIST_P256'), new FakeKmsKey('RSA_2048')];
  return keys;
}

/** The environment of web-identity mode for `useHandler`: credvend's issuer, the keys, a 12-hour cap. */
export function webIdentityEnv(): Record<string, string> {
  const [signing, next] = webIdentityKeys();
  return {
    SESSION_MODE: 'web-identity',
    WEB_IDENTITY_ISSUER,
    SIGNING_KEY_IDS: `${signing?.arn},${next?.keyId}`,
    MAX_SESSION_SECONDS: '43200',
  };
}

/** Registers the hooks that start the JWKS endpoint, load the handler once, and reset the mocks before each test. */
export function useHandler(env: Readonly<Record<string, string>> = {}): void {
  beforeAll(async () => {
    jwks = await startJwksServer(tokens.jwks);
    openApi = await OpenApiChecker.load();
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      TENANT_TABLE_NAME: 'credvend-tenants',
      TENANT_CACHE_TTL_SECONDS: '0',
      TENANT_ROLE_ARN: ROLE_ARN,
      TENANT_ROLES: JSON.stringify({ globex: GLOBEX_ROLE_ARN }),
      DATA_BUCKETS: 'credvend-data,credvend-archive',
      ALLOWED_REGIONS: 'eu-west-1,us-east-1',
      ALLOWED_ORIGINS: 'https://app.example.com',
      JWT_PROVIDER: 'oidc',
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      JWT_JWKS_URI: jwks.jwksUri,
      POWERTOOLS_DEV: 'false',
      // Each test expects its own STS call; test/lambda/credential-cache.test.ts turns the cache on.
      CREDENTIAL_CACHE_MAX_ENTRIES: '0',
      ...env,
    });
    ({ handler } = await import('../../lambda/handler'));
  });

  afterAll(() => jwks.close());

  beforeEach(() => {
    sts.reset();
    dynamoDb.reset();
    sts.on(AssumeRoleCommand).callsFake(stsAnswer);
    sts.on(AssumeRoleWithWebIdentityCommand).callsFake((input: AssumeRoleWithWebIdentityCommandInput) =>
      stsAnswer({
        RoleArn: input.RoleArn,
        RoleSessionName: input.RoleSessionName,
        DurationSeconds: input.DurationSeconds,
      }),
    );
    kms.reset();
    if (process.env.SESSION_MODE === 'web-identity') answerAsKms(kms, webIdentityKeys());
    dynamoDb.on(GetCommand).callsFake((input: { Key: { tenantId: string } }) => ({
      Item: TENANTS[input.Key.tenantId],
    }));
  });
}

/** Sends a request through the handler, as API Gateway would deliver it. */
export async function call(
  request: Omit<LocalRequest, 'headers'> & { token?: string | null; headers?: Record<string, string> },
) {
  const token = request.token === undefined ? tokens.oidcToken() : request.token;
  const headers = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...request.headers };
  const event = toRestEvent({ ...request, headers });
  const result = await handler(event);
  const response = {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: JSON.parse(result.body) as Record<string, unknown>,
    requestId: event.requestContext.requestId,
  };
  // Every response the handler tests see must match the OpenAPI document.
  const problems = openApi.problems({ method: event.httpMethod, path: event.path, ...response });
  if (problems.length > 0) {
    throw new Error(
      `${event.httpMethod} ${event.path} → ${response.status} breaks openapi/credvend.yaml: ${problems.join('; ')}`,
    );
  }
  return response;
}

export const acmeAs = (user: string) => tokens.oidcToken({ sub: user });
export const tokenOf = (tenant: string) => tokens.oidcToken({ 'custom:tenant_id': tenant });

/** The audit events written for one request. */
export function auditEventsOf(requestId: string): Record<string, unknown>[] {
  return capturedOutput()
    .filter((line) => line.startsWith('{') && line.includes(requestId))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((event) => event.audit === 'credvend.request');
}

/** The STS client that made the first AssumeRole call. */
export function clientOfFirstAssumeRole(): STSClient {
  const first = sts.commandCalls(AssumeRoleCommand)[0];
  if (first === undefined) throw new Error('AssumeRole was not called');
  return first.thisValue as STSClient;
}

export const regionOfFirstAssumeRole = () => clientOfFirstAssumeRole().config.region();

/** Invokes the handler with a raw event (for fuzzing what API Gateway could deliver). */
export const invoke = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => handler(event);
