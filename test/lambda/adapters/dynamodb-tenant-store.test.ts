import 'aws-sdk-client-mock-jest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DynamoDBClient,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDynamoDbDocumentClient } from '../../../lambda/adapters/aws-clients';
import {
  DynamoDbTenantStore,
  TENANT_STORE_RETRY_AFTER_SECONDS,
} from '../../../lambda/adapters/dynamodb-tenant-store';
import {
  TenantMisconfiguredError,
  UpstreamUnavailableError,
  VendingError,
} from '../../../lambda/core/errors';
import type { Tenant } from '../../../lambda/core/model';
import { failureOf } from '../../support/async';
import {
  DYNALITE_CREDENTIALS,
  DYNALITE_REGION,
  type LocalDynamoDb,
  startDynalite,
} from '../../support/dynalite';
import { DATA_BUCKET, RULES } from '../core/fixtures';

const MISCONFIGURED_MESSAGE = "This tenant's configuration is invalid; the platform team has to correct it.";
const UNAVAILABLE_MESSAGE = 'The tenant directory is temporarily unavailable; retry shortly.';

/** A valid stored record for `tenantId`, with attribute overrides (`undefined` removes one). */
function record(tenantId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenantId,
    status: 'active',
    grants: [
      { bucket: DATA_BUCKET, prefix: `tenants/${tenantId}/`, access: ['read', 'list'] },
      {
        bucket: DATA_BUCKET,
        prefix: `tenants/${tenantId}/uploads/`,
        access: ['read', 'write', 'delete', 'list'],
      },
    ],
    defaultDurationSeconds: 900,
    maxDurationSeconds: 3600,
    region: 'eu-west-1',
    regions: ['eu-west-1', 'us-east-1'],
    updatedAt: '2026-11-01T00:00:00Z',
    ...overrides,
  };
}

const INVALID_RECORDS: readonly [string, string, Record<string, unknown>, RegExp][] = [
  ['an unknown status', 'bad-status', { status: 'deleted' }, /status/],
  [
    'a grant outside the tenant prefix',
    'bad-prefix',
    { grants: [{ bucket: DATA_BUCKET, prefix: 'tenants/globex/', access: ['read'] }] },
    /grant prefix tenants\/globex\/ is outside the tenant root tenants\/bad-prefix\//,
  ],
  [
    'a grant in a bucket that is not a data bucket',
    'bad-bucket',
    { grants: [{ bucket: 'someone-elses-bucket', prefix: 'tenants/bad-bucket/', access: ['read'] }] },
    /grant bucket someone-elses-bucket is not a data bucket/,
  ],
  [
    'a maximum duration above one hour',
    'bad-max',
    { maxDurationSeconds: 7200 },
    /maxDurationSeconds 7200 exceeds the issuer's cap of 3600 s/,
  ],
  [
    'a default duration above the maximum',
    'bad-default',
    { defaultDurationSeconds: 3600, maxDurationSeconds: 1800 },
    /defaultDurationSeconds must not exceed maxDurationSeconds/,
  ],
  [
    'a duration stored as a string',
    'bad-type-duration',
    { maxDurationSeconds: '3600' },
    /maxDurationSeconds/,
  ],
  [
    'grants stored as a map',
    'bad-type-grants',
    { grants: { 0: { bucket: DATA_BUCKET, prefix: 'tenants/bad-type-grants/', access: ['read'] } } },
    /grants/,
  ],
  [
    'an access level stored as a string',
    'bad-type-access',
    { grants: [{ bucket: DATA_BUCKET, prefix: 'tenants/bad-type-access/', access: 'read' }] },
    /grants\.0\.access/,
  ],
  ['no status', 'bad-missing-status', { status: undefined }, /status/],
  [
    "another tenant's role",
    'bad-role',
    { roleArn: 'arn:aws:iam::210987654321:role/globex-data', externalId: 'bad-role-external-1' },
    /roleArn: arn:aws:iam::210987654321:role\/globex-data is not the role this deployment maps to tenant bad-role \(it maps none\)/,
  ],
  [
    'a role without an external id',
    'bad-no-external-id',
    { roleArn: 'arn:aws:iam::210987654321:role/globex-data' },
    /externalId: required with roleArn/,
  ],
  [
    'a wildcard prefix',
    'bad-wildcard',
    { grants: [{ bucket: DATA_BUCKET, prefix: 'tenants/bad-wildcard/*', access: ['read'] }] },
    /grants\.0\.prefix/,
  ],
];

describe('DynamoDbTenantStore', () => {
  describe('against dynalite', () => {
    let db: LocalDynamoDb;
    let client: DynamoDBDocumentClient;
    let store: DynamoDbTenantStore;

    beforeAll(async () => {
      db = await startDynalite();
      client = createDynamoDbDocumentClient({
        region: DYNALITE_REGION,
        endpoint: db.endpoint,
        credentials: DYNALITE_CREDENTIALS,
        maxAttempts: 1,
      });
      store = new DynamoDbTenantStore({ client, tableName: db.tableName, rules: RULES });
      await db.putItem(record('acme'));
      await db.putItem(
        record('globex', {
          regions: undefined,
          region: 'us-east-1',
          status: 'suspended',
          grants: [{ bucket: 'credvend-archive', prefix: 'tenants/globex/', access: ['read', 'read'] }],
          roleArn: 'arn:aws:iam::210987654321:role/globex-data',
          externalId: 'globex-external-7',
        }),
      );
      for (const [, tenantId, overrides] of INVALID_RECORDS) await db.putItem(record(tenantId, overrides));
    });
    afterAll(async () => {
      client.destroy();
      await db.close();
    });

    it('reads a valid record as a Tenant', async () => {
      await expect(store.getTenant('acme')).resolves.toEqual<Tenant>({
        tenantId: 'acme',
        status: 'active',
        grants: [
          { bucket: DATA_BUCKET, prefix: 'tenants/acme/', access: ['read', 'list'] },
          {
            bucket: DATA_BUCKET,
            prefix: 'tenants/acme/uploads/',
            access: ['read', 'write', 'delete', 'list'],
          },
        ],
        defaultDurationSeconds: 900,
        maxDurationSeconds: 3600,
        region: 'eu-west-1',
        regions: ['eu-west-1', 'us-east-1'],
        revocations: [],
      });
    });

    it('reads a suspended tenant with its own role, and defaults its regions to the home region', async () => {
      await expect(store.getTenant('globex')).resolves.toEqual<Tenant>({
        tenantId: 'globex',
        status: 'suspended',
        grants: [{ bucket: 'credvend-archive', prefix: 'tenants/globex/', access: ['read'] }],
        defaultDurationSeconds: 900,
        maxDurationSeconds: 3600,
        region: 'us-east-1',
        regions: ['us-east-1'],
        roleArn: 'arn:aws:iam::210987654321:role/globex-data',
        externalId: 'globex-external-7',
        revocations: [],
      });
    });

    it('answers undefined for a tenant the table does not hold', async () => {
      await expect(store.getTenant('initech')).resolves.toBeUndefined();
    });

    it.each(INVALID_RECORDS)('refuses a record with %s as misconfigured', async (_, tenantId, __, detail) => {
      const error = await failureOf(store.getTenant(tenantId));

      expect(error).toBeInstanceOf(TenantMisconfiguredError);
      expect(error).toMatchObject({
        code: 'TENANT_MISCONFIGURED',
        status: 500,
        message: MISCONFIGURED_MESSAGE,
      });
      expect((error as TenantMisconfiguredError).detail).toMatch(new RegExp(`^tenant ${tenantId}: `));
      expect((error as TenantMisconfiguredError).detail).toMatch(detail);
    });

    it.each(['', 'ACME', 'acme/../globex', 'acme*', '${aws:username}', '-acme', 'a'.repeat(49)])(
      'answers undefined for the impossible tenant id %j without reading the table',
      async (tenantId) => {
        const send = jest.spyOn(client, 'send');
        try {
          await expect(store.getTenant(tenantId)).resolves.toBeUndefined();
          expect(send).not.toHaveBeenCalled();
        } finally {
          send.mockRestore();
        }
      },
    );

    it('fails with a plain Error (generic 500) when the table does not exist', async () => {
      const missing = new DynamoDbTenantStore({ client, tableName: 'no-such-table', rules: RULES });
      const error = await failureOf(missing.getTenant('acme'));

      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toBe('the tenant table no-such-table does not exist');
      expect((error as Error).cause).toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('against an endpoint that does not answer', () => {
    let server: Server;
    let endpoint: string;

    beforeAll(async () => {
      server = createServer(() => {}); // Accepts requests and never answers.
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    });

    it('reports the table unavailable once the deadline passes', async () => {
      const client = createDynamoDbDocumentClient({
        region: DYNALITE_REGION,
        endpoint,
        credentials: DYNALITE_CREDENTIALS,
        requestTimeoutMs: 30_000,
      });
      try {
        const store = new DynamoDbTenantStore({
          client,
          tableName: 'credvend-tenants',
          rules: RULES,
          deadlineMs: 150,
        });
        const started = Date.now();
        const error = await failureOf(store.getTenant('acme'));

        expect(Date.now() - started).toBeLessThan(3000);
        expect(error).toBeInstanceOf(UpstreamUnavailableError);
        expect(error).toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          status: 503,
          message: UNAVAILABLE_MESSAGE,
          retryAfterSeconds: TENANT_STORE_RETRY_AFTER_SECONDS,
          detail: 'GetItem credvend-tenants for tenant acme did not complete within 150 ms',
        });
      } finally {
        client.destroy();
      }
    });
  });

  describe('with DynamoDB mocked', () => {
    const lowLevel = new DynamoDBClient({ region: DYNALITE_REGION, credentials: DYNALITE_CREDENTIALS });
    const client = DynamoDBDocumentClient.from(lowLevel);
    // Mocks this one client instance only, so the dynalite tests above use the real `send`.
    const ddb = mockClient(client);
    const storeWith = (deadlineMs?: number) =>
      new DynamoDbTenantStore({
        client,
        tableName: 'credvend-tenants',
        rules: RULES,
        ...(deadlineMs === undefined ? {} : { deadlineMs }),
      });

    beforeEach(() => {
      ddb.reset();
    });
    afterAll(() => {
      ddb.restore();
      lowLevel.destroy();
    });

    it('reads with one eventually consistent GetItem on the tenant id', async () => {
      ddb.on(GetCommand).resolves({ Item: record('acme') });

      await expect(storeWith().getTenant('acme')).resolves.toMatchObject({ tenantId: 'acme' });
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
      expect(ddb).toHaveReceivedCommandWith(GetCommand, {
        TableName: 'credvend-tenants',
        Key: { tenantId: 'acme' },
        ConsistentRead: false,
      });
    });

    it('does not call DynamoDB for an impossible tenant id', async () => {
      await expect(storeWith().getTenant('Not A Tenant')).resolves.toBeUndefined();
      expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
    });

    it.each([
      [
        'ProvisionedThroughputExceededException',
        new ProvisionedThroughputExceededException({
          message: 'Throughput exceeds the limit',
          $metadata: {},
        }),
      ],
      [
        'ThrottlingException',
        new ThrottlingException({ message: 'Rate of requests exceeds the limit', $metadata: {} }),
      ],
      [
        'RequestLimitExceeded',
        new RequestLimitExceeded({ message: 'Throughput exceeds the account limit', $metadata: {} }),
      ],
      ['InternalServerError', new InternalServerError({ message: 'Internal server error', $metadata: {} })],
      [
        'an unmodeled 503',
        new DynamoDBServiceException({
          name: 'ServiceUnavailable',
          $fault: 'server',
          message: 'unavailable',
          $metadata: { httpStatusCode: 503 },
        }),
      ],
      // Node's socket errors, as the SDK passes them on outside jest (inside jest's VM realm the SDK re-wraps
      // them and their `code` is lost, so a live "nothing listens" case cannot be asserted here).
      [
        'a refused connection',
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }),
      ],
      ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
      ['a request timeout', Object.assign(new Error('requestTimeout exceeded'), { name: 'TimeoutError' })],
    ])('maps %s to UpstreamUnavailableError (503) with a Retry-After', async (_, cause) => {
      ddb.on(GetCommand).rejects(cause);
      const error = await failureOf(storeWith().getTenant('acme'));

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        message: UNAVAILABLE_MESSAGE,
        retryAfterSeconds: TENANT_STORE_RETRY_AFTER_SECONDS,
        detail: expect.stringContaining('GetItem credvend-tenants for tenant acme'),
      });
      expect((error as Error).cause).toBe(cause);
    });

    it('gives up at the deadline on a read that never answers', async () => {
      ddb.on(GetCommand).callsFake(() => new Promise(() => {}));
      const started = Date.now();
      const error = await failureOf(storeWith(50).getTenant('acme'));

      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        message: UNAVAILABLE_MESSAGE,
        detail: 'GetItem credvend-tenants for tenant acme did not complete within 50 ms',
      });
    });

    it.each([
      [
        'access denied',
        new DynamoDBServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'not authorized to perform: dynamodb:GetItem',
          $metadata: { httpStatusCode: 400 },
        }),
        'AccessDeniedException',
      ],
      ['a bug', new TypeError('x is not a function'), 'TypeError'],
    ])('maps %s to a plain Error (generic 500)', async (_, cause, name) => {
      ddb.on(GetCommand).rejects(cause);
      const error = await failureOf(storeWith().getTenant('acme'));

      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toBe(
        `reading tenant acme from credvend-tenants failed unexpectedly (${name})`,
      );
    });

    it.each([0, -5, Number.NaN, 2 ** 31])('refuses a deadline of %s ms', (deadlineMs) => {
      expect(() => storeWith(deadlineMs)).toThrow(RangeError);
    });
  });
});
