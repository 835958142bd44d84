/**
 * The admin tool's tenant table with aws-sdk-client-mock: the exact requests it sends (strongly consistent reads,
 * writes conditional on the version read) and how each DynamoDB failure becomes an error that names the call and
 * says what to do. The same operations against the real protocol are in tenant-admin.test.ts (dynalite).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError, ConflictError } from '../../admin/errors';
import { TenantTable } from '../../admin/tenant-table';
import { failureOf } from '../support/async';

const TABLE = 'credvend-prod-TenantTable-1A2B3C';
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const mock = mockClient(documents);
const table = new TenantTable(documents, TABLE, 'eu-west-1');

const awsError = (name: string, message: string) =>
  Object.assign(new Error(message), { name, $fault: 'client' });

beforeEach(() => mock.reset());
afterAll(() => mock.restore());

describe('TenantTable requests', () => {
  it('reads strongly consistent, and scans a page from the key it was given', async () => {
    mock.on(GetCommand).resolves({ Item: { tenantId: 'acme', version: 3 } });
    mock.on(ScanCommand).resolves({ Items: [{ tenantId: 'acme' }], LastEvaluatedKey: { tenantId: 'acme' } });

    await expect(table.get('acme')).resolves.toEqual({ tenantId: 'acme', version: 3 });
    await expect(table.scan(2, { tenantId: 'a' })).resolves.toEqual({
      items: [{ tenantId: 'acme' }],
      lastKey: { tenantId: 'acme' },
    });
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { tenantId: 'acme' },
      ConsistentRead: true,
    });
    expect(mock.commandCalls(ScanCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Limit: 2,
      ExclusiveStartKey: { tenantId: 'a' },
    });
  });

  it.each([
    ['a new tenant', null, { ConditionExpression: 'attribute_not_exists(tenantId)' }],
    [
      'a record written without the tool',
      0,
      {
        ConditionExpression: 'attribute_exists(tenantId) AND attribute_not_exists(#version)',
        ExpressionAttributeNames: { '#version': 'version' },
      },
    ],
    [
      'version 4',
      4,
      {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': 4 },
      },
    ],
  ])('writes %s only if the table still holds it', async (_case, expected, condition) => {
    mock.on(PutCommand).resolves({});

    await table.put({ tenantId: 'acme', version: 5 }, expected);

    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { tenantId: 'acme', version: 5 },
      ...condition,
    });
  });
});

describe('TenantTable failures', () => {
  it('answers a lost race with CONFLICT and the version the table holds now', async () => {
    const lost = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
    });
    mock.on(PutCommand).rejects(lost).on(DeleteCommand).rejects(lost);
    mock
      .on(GetCommand)
      .resolvesOnce({ Item: { tenantId: 'acme', version: 7 } })
      .resolvesOnce({});

    const put = await failureOf(table.put({ tenantId: 'acme', version: 5 }, 4));
    const deleted = await failureOf(table.delete('acme', 4));

    expect(put).toBeInstanceOf(ConflictError);
    expect(put).toMatchObject({ code: 'CONFLICT', exitCode: 3, expectedVersion: 4, actualVersion: 7 });
    expect((put as Error).message).toBe(
      'tenant acme changed since you read it (version 4 → 7); run the command again',
    );
    expect(deleted).toMatchObject({ actualVersion: null });
    expect((deleted as Error).message).toBe(
      'tenant acme was deleted since you read it (version 4); run the command again',
    );
  });

  it('names a missing table, with what to check', async () => {
    mock.on(GetCommand).rejects(awsError('ResourceNotFoundException', 'Requested resource not found'));

    const failure = await failureOf(table.get('acme'));

    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ code: 'AWS_ERROR', exitCode: 1 });
    expect((failure as Error).message).toBe(
      `the tenant table ${TABLE} does not exist in eu-west-1: check the deployment (--stack, or --table and --region)`,
    );
  });

  it.each([
    ['GetItem', () => table.get('acme'), GetCommand],
    ['Scan', () => table.scan(50), ScanCommand],
    ['PutItem', () => table.put({ tenantId: 'acme' }, null), PutCommand],
    ['DeleteItem', () => table.delete('acme', 1), DeleteCommand],
  ] as const)('names the call, the table and the reason when %s fails', async (operation, call, command) => {
    mock
      .on(command as typeof GetCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          'User: arn:aws:sts::123456789012:assumed-role/ops/me is not authorized to perform: dynamodb:' +
            `${operation} on resource: ${TABLE}`,
        ),
      );

    const failure = await failureOf(call());

    expect(failure).toBeInstanceOf(AwsCallError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^DynamoDB ${operation} on ${TABLE} in eu-west-1 failed \\(AccessDeniedException: User: `),
    );
    expect((failure as AwsCallError).cause).toBeDefined();
  });
});
