/** The vend function: runtime, bundling settings, environment contract and its least-privilege role. */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VendFunction, type VendFunctionProps } from '../../lib/constructs/vend-function';
import { type PolicyStatement, render, synth } from './synth';

const asList = (value: unknown) => (Array.isArray(value) ? [...value].sort() : [value]);

describe('VendFunction', () => {
  const synthesized = synth({ tenantRoles: { globex: 'arn:aws:iam::111122223333:role/globex-access' } });
  const { stack, resourceOf } = synthesized;
  const fn = resourceOf(stack.vendFunction.function).Properties as Record<string, unknown>;
  const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
  const policy = resourceOf(stack.vendFunction.role.node.findChild('DefaultPolicy')).Properties as {
    PolicyDocument: { Statement: PolicyStatement[] };
  };
  const statements = policy.PolicyDocument.Statement;
  const arnOf = (value: string) => render(stack.resolve(value));

  it('runs lambda/handler.ts#handler on Node.js 22, arm64', () => {
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it('times out well after the 6 s STS deadline and well before API Gateway gives up at 29 s', () => {
    expect(env.STS_DEADLINE_MS).toBe('6000');
    expect(fn.Timeout).toBe(15);
    expect(fn.MemorySize).toBe(512);
  });

  it('logs to its own log group, kept for a year', () => {
    const logGroupId = synthesized.logicalIdOf(stack.vendFunction.logGroup);
    expect(fn.LoggingConfig).toEqual({ LogGroup: `<${logGroupId}>` });
    expect(resourceOf(stack.vendFunction.logGroup).Properties).toEqual({ RetentionInDays: 365 });
  });

  it('is traced with X-Ray', () => {
    expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('gets the whole configuration lambda/config.ts reads, and nothing else', () => {
    expect(env).toEqual({
      SESSION_MODE: 'role-chaining',
      TENANT_TABLE_NAME: arnOf(stack.tenantTable.tableName),
      TENANT_CACHE_TTL_SECONDS: '30',
      TENANT_ROLE_ARN: arnOf(stack.tenantAccessRole.roleArn),
      TENANT_ROLES: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
      DATA_BUCKETS: arnOf(stack.dataBuckets.bucketNames.join(',')),
      TENANT_PREFIX_TEMPLATE: 'tenants/{tenant}/',
      ALLOWED_REGIONS: '<AWS::Region>',
      TENANT_CLAIM: 'custom:tenant_id',
      ALLOWED_ORIGINS: '',
      STS_DEADLINE_MS: '6000',
      JWT_PROVIDER: 'cognito',
      COGNITO_USER_POOL_ID: '<UserPool>',
      COGNITO_CLIENT_IDS: arnOf(stack.identity.appClient?.userPoolClientId ?? ''),
      COGNITO_TOKEN_USE: 'id',
      POWERTOOLS_SERVICE_NAME: 'credvend',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('passes configured regions, origins, claim, cache TTL and log level through', () => {
    const configured = synth({
      allowedRegions: ['eu-west-1', 'eu-central-1'],
      allowedOrigins: ['https://app.example.com'],
      tenantClaim: 'https://example.com/tenant',
      tenantCacheTtl: Duration.seconds(10),
      logLevel: 'WARN',
    });
    const variables = (
      configured.resourceOf(configured.stack.vendFunction.function).Properties as {
        Environment: { Variables: Record<string, unknown> };
      }
    ).Environment.Variables;
    expect(variables).toMatchObject({
      ALLOWED_REGIONS: 'eu-west-1,eu-central-1',
      ALLOWED_ORIGINS: 'https://app.example.com',
      TENANT_CLAIM: 'https://example.com/tenant',
      TENANT_CACHE_TTL_SECONDS: '10',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
  });

  it('reserves concurrency only when asked to', () => {
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    const reserved = synth({ reservedConcurrency: 20 });
    expect(
      reserved.resourceOf(reserved.stack.vendFunction.function).Properties.ReservedConcurrentExecutions,
    ).toBe(20);
  });

  describe('its role', () => {
    it('is assumable by Lambda only and carries no managed policy', () => {
      expect(resourceOf(stack.vendFunction.role).Properties).toEqual({
        AssumeRolePolicyDocument: {
          Statement: [
            { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
          ],
          Version: '2012-10-17',
        },
        Description: expect.any(String),
      });
    });

    it('may read tenant records with GetItem only, on the tenant table only', () => {
      const dynamo = statements.filter((s) =>
        asList(s.Action).some((a) => String(a).startsWith('dynamodb:')),
      );
      expect(dynamo).toEqual([
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arnOf(stack.tenantTable.table.tableArn) },
      ]);
    });

    it('may assume, tag and name sessions of the tenant access role and the configured tenant roles only', () => {
      const sts = statements.filter((s) => asList(s.Action).some((a) => String(a).startsWith('sts:')));
      expect(sts).toEqual([
        {
          Sid: 'AssumeTenantRoles',
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          Resource: expect.any(Array),
        },
      ]);
      expect(asList(sts[0]?.Resource)).toEqual(
        [arnOf(stack.tenantAccessRole.roleArn), 'arn:aws:iam::111122223333:role/globex-access'].sort(),
      );
    });

    it('may assume the tenant access role only when the deployment maps no tenant-owned roles', () => {
      const plain = synth();
      const plainPolicy = plain.resourceOf(plain.stack.vendFunction.role.node.findChild('DefaultPolicy'))
        .Properties as { PolicyDocument: { Statement: PolicyStatement[] } };
      const plainEnv = (
        plain.resourceOf(plain.stack.vendFunction.function).Properties as {
          Environment: { Variables: Record<string, unknown> };
        }
      ).Environment.Variables;
      const assume = plainPolicy.PolicyDocument.Statement.find((s) => s.Sid === 'AssumeTenantRoles');

      expect(render(plain.stack.resolve(assume?.Resource))).toEqual(
        render(plain.stack.resolve(plain.stack.tenantAccessRole.roleArn)),
      );
      expect(plainEnv.TENANT_ROLES).toBe('{}');
    });

    it('outputs its role ARN, the principal a tenant-owned role trusts', () => {
      expect(
        render(synthesized.template.findOutputs('VendFunctionRoleArn').VendFunctionRoleArn?.Value),
      ).toEqual(arnOf(stack.vendFunction.role.roleArn));
    });

    it('may write to its own log group only', () => {
      const logs = statements.filter((s) => asList(s.Action).some((a) => String(a).startsWith('logs:')));
      expect(logs).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: arnOf(stack.vendFunction.logGroup.logGroupArn),
        },
      ]);
    });

    it('uses Resource "*" for the X-Ray write actions only', () => {
      const wildcard = statements.filter((s) => asList(s.Resource).includes('*'));
      expect(wildcard).toEqual([
        { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      ]);
    });

    it('holds no other statement', () => {
      expect(statements).toHaveLength(4);
      expect(statements.every((s) => s.Effect === 'Allow' && s.Condition === undefined)).toBe(true);
    });
  });

  describe('used on its own', () => {
    const props: VendFunctionProps = {
      tenantTableName: 'tenants',
      dataBucketNames: ['data'],
      allowedRegions: ['eu-west-1'],
      identityEnvironment: {
        JWT_PROVIDER: 'oidc',
        JWT_ISSUER: 'https://issuer.example.com',
        JWT_AUDIENCE: 'api',
      },
    };
    const stackWith = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Alone');

    it('refuses a timeout shorter than twice the STS deadline', () => {
      expect(
        () => new VendFunction(stackWith(), 'Vend', { ...props, timeout: Duration.seconds(10) }),
      ).toThrow(new Error('VendFunction timeout (10 s) must be at least twice the STS deadline (6000 ms)'));
    });

    it("refuses a timeout at or above API Gateway's 29 s", () => {
      expect(
        () => new VendFunction(stackWith(), 'Vend', { ...props, timeout: Duration.seconds(29) }),
      ).toThrow(new Error("VendFunction timeout (29 s) must stay below API Gateway's 29 s"));
    });

    it('fails synthesis when no tenant access role was given', () => {
      const alone = stackWith();
      new VendFunction(alone, 'Vend', props);
      expect(() => Template.fromStack(alone)).toThrow(
        /VendFunction has no tenant access role: call useTenantRoles\(\)/,
      );
    });
  });
});
