/**
 * Least privilege around credvend-admin: the stack's operator managed policy is exactly `operatorPolicy` on this
 * deployment's role, table and stack (the same source the sandbox's operator gets), and the vend function's own role
 * may change nothing in IAM.
 */

import {
  OPERATOR_ROLE_ACTIONS,
  OPERATOR_TABLE_ACTIONS,
  operatorPolicy,
} from '../../lib/policies/operator-policy';
import { REVOCATION_POLICY_NAME } from '../../lib/policies/revocation-policy';
import { type CfnResourceJson, onlyResource, render, synth } from './synth';

describe('the operator policy', () => {
  const { stack, template, resourceOf, logicalIdOf } = synth();

  it('allows exactly the calls credvend-admin makes, on this deployment only', () => {
    const { resource } = onlyResource(template, 'AWS::IAM::ManagedPolicy');

    expect(render(resource.Properties.PolicyDocument)).toEqual(
      operatorPolicy({
        tenantRoleArn: `<${logicalIdOf(stack.tenantAccessRole.role)}.Arn>`,
        tableArn: `<${logicalIdOf(stack.tenantTable.table)}.Arn>`,
        stackArn: '<AWS::StackId>',
      }),
    );
    expect(
      OPERATOR_ROLE_ACTIONS.every((action) => action.startsWith('iam:') && action.includes('Role')),
    ).toBe(true);
    expect(OPERATOR_TABLE_ACTIONS).not.toContain('dynamodb:*');
  });

  it('is an output an operator role can attach', () => {
    expect(render(template.findOutputs('OperatorPolicyArn').OperatorPolicyArn?.Value)).toBe(
      `<${logicalIdOf(stack.operatorPolicy)}>`,
    );
  });

  it("leaves credvend's revocation policy out of the template, so a deploy never declares (nor resets) it", () => {
    const declared = JSON.stringify(template.toJSON());

    expect(declared).not.toContain(REVOCATION_POLICY_NAME);
  });

  it('is attached to nothing by the stack, least of all the vend function', () => {
    expect(resourceOf(stack.operatorPolicy).Properties).not.toHaveProperty('Roles');
    const functionPolicies = Object.values(template.findResources('AWS::IAM::Policy')) as CfnResourceJson[];
    const actions = functionPolicies.flatMap((policy) =>
      (
        (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement ?? []
      ).flatMap((statement) => statement.Action),
    );

    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.startsWith('iam:'))).toEqual([]);
  });
});
