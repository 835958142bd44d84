/** The `TenantStore` on DynamoDB: one GetItem per lookup, every record validated against the deployment's rules. */
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { UpstreamUnavailableError } from '../core/errors';
import type { Tenant } from '../core/model';
import type { TenantStore } from '../core/ports';
import { parseTenantRecord, TENANT_ID_PATTERN, type TenantRecordRules } from '../core/tenant-record';
import {
  asSdkError,
  checkDeadlineMs,
  DeadlineExceededError,
  isTransientFailure,
  sendWithDeadline,
} from './aws-clients';

/** Options of `DynamoDbTenantStore`. */
export interface DynamoDbTenantStoreOptions {
  /** A document client built once per container (see `createDynamoDbDocumentClient`). */
  readonly client: DynamoDBDocumentClient;
  /** The tenant table; its partition key is `tenantId` (a string). */
  readonly tableName: string;
  /** What every record must satisfy for this deployment (issuer cap, data buckets, tenant prefix). */
  readonly rules: TenantRecordRules;
  /** Overall deadline of one lookup, retries included. @default 2000 */
  readonly deadlineMs?: number;
}

const DEFAULT_DEADLINE_MS = 2000;
/** Seconds a client should wait when the tenant table is unavailable. */
export const TENANT_STORE_RETRY_AFTER_SECONDS = 1;
const UNAVAILABLE_MESSAGE = 'The tenant directory is temporarily unavailable; retry shortly.';

/** Reads tenant records from the tenant table with eventually consistent GetItem. */
export class DynamoDbTenantStore implements TenantStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly rules: TenantRecordRules;
  private readonly deadlineMs: number;

  constructor(options: DynamoDbTenantStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.rules = options.rules;
    this.deadlineMs = checkDeadlineMs(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  }

  /**
   * The validated tenant, or `undefined` when the table has no record for it.
   * @throws `TenantMisconfiguredError` for an invalid record, `UpstreamUnavailableError` when DynamoDB is
   *   throttling, failing or slow, a plain `Error` (generic 500) for anything else (e.g. a missing table).
   */
  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    // No valid record can have such an id, so there is nothing to read (and no key DynamoDB would reject).
    if (!TENANT_ID_PATTERN.test(tenantId)) return undefined;
    let output: GetCommandOutput;
    try {
      output = await sendWithDeadline(this.deadlineMs, (abortSignal) =>
        this.client.send(
          // Eventually consistent reads cost half and tolerate the seconds a tenant change takes to spread.
          new GetCommand({ TableName: this.tableName, Key: { tenantId }, ConsistentRead: false }),
          { abortSignal },
        ),
      );
    } catch (error) {
      throw this.mapError(error, tenantId);
    }
    if (output.Item === undefined) return undefined;
    return parseTenantRecord(output.Item, tenantId, this.rules);
  }

  private mapError(error: unknown, tenantId: string): Error {
    const e = asSdkError(error);
    const name = typeof e.name === 'string' ? e.name : 'UnknownError';
    const message = typeof e.message === 'string' ? e.message : '';
    const detail = `GetItem ${this.tableName} for tenant ${tenantId}: ${name}: ${message}`;
    if (error instanceof ResourceNotFoundException) {
      // A missing table is a deployment fault, not an outage: retrying will not help.
      return new Error(`the tenant table ${this.tableName} does not exist`, { cause: error });
    }
    if (error instanceof DeadlineExceededError) {
      return new UpstreamUnavailableError(UNAVAILABLE_MESSAGE, {
        cause: error,
        detail: `GetItem ${this.tableName} for tenant ${tenantId} did not complete within ${error.deadlineMs} ms`,
        retryAfterSeconds: TENANT_STORE_RETRY_AFTER_SECONDS,
      });
    }
    if (
      error instanceof ProvisionedThroughputExceededException ||
      error instanceof RequestLimitExceeded ||
      error instanceof ThrottlingException ||
      error instanceof InternalServerError ||
      isTransientFailure(error)
    ) {
      return new UpstreamUnavailableError(UNAVAILABLE_MESSAGE, {
        cause: error,
        detail,
        retryAfterSeconds: TENANT_STORE_RETRY_AFTER_SECONDS,
      });
    }
    return new Error(`reading tenant ${tenantId} from ${this.tableName} failed unexpectedly (${name})`, {
      cause: error,
    });
  }
}
