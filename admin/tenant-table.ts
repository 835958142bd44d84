/**
 * The tenant table as the admin tool uses it: strongly consistent reads, paginated scans, and writes and deletes
 * conditional on the version that was read. Every failure becomes an `AdminError` naming the call.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { AwsCallError, ConflictError } from './errors';
import { type TenantItem, versionOf } from './tenant-item';

/** What a write expects to find: a version (0: a record written without the tool), or `null`: no record yet. */
export type ExpectedVersion = number | null;

/** One page of a scan. */
export interface ScanPage {
  readonly items: TenantItem[];
  /** The key to continue after; absent on the last page. */
  readonly lastKey?: Record<string, unknown>;
}

/** The tenant table behind the document client. */
export class TenantTable {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly region: string,
  ) {}

  /** The item of `tenantId`, read strongly consistent (what a conditional write will be checked against). */
  async get(tenantId: string): Promise<TenantItem | undefined> {
    const output = await this.call('GetItem', () =>
      this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { tenantId }, ConsistentRead: true }),
      ),
    );
    return output.Item;
  }

  /** Up to `limit` items from `startKey` on. */
  async scan(limit: number, startKey?: Record<string, unknown>): Promise<ScanPage> {
    const output = await this.call('Scan', () =>
      this.documents.send(
        new ScanCommand({
          TableName: this.tableName,
          Limit: limit,
          ...(startKey !== undefined && { ExclusiveStartKey: startKey }),
        }),
      ),
    );
    return {
      items: output.Items ?? [],
      ...(output.LastEvaluatedKey !== undefined && { lastKey: output.LastEvaluatedKey }),
    };
  }

  /** Writes `item` if the table still holds `expected`; `ConflictError` (with the version found now) otherwise. */
  async put(item: TenantItem & { tenantId: string }, expected: ExpectedVersion): Promise<void> {
    await this.conditional(item.tenantId, expected, 'PutItem', (condition) =>
      this.documents.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })),
    );
  }

  /** Deletes the record of `tenantId` if it is still at `expected`; `ConflictError` otherwise. */
  async delete(tenantId: string, expected: number): Promise<void> {
    await this.conditional(tenantId, expected, 'DeleteItem', (condition) =>
      this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { tenantId }, ...condition })),
    );
  }

  private async conditional(
    tenantId: string,
    expected: ExpectedVersion,
    operation: string,
    send: (condition: Condition) => Promise<unknown>,
  ): Promise<void> {
    try {
      await send(conditionFor(expected));
    } catch (error) {
      // By name: the exception class may come from another copy of the DynamoDB client than the caller's.
      if ((error as { name?: unknown }).name !== 'ConditionalCheckFailedException') {
        throw this.failure(operation, error);
      }
      const now = await this.get(tenantId);
      throw new ConflictError(tenantId, expected, now === undefined ? null : versionOf(now));
    }
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.failure(operation, error);
    }
  }

  private failure(operation: string, error: unknown): AwsCallError {
    const e = error as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' ? e.name : 'Error';
    const message = typeof e.message === 'string' ? e.message : String(error);
    if (name === 'ResourceNotFoundException') {
      return new AwsCallError(
        `the tenant table ${this.tableName} does not exist in ${this.region}: check the deployment (--stack, or --table and --region)`,
        { cause: error },
      );
    }
    return new AwsCallError(
      `DynamoDB ${operation} on ${this.tableName} in ${this.region} failed (${name}: ${message})`,
      { cause: error },
    );
  }
}

interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

function conditionFor(expected: ExpectedVersion): Condition {
  if (expected === null) return { ConditionExpression: 'attribute_not_exists(tenantId)' };
  if (expected === 0) {
    return {
      ConditionExpression: 'attribute_exists(tenantId) AND attribute_not_exists(#version)',
      ExpressionAttributeNames: { '#version': 'version' },
    };
  }
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': expected },
  };
}
