/** The tenant store: one DynamoDB item per tenant (grants, durations, regions, role), read by the vend function. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type CfnTable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The logical ID of the table, pinned: the table is stateful, and a changed logical ID would make CloudFormation
 * create a new, empty table (the old one is retained, so every tenant would silently disappear).
 */
export const TENANT_TABLE_LOGICAL_ID = 'TenantTable';

/** The tenant table: partition key `tenantId`, on demand, point-in-time recovery, KMS encryption, retained. */
export class TenantTable extends Construct {
  /** The table. */
  public readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'tenantId', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS-managed key (aws/dynamodb): KMS encryption with key use visible in CloudTrail, and no key policy or
      // kms:Decrypt grant to maintain. The records are configuration (grants, durations, role ARNs), not secrets.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(TENANT_TABLE_LOGICAL_ID);
  }

  /** The table's name. */
  public get tableName(): string {
    return this.table.tableName;
  }

  /** Lets `grantee` read one tenant record by key: `dynamodb:GetItem` on this table, nothing else. */
  public grantGetItem(grantee: IGrantable): Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem');
  }
}
