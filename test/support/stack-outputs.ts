/** DescribeStacks as CloudFormation answers it for one deployed stack, for the tests that mock CloudFormation. */
import type { Output, Stack, StackStatus } from '@aws-sdk/client-cloudformation';

/** `outputs` as a stack lists them. */
const asOutputs = (outputs: Readonly<Record<string, string>>): Output[] =>
  Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));

/** The answer for stack `stackName` with `outputs`, their values as CloudFormation resolved them. */
export function describeStacksAnswer(
  stackName: string,
  outputs: Readonly<Record<string, string>>,
  stackStatus: StackStatus = 'UPDATE_COMPLETE',
): { Stacks: Stack[] } {
  return {
    Stacks: [
      {
        StackName: stackName,
        StackStatus: stackStatus,
        CreationTime: new Date(),
        Outputs: asOutputs(outputs),
      },
    ],
  };
}
