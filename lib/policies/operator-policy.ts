/**
 * What an operator running `credvend-admin` may do, as plain JSON shared by the stack (its operator managed policy)
 * and the sandbox (its IAM user `credvend-operator`): exactly the calls the tool makes, on this deployment's tenant
 * table, tenant access role and stack, nothing else.
 */
import type { PolicyJson } from './tenant-access-policy';

/** What the tool does to the tenant access role: read it, and read and change its inline policies (revocation). */
export const OPERATOR_ROLE_ACTIONS = [
  'iam:DeleteRolePolicy',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListRolePolicies',
  'iam:PutRolePolicy',
] as const;

/** What the tool does to the tenant table: read, list, write conditionally and delete records. */
export const OPERATOR_TABLE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Scan',
] as const;

/** The resources of one deployment an operator works on. */
export interface OperatorPolicyProps {
  readonly tenantRoleArn: string;
  /** The tenant table's ARN; absent in the sandbox, whose DynamoDB checks no permissions. */
  readonly tableArn?: string;
  /** The stack's ARN, for `credvend-admin --stack` (DescribeStacks); absent in the sandbox. */
  readonly stackArn?: string;
}

/** The operator's policy for one deployment (actions sorted, as CDK renders them). */
export function operatorPolicy(props: OperatorPolicyProps): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TenantAccessRolePolicies',
        Effect: 'Allow',
        Action: [...OPERATOR_ROLE_ACTIONS],
        Resource: props.tenantRoleArn,
      },
      ...(props.tableArn === undefined
        ? []
        : [
            {
              Sid: 'TenantRecords',
              Effect: 'Allow',
              Action: [...OPERATOR_TABLE_ACTIONS],
              Resource: props.tableArn,
            },
          ]),
      ...(props.stackArn === undefined
        ? []
        : [
            {
              Sid: 'DeploymentOutputs',
              Effect: 'Allow',
              Action: 'cloudformation:DescribeStacks',
              Resource: props.stackArn,
            },
          ]),
    ],
  };
}
