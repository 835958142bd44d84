/**
 * `npm start -- --aws`: the local API with no stand-ins of its own, configured from the environment, calling STS and
 * DynamoDB with the SDK's default credential chain. Here "AWS" is an emulator and dynalite started by the test,
 * reached through STS_ENDPOINT/DYNAMODB_ENDPOINT, and the chain finds its credentials in AWS_ACCESS_KEY_ID/...
 */
import { rmSync } from 'node:fs';
import { tenantAccessRole } from '../../sandbox/account/local-account';
import { renderBanner } from '../../sandbox/banner';
import { mintDevToken } from '../../sandbox/dev-issuer/dev-token';
import { loadOrCreateDevKey } from '../../sandbox/dev-issuer/signing-key';
import { type AwsSandbox, startAwsSandbox } from '../../sandbox/sandbox';
import { type StsEmulator, startStsEmulator } from '../../sandbox/sts-emulator';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../sandbox/tenants/local-dynamodb';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { failureOf } from '../support/async';
import { registerSecret } from '../support/leak-scan';
import { FREE_PORTS, temporaryKeyFile } from './sandbox-harness';

const DEVELOPER = {
  accessKeyId: 'AKIADEVELOPER0000001',
  secretAccessKey: 'developer-secret-access-key-000000000001',
  principalArn: 'arn:aws:iam::000000000000:user/developer',
};
const CHAIN_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
] as const;

const key = temporaryKeyFile();
const savedEnv = Object.fromEntries(CHAIN_VARIABLES.map((name) => [name, process.env[name]]));
let emulator: StsEmulator;
let dynamoDb: LocalDynamoDb;
let sandbox: AwsSandbox;
let env: Record<string, string>;

beforeAll(async () => {
  registerSecret(DEVELOPER.secretAccessKey);
  emulator = await startStsEmulator({
    baseCredentials: [DEVELOPER],
    roles: [
      {
        ...tenantAccessRole([LOCAL_DATA_BUCKET]),
        trust: { ...tenantAccessRole([LOCAL_DATA_BUCKET]).trust, principals: [DEVELOPER.principalArn] },
      },
    ],
  });
  dynamoDb = await startLocalDynamoDb({ tableName: 'credvend-prod-tenants' });
  // What the default credential chain finds first.
  for (const name of CHAIN_VARIABLES) delete process.env[name];
  process.env.AWS_ACCESS_KEY_ID = DEVELOPER.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = DEVELOPER.secretAccessKey;
  env = {
    TENANT_TABLE_NAME: dynamoDb.tableName,
    TENANT_ROLE_ARN: 'arn:aws:iam::000000000000:role/credvend-tenant-access',
    DATA_BUCKETS: LOCAL_DATA_BUCKET,
    AWS_REGION: 'eu-west-1',
    ALLOWED_REGIONS: 'eu-west-1,us-east-1',
    STS_ENDPOINT: emulator.url,
    DYNAMODB_ENDPOINT: dynamoDb.url,
  };
  sandbox = await startAwsSandbox({ ports: FREE_PORTS, devKeyFile: key.file, env });
});

afterAll(async () => {
  await sandbox?.close();
  await Promise.all([emulator?.close(), dynamoDb?.close()]);
  for (const name of CHAIN_VARIABLES) {
    const saved = savedEnv[name];
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
  rmSync(key.dir, { recursive: true, force: true });
});

describe('startAwsSandbox', () => {
  it("vends with the default credential chain's identity, the table and the role from the environment", async () => {
    const token = mintDevToken(loadOrCreateDevKey(key.file), {
      issuer: sandbox.issuerUrl ?? '',
      tenant: 'acme',
      user: 'alice',
    });
    registerSecret(token);

    const response = await fetch(`${sandbox.apiUrl}/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as Record<string, string>;
    registerSecret(body.secretAccessKey ?? '');
    registerSecret(body.sessionToken ?? '');

    expect(response.status).toBe(200);
    expect(emulator.inspect(body.accessKeyId ?? '')).toMatchObject({
      issuerArn: DEVELOPER.principalArn,
      roleArn: env.TENANT_ROLE_ARN,
      tags: [{ Key: 'tenant', Value: 'acme' }],
    });
  });

  it('shows AWS in the banner: the API first, STS and the table, and an AWS CLI call without an endpoint override', () => {
    const banner = renderBanner(sandbox);
    const lines = banner.split('\n');

    expect(lines.find((l) => l.includes('http://127.0.0.1'))).toMatch(/^ {2}API +http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner).toMatch(
      new RegExp(`\n {2}STS +${emulator.url} +\\(AWS; credentials from the default chain\\)\n`),
    );
    expect(banner).toContain('(AWS; table credvend-prod-tenants)');
    expect(banner).toContain('aws --region eu-west-1 "$@"; }');
    expect(banner).toMatch(/acme_aws sts get-caller-identity\n/);
    expect(banner).not.toContain('--endpoint-url');
  });

  it('refuses to start without the table, naming the variable, and leaves nothing listening', async () => {
    const { TENANT_TABLE_NAME: _, ...incomplete } = env;

    const error = await failureOf(
      startAwsSandbox({ ports: FREE_PORTS, devKeyFile: key.file, env: incomplete }),
    );

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('TENANT_TABLE_NAME');
  });
});
