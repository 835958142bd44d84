/** The tenant table: its pinned logical ID and the settings a stateful store needs. */
import { TENANT_TABLE_LOGICAL_ID } from '../../lib/constructs/tenant-table';
import { synth } from './synth';

describe('TenantTable', () => {
  const { stack, template, logicalIdOf } = synth();

  it('keeps the logical ID "TenantTable", so that no refactoring can replace the table', () => {
    expect(TENANT_TABLE_LOGICAL_ID).toBe('TenantTable');
    expect(logicalIdOf(stack.tenantTable.table)).toBe('TenantTable');
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual(['TenantTable']);
  });

  it('is keyed by the tenantId string and billed on demand', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'tenantId', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'tenantId', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('has point-in-time recovery, KMS encryption and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      // SSEEnabled without a key ARN is the AWS-managed key (aws/dynamodb).
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained when the stack is deleted or the table replaced', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
