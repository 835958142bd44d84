/** The sandbox's dynalite (in memory, loopback, free port) with an empty tenant table, and a way to write items; for adapter tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamoDb } from '../../sandbox/tenants/local-dynamodb';

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
  /** Closes the writer, every connection still open and the server. */
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (the OS picks a free port) with an empty tenant table. */
export async function startDynalite(tableName = TENANT_TABLE): Promise<LocalDynamoDb> {
  const local = await startLocalDynamoDb({ tableName, tenants: [] });
  const writer = new DynamoDBClient({
    region: DYNALITE_REGION,
    endpoint: local.url,
    credentials: DYNALITE_CREDENTIALS,
    maxAttempts: 1,
  });
  const documents = DynamoDBDocumentClient.from(writer, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint: local.url,
    tableName,
    putItem: async (item) => {
      await documents.send(new PutCommand({ TableName: tableName, Item: item }));
    },
    close: async () => {
      writer.destroy();
      await local.close();
    },
  };
}
