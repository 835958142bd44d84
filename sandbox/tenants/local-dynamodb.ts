/** dynalite (an in-memory DynamoDB-compatible server) on loopback, with the tenant table created and seeded. */
/// <reference path="./dynalite.d.ts" />
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { closeServer, httpUrl, LOOPBACK_HOST, listenOnLoopback } from '../net/loopback-server';
import { DEMO_TENANTS, LOCAL_TENANT_TABLE, seedTenants } from './seed';

/** Obviously fake credentials: dynalite accepts any signature. */
const ADMIN_CREDENTIALS = { accessKeyId: 'AKIALOCALDYNALITE000', secretAccessKey: 'local-dynalite-admin' };

/** Options of `startLocalDynamoDb`. */
export interface LocalDynamoDbOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 'credvend-tenants' */
  readonly tableName?: string;
  /** The records to seed. @default DEMO_TENANTS */
  readonly tenants?: readonly Record<string, unknown>[];
}

/** A running dynalite holding the tenant table. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an SDK client (`DYNAMODB_ENDPOINT`). */
  readonly url: string;
  readonly port: number;
  readonly tableName: string;
  close(): Promise<void>;
}

/** Starts dynalite in memory, creates the tenant table (partition key `tenantId`) and seeds it. */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const tableName = options.tableName ?? LOCAL_TENANT_TABLE;
  const host = options.host ?? LOOPBACK_HOST;
  // 0 ms: tables are ACTIVE on the next tick instead of after dynalite's default half second.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenOnLoopback(server, options.port ?? 0, host);
  const url = httpUrl(host, port);
  const admin = new DynamoDBClient({ region: 'us-east-1', endpoint: url, credentials: ADMIN_CREDENTIALS });
  const close = async () => {
    admin.destroy();
    await closeServer(server);
  };
  try {
    await admin.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'tenantId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'tenantId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilActive(admin, tableName);
    await seedTenants(DynamoDBDocumentClient.from(admin), tableName, options.tenants ?? DEMO_TENANTS);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, port, tableName, close };
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the table ${tableName} did not become ACTIVE in dynalite`);
}
