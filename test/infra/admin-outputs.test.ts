/**
 * The stack outputs `credvend-admin --stack` reads: all of them declared, each equal to what the function itself is
 * configured with, so that the admin tool checks records by exactly the function's rules.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { Duration } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { deploymentFromStack, SESSION_MODE_OUTPUT, STACK_OUTPUT_NAMES } from '../../admin/stack-deployment';
import { ROLE_CHAINING_MAX_SESSION_SECONDS } from '../../lambda/adapters/sts-credential-issuer';
import { SESSION_MODE_MAX_SESSION_SECONDS } from '../../lib/credvend-stack';
import { describeStacksAnswer } from '../support/stack-outputs';
import { type CfnResourceJson, onlyResource, render, synth } from './synth';

const CUSTOM = {
  allowedRegions: ['eu-west-1', 'us-east-1'],
  tenantRoles: { globex: 'arn:aws:iam::111122223333:role/globex-access' },
  dataBucketNames: ['acme-data-eu', 'acme-data-us'],
  tenantPrefixTemplate: 'orgs/{tenant}/data/',
};

/** The stack's outputs, intrinsics rendered (`<AWS::Region>` for the region of an env-agnostic stack). */
function outputsOf(template: ReturnType<typeof synth>['template']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template.findOutputs('*')).map(([key, output]) => [key, render(output.Value)]),
  );
}

/** The function's environment variables, intrinsics rendered. */
function functionVariables(template: ReturnType<typeof synth>['template']): Record<string, unknown> {
  const { resource } = onlyResource(template, 'AWS::Lambda::Function');
  const environment = render((resource as CfnResourceJson).Properties.Environment) as {
    Variables: Record<string, unknown>;
  };
  return environment.Variables;
}

/**
 * What credvend-admin reads from a stack with these outputs once deployed: `rendered` with `resolved`'s values for the
 * references CloudFormation resolves to names.
 */
async function deploymentOf(rendered: Record<string, unknown>, resolved: Record<string, string>) {
  const outputs = {
    ...Object.fromEntries(Object.entries(rendered).map(([key, value]) => [key, String(value)])),
    ...resolved,
  };
  const cloudFormation = mockClient(CloudFormationClient);
  cloudFormation.on(DescribeStacksCommand).resolves(describeStacksAnswer('credvend-prod', outputs));
  try {
    return await deploymentFromStack('credvend-prod', new CloudFormationClient({ region: 'eu-west-1' }));
  } finally {
    cloudFormation.restore();
  }
}

describe('the outputs credvend-admin reads', () => {
  const byDefault = synth();
  const custom = synth(CUSTOM);

  it('are all declared by the stack', () => {
    const outputs = outputsOf(byDefault.template);

    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([...Object.values(STACK_OUTPUT_NAMES), SESSION_MODE_OUTPUT]),
    );
  });

  it("default to the stack's own region, the tenants/{tenant}/ layout and role chaining's one hour", () => {
    const outputs = outputsOf(byDefault.template);

    expect(outputs).toMatchObject({
      TenantPrefixTemplate: 'tenants/{tenant}/',
      AllowedRegions: '<AWS::Region>',
      SessionMode: 'role-chaining',
      MaxSessionSeconds: '3600',
      TenantRoles: '{}',
    });
  });

  it("equal the function's own settings: buckets, prefix template, regions", () => {
    const { template } = custom;
    const outputs = outputsOf(template);
    const environment = functionVariables(template);

    expect(outputs).toMatchObject({
      DataBucketNames: 'acme-data-eu,acme-data-us',
      TenantPrefixTemplate: 'orgs/{tenant}/data/',
      AllowedRegions: 'eu-west-1,us-east-1',
      TenantRoles: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
    });
    expect(environment).toMatchObject({
      TENANT_ROLES: outputs.TenantRoles,
      DATA_BUCKETS: outputs.DataBucketNames,
      TENANT_PREFIX_TEMPLATE: outputs.TenantPrefixTemplate,
      ALLOWED_REGIONS: outputs.AllowedRegions,
      TENANT_TABLE_NAME: outputs.TenantTableName,
    });
  });

  it("state the session cap the function's issuer and the tenant access role enforce", () => {
    const { stack, resourceOf } = byDefault;

    expect(SESSION_MODE_MAX_SESSION_SECONDS).toBe(ROLE_CHAINING_MAX_SESSION_SECONDS);
    expect(resourceOf(stack.tenantAccessRole.role).Properties.MaxSessionDuration).toBe(
      SESSION_MODE_MAX_SESSION_SECONDS,
    );
  });

  it("state web-identity mode and the tenant access role's own maximum, as the function enforces it", () => {
    const webIdentity = synth({
      sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.hours(8) },
    });
    const outputs = outputsOf(webIdentity.template);
    const environment = functionVariables(webIdentity.template);

    expect(outputs).toMatchObject({
      SessionMode: 'web-identity',
      MaxSessionSeconds: '28800',
      TenantRoles: '{}',
    });
    expect(environment).toMatchObject({
      SESSION_MODE: outputs.SessionMode,
      MAX_SESSION_SECONDS: outputs.MaxSessionSeconds,
      TENANT_ROLE_ARN: outputs.TenantAccessRoleArn,
    });
    expect(
      webIdentity.resourceOf(webIdentity.stack.tenantAccessRole.role).Properties.MaxSessionDuration,
    ).toBe(28_800);
  });

  it('give credvend-admin a web-identity deployment with its 12-hour cap', async () => {
    const rendered = outputsOf(synth({ sessionMode: { kind: 'web-identity' } }).template);
    const deployment = await deploymentOf(rendered, {
      TenantTableName: 'credvend-prod-TenantTable-1A2B3C',
      TenantAccessRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-tenant-access-eu-west-1',
      VendFunctionRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-VendFunctionRole-7G8H9I',
      DataBucketNames: 'credvend-prod-databucket-1a2b3c',
      AllowedRegions: 'eu-west-1',
    });

    expect(rendered.SessionMode).toBe('web-identity');
    expect(deployment).toMatchObject({
      tenantRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-tenant-access-eu-west-1',
      maxSessionSeconds: 43_200,
      tenantRoles: new Map(),
    });
  });

  it('give credvend-admin the deployment the function runs with', async () => {
    // As CloudFormation answers DescribeStacks once deployed: references resolved to names.
    const deployment = await deploymentOf(outputsOf(custom.template), {
      TenantTableName: 'credvend-prod-TenantTable-1A2B3C',
      TenantAccessRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-TenantAccessRole-4D5E6F',
      VendFunctionRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-VendFunctionRole-7G8H9I',
    });

    expect(deployment).toMatchObject({
      tableName: 'credvend-prod-TenantTable-1A2B3C',
      dataBuckets: CUSTOM.dataBucketNames,
      prefixTemplate: CUSTOM.tenantPrefixTemplate,
      regions: CUSTOM.allowedRegions,
      maxSessionSeconds: 3600,
      tenantRoles: new Map(Object.entries(CUSTOM.tenantRoles)),
      vendRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-VendFunctionRole-7G8H9I',
    });
  });
});
