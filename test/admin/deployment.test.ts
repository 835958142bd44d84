/** Finding the deployment: explicit flags, a stack's outputs (CloudFormation mocked), the sandbox's state file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { deploymentFromFlags, deploymentRules } from '../../admin/deployment';
import {
  AwsCallError,
  InvalidDeploymentError,
  InvalidInputError,
  SandboxNotRunningError,
  StackNotFoundError,
} from '../../admin/errors';
import { resolveDeployment } from '../../admin/resolve-deployment';
import { deploymentFromStack } from '../../admin/stack-deployment';
import { writeSandboxState } from '../../sandbox/state-file';
import { failureOf } from '../support/async';
import { sampleSandboxState } from '../support/sandbox-state';
import { describeStacksAnswer } from '../support/stack-outputs';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/credvend-prod-TenantAccessRole-4D5E6F';

const OUTPUTS: Record<string, string> = {
  ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
  TenantTableName: 'credvend-prod-TenantTable-1A2B3C',
  TenantAccessRoleArn: ROLE_ARN,
  DataBucketNames: 'acme-data-eu,acme-data-us',
  TenantPrefixTemplate: 'tenants/{tenant}/',
  AllowedRegions: 'eu-west-1,us-east-1',
  MaxSessionSeconds: '3600',
  TenantRoles: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
  SessionMode: 'role-chaining',
  VendFunctionRoleArn: 'arn:aws:iam::123456789012:role/credvend-prod-VendFunctionRole-7G8H9I',
};

describe('deploymentFromFlags', () => {
  it('takes the flags, with the stack defaults for the prefix template, session cap and regions', () => {
    const deployment = deploymentFromFlags({
      table: 'tenants',
      roleArn: ROLE_ARN,
      dataBuckets: 'data-a, data-b',
      region: 'eu-west-1',
    });

    expect(deployment).toEqual({
      source: 'flags',
      tableName: 'tenants',
      tenantRoleArn: ROLE_ARN,
      dataBuckets: ['data-a', 'data-b'],
      prefixTemplate: 'tenants/{tenant}/',
      regions: ['eu-west-1'],
      maxSessionSeconds: 3600,
      tenantRoles: new Map(),
      aws: { region: 'eu-west-1' },
    });
  });

  it('reads the tenant-owned roles of --tenant-roles', () => {
    const deployment = deploymentFromFlags({
      table: 'tenants',
      roleArn: ROLE_ARN,
      dataBuckets: 'data-a',
      tenantRoles: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
      region: 'eu-west-1',
    });

    expect(deployment.tenantRoles).toEqual(
      new Map([['globex', 'arn:aws:iam::111122223333:role/globex-access']]),
    );
  });

  it('lists every missing and invalid flag at once', () => {
    let error: unknown;
    try {
      deploymentFromFlags({
        roleArn: 'acme-role',
        dataBuckets: 'Bad_Bucket',
        prefixTemplate: 'tenants/',
        regions: 'eu-west-1,mars',
        maxSessionSeconds: '7200x',
        tenantRoles: '{"globex":"arn:aws:iam::111122223333:role/*"}',
      });
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(InvalidDeploymentError);
    expect((error as InvalidDeploymentError).problems).toEqual([
      '--table: required',
      '--role-arn: "acme-role" is not an IAM role ARN',
      '--data-buckets: "Bad_Bucket" is not an S3 bucket name',
      '--prefix-template: "tenants/" must contain {tenant} and end with "/"',
      '--regions: "mars" is not an AWS region',
      '--max-session-seconds: "7200x" must be whole seconds from 900 to 43200',
      '--tenant-roles: globex: "arn:aws:iam::111122223333:role/*" is not an IAM role ARN (no wildcards)',
      '--region (or AWS_REGION, or a region in your AWS profile): required',
    ]);
    expect((error as InvalidDeploymentError).message).toMatch(
      /^the deployment settings from flags are incomplete or invalid:\n {2}--table: required\n/,
    );
    expect((error as InvalidDeploymentError).exitCode).toBe(2);
  });
});

describe('deploymentFromStack', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const client = () => new CloudFormationClient({ region: 'eu-west-1' });
  afterEach(() => cloudFormation.reset());
  afterAll(() => cloudFormation.restore());

  it("reads the deployment from the stack's outputs", async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'credvend-prod' })
      .resolves(describeStacksAnswer('credvend-prod', OUTPUTS));

    const deployment = await deploymentFromStack('credvend-prod', client());

    expect(deployment).toEqual({
      source: 'stack credvend-prod (eu-west-1)',
      tableName: 'credvend-prod-TenantTable-1A2B3C',
      tenantRoleArn: ROLE_ARN,
      vendRoleArn: OUTPUTS.VendFunctionRoleArn,
      dataBuckets: ['acme-data-eu', 'acme-data-us'],
      prefixTemplate: 'tenants/{tenant}/',
      regions: ['eu-west-1', 'us-east-1'],
      maxSessionSeconds: 3600,
      tenantRoles: new Map([['globex', 'arn:aws:iam::111122223333:role/globex-access']]),
      sessionMode: 'role-chaining',
      aws: { region: 'eu-west-1' },
    });
  });

  it("takes a web-identity stack's session cap, so records are checked against the role's MaxSessionDuration", async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'credvend-prod' }).resolves(
      describeStacksAnswer('credvend-prod', {
        ...OUTPUTS,
        SessionMode: 'web-identity',
        MaxSessionSeconds: '43200',
        TenantRoles: '{}',
      }),
    );

    const deployment = await deploymentFromStack('credvend-prod', client());
    const rules = deploymentRules(deployment);

    expect(deployment).toMatchObject({ sessionMode: 'web-identity', maxSessionSeconds: 43_200 });
    expect(rules).toMatchObject({
      maxSessionSeconds: 43_200,
      maxSessionSource: "the tenant access role's MaxSessionDuration, web-identity mode",
    });
  });

  it('names the outputs a stack of an older credvend lacks', async () => {
    const { TenantPrefixTemplate: _, SessionMode: __, ...older } = OUTPUTS;
    cloudFormation.on(DescribeStacksCommand).resolves(describeStacksAnswer('old', older));

    const error = await failureOf(deploymentFromStack('old', client()));

    expect(error).toBeInstanceOf(InvalidDeploymentError);
    expect((error as InvalidDeploymentError).problems).toEqual([
      'the stack has no output TenantPrefixTemplate, SessionMode: deploy it with this version of credvend (cdk deploy), or give the deployment flags instead of --stack',
    ]);
  });

  it('refuses a session mode it does not know, and invalid output values', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(
        describeStacksAnswer('odd', { ...OUTPUTS, SessionMode: 'telepathy', MaxSessionSeconds: 'forever' }),
      );

    const mode = await failureOf(deploymentFromStack('odd', client()));
    cloudFormation.reset();
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(describeStacksAnswer('odd', { ...OUTPUTS, MaxSessionSeconds: 'forever' }));
    const value = await failureOf(deploymentFromStack('odd', client()));

    expect((mode as InvalidDeploymentError).problems).toEqual([
      'SessionMode: "telepathy" is a session mode this credvend-admin does not know (role-chaining, web-identity): update credvend-admin',
    ]);
    expect((value as InvalidDeploymentError).problems).toEqual([
      'MaxSessionSeconds: "forever" must be whole seconds from 900 to 43200',
    ]);
  });

  it('answers StackNotFoundError (exit code 4) for a stack that does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id credvend-nope does not exist'), { name: 'ValidationError' }),
      );

    const error = await failureOf(deploymentFromStack('credvend-nope', client()));

    expect(error).toBeInstanceOf(StackNotFoundError);
    expect((error as StackNotFoundError).message).toBe(
      'there is no stack credvend-nope in eu-west-1: check --stack, and --region (or AWS_REGION)',
    );
    expect((error as StackNotFoundError).exitCode).toBe(4);
  });

  it('names the call when CloudFormation refuses', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));

    const error = await failureOf(deploymentFromStack('credvend-prod', client()));

    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).message).toBe(
      'CloudFormation DescribeStacks for credvend-prod in eu-west-1 failed (AccessDenied: User is not authorized); check your AWS credentials and their permission cloudformation:DescribeStacks',
    );
    expect((error as AwsCallError).exitCode).toBe(1);
  });
});

describe('resolveDeployment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credvend-admin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes exactly one source', async () => {
    const both = await failureOf(resolveDeployment({ stack: 'credvend-prod', table: 'tenants' }));
    const none = await failureOf(resolveDeployment({}));

    expect(both).toBeInstanceOf(InvalidInputError);
    expect((both as Error).message).toBe(
      'name the deployment one way only: --stack NAME, --local, or the flags --table, --role-arn, --data-buckets… (got --stack and --table)',
    );
    expect((none as Error).message).toMatch(/^tell credvend-admin which deployment to manage: --stack NAME/);
  });

  it('uses the SDK default region for the flags when --region is absent', async () => {
    const deployment = await resolveDeployment(
      { table: 'tenants', roleArn: ROLE_ARN, dataBuckets: 'data-a' },
      { defaultRegion: async () => 'us-east-1' },
    );

    expect(deployment.aws.region).toBe('us-east-1');
    expect(deployment.regions).toEqual(['us-east-1']);
  });

  it('builds the CloudFormation client for --stack in --region', async () => {
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(describeStacksAnswer('credvend-prod', OUTPUTS, 'CREATE_COMPLETE'));
    const regions: (string | undefined)[] = [];
    try {
      const deployment = await resolveDeployment(
        { stack: 'credvend-prod', region: 'us-east-1' },
        {
          cloudFormation: (region) => {
            regions.push(region);
            return new CloudFormationClient({ region: region ?? 'eu-west-1' });
          },
        },
      );
      expect(deployment.source).toBe('stack credvend-prod (us-east-1)');
      expect(regions).toEqual(['us-east-1']);
    } finally {
      cloudFormation.restore();
    }
  });

  it('finds the running sandbox through its state file for --local, endpoints and operator included', async () => {
    const file = join(dir, 'sandbox.json');
    writeSandboxState(
      file,
      sampleSandboxState({
        iamUrl: 'http://127.0.0.1:3005',
        operator: { accessKeyId: 'AKIDOPERATOR', secretAccessKey: 'operator-secret' },
      }),
    );

    const deployment = await resolveDeployment({ local: true }, { env: { CREDVEND_STATE_FILE: file } });

    expect(deployment).toEqual({
      source: `the sandbox (${file})`,
      tableName: 'credvend-tenants',
      tenantRoleArn: 'arn:aws:iam::000000000000:role/credvend-tenant-access',
      dataBuckets: ['credvend-local-data'],
      prefixTemplate: 'tenants/{tenant}/',
      regions: ['eu-west-1', 'us-east-1'],
      maxSessionSeconds: 3600,
      tenantRoles: new Map(),
      aws: {
        region: 'eu-west-1',
        dynamoDbEndpoint: 'http://127.0.0.1:3002',
        stsEndpoint: 'http://127.0.0.1:3001',
        iamEndpoint: 'http://127.0.0.1:3005',
        credentials: { accessKeyId: 'AKIDOPERATOR', secretAccessKey: 'operator-secret' },
      },
    });
  });

  it('tells to start the sandbox when --local finds no state file', async () => {
    const file = join(dir, 'missing.json');

    const error = await failureOf(resolveDeployment({ local: true }, { env: { CREDVEND_STATE_FILE: file } }));

    expect(error).toBeInstanceOf(SandboxNotRunningError);
    expect((error as Error).message).toBe(
      `no sandbox is running (${file} does not exist): start the sandbox with npm start first`,
    );
  });
});
