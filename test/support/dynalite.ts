/** An in-memory DynamoDB (dynalite) on a free loopback port, with the tenant table created; for adapter tests. */
/// <reference path="./dynalite.d.ts" />
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';

/** Static, obviously fake credentials: dynalite accepts any signature. */
export const DYNALITE_CREDENTIALS = { accessKeyId: 'AKIDLOCALDYNALITE', secretAccessKey: 'local-dynalite' };
/** The region the local clients claim; dynalite ignores it. */
export const DYNALITE_REGION = 'eu-west-1';
/** The tenant table's name unless told otherwise. */
export const TENANT_TABLE = 'credvend-tenants';

/** A running dynalite with the tenant table (partition key `tenantId`, a string). */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:PORT`, for the `endpoint` of an SDK client. */
  readonly endpoint: string;
  readonly tableName: string;
  /**
   * Writes one item as given (plain JavaScript values, marshalled by the document client). Not while
   * `DynamoDBDocumentClient` is mocked with aws-sdk-client-mock: the write would go to the mock.
   */
  putItem(item: Record<string, unknown>): Promise<void>;
  /** Closes the admin client, every connection still open and the server. */
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (port 0: the OS picks a free one) and creates the tenant table. */
export async function startDynalite(tableName = TENANT_TABLE): Promise<LocalDynamoDb> {
  // createTableMs 0: the table is ACTIVE on the next tick instead of after half a second.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const admin = new DynamoDBClient({
    region: DYNALITE_REGION,
    endpoint,
    credentials: DYNALITE_CREDENTIALS,
    maxAttempts: 1,
  });
  const documents = DynamoDBDocumentClient.from(admin, { marshallOptions: { removeUndefinedValues: true } });
  const close = async (): Promise<void> => {
    admin.destroy();
    // dynalite's close waits for every connection to end; keep-alive sockets of clients under test would
    // otherwise hold it open.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
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
  } catch (error) {
    await close();
    throw error;
  }
  return {
    endpoint,
    tableName,
    putItem: async (item) => {
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    close,
  };
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`dynalite table ${tableName} did not become ACTIVE`);
}
