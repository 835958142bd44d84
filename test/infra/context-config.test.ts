/** Context parsing: strings from `-c key=value`, JSON from cdk.json, defaults, and one clear error for bad values. */
import { Duration } from 'aws-cdk-lib';
import { InvalidContextError, propsFromContext } from '../../lib/context-config';

const parse = (context: Record<string, unknown>) => propsFromContext(context);

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    parse(context);
  } catch (error) {
    if (error instanceof InvalidContextError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidContextError');
}

describe('propsFromContext', () => {
  it('defaults to the dev stage, a Cognito pool with ID tokens, and 50 rps / 100 burst', () => {
    expect(parse({})).toEqual({
      stage: 'dev',
      identity: { kind: 'cognito', tokenUse: 'id' },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
  });

  it('reads lists from comma-separated strings, trimming blanks', () => {
    expect(
      parse({
        allowedOrigins: 'https://app.example.com, https://admin.example.com,',
        allowedRegions: 'eu-west-1',
      }),
    ).toMatchObject({
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
      allowedRegions: ['eu-west-1'],
    });
  });

  it('reads lists from JSON arrays', () => {
    expect(parse({ allowedRegions: ['eu-west-1', 'us-east-1'] })).toMatchObject({
      allowedRegions: ['eu-west-1', 'us-east-1'],
    });
  });

  it('takes data buckets by ARN and by name, without duplicates', () => {
    expect(
      parse({
        dataBucketArns: 'arn:aws:s3:::acme-data-eu,arn:aws:s3:::acme-data-us',
        dataBuckets: ['acme-data-eu', 'acme-archive'],
      }).dataBucketNames,
    ).toEqual(['acme-data-eu', 'acme-data-us', 'acme-archive']);
  });

  it('reads numbers and booleans from strings and from JSON alike', () => {
    expect(
      parse({
        throttleRateLimit: '20',
        throttleBurstLimit: 40,
        tenantCacheTtlSeconds: '5',
        reservedConcurrency: 10,
        logRetentionDays: '90',
        apiGatewayCloudWatchRole: 'false',
      }),
    ).toMatchObject({
      throttle: { rateLimit: 20, burstLimit: 40 },
      tenantCacheTtl: Duration.seconds(5),
      reservedConcurrency: 10,
      logRetention: 90,
      apiGatewayCloudWatchRole: false,
    });
  });

  it('switches to an OIDC issuer when jwtIssuer is set', () => {
    expect(
      parse({
        jwtIssuer: 'https://login.example.com/',
        jwtAudience: 'api,cli',
        jwksUri: 'https://login.example.com/k',
      }).identity,
    ).toEqual({
      kind: 'oidc',
      issuer: 'https://login.example.com/',
      audience: ['api', 'cli'],
      jwksUri: 'https://login.example.com/k',
    });
  });

  it('accepts "null" (or JSON null) as the explicit opt-out of the audience check', () => {
    expect(parse({ jwtIssuer: 'https://login.example.com/', jwtAudience: 'null' }).identity).toEqual({
      kind: 'oidc',
      issuer: 'https://login.example.com/',
      audience: null,
    });
    expect(parse({ jwtIssuer: 'https://login.example.com/', jwtAudience: null }).identity).toMatchObject({
      audience: null,
    });
  });

  it('passes the other settings through', () => {
    expect(
      parse({
        stage: 'prod',
        tenantPrefixTemplate: 'data/{tenant}/',
        tenantClaim: 'https://example.com/tenant',
        cognitoTokenUse: 'access',
        tenantRoles: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
        logLevel: 'DEBUG',
        webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/credvend/abc-123',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
      }),
    ).toEqual({
      stage: 'prod',
      identity: { kind: 'cognito', tokenUse: 'access' },
      tenantPrefixTemplate: 'data/{tenant}/',
      tenantClaim: 'https://example.com/tenant',
      throttle: { rateLimit: 50, burstLimit: 100 },
      tenantRoles: { globex: 'arn:aws:iam::111122223333:role/globex-access' },
      logLevel: 'DEBUG',
      webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/credvend/abc-123',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
    });
  });

  it.each([
    [{ stage: 'Prod!' }, 'stage: "Prod!" must match'],
    [{ allowedOrigins: '*' }, 'allowedOrigins: "*" is not an origin'],
    [{ allowedOrigins: 'http://app.example.com' }, 'must be https (http only for localhost)'],
    [{ allowedOrigins: 'https://app.example.com/' }, 'no path or trailing slash'],
    [{ allowedRegions: 'europe' }, 'allowedRegions: "europe" is not a region name'],
    [{ allowedRegions: { eu: 'west' } }, 'allowedRegions: must be a comma-separated string or a JSON array'],
    [{ dataBuckets: 'acme.data' }, 'dataBuckets: "acme.data" is not a bucket name'],
    [{ dataBucketArns: 'arn:aws:s3:::acme-data/*' }, 'is not an S3 bucket ARN'],
    [{ tenantPrefixTemplate: 'tenants/' }, 'must contain {tenant} exactly once'],
    [{ tenantPrefixTemplate: 'tenants/{tenant}' }, 'must end with "/"'],
    [{ tenantPrefixTemplate: 'tenants/t-{tenant}/' }, 'must have {tenant} as a whole path segment'],
    [{ tenantPrefixTemplate: '../{tenant}/' }, 'must be path segments of'],
    [{ tenantClaim: 'tenant id' }, 'tenantClaim: "tenant id" must match'],
    [{ jwtIssuer: 'https://login.example.com/' }, 'jwtAudience: required with jwtIssuer'],
    [
      { jwtIssuer: 'http://login.example.com/', jwtAudience: 'api' },
      'jwtIssuer: "http://login.example.com/" must be an https URL',
    ],
    [{ jwtAudience: 'api' }, 'jwtAudience: only applies with jwtIssuer'],
    [{ jwksUri: 'https://login.example.com/k' }, 'jwksUri: only applies with jwtIssuer'],
    [{ cognitoTokenUse: 'refresh' }, 'cognitoTokenUse: "refresh" must be "id" or "access"'],
    [
      { jwtIssuer: 'https://i.example.com/', jwtAudience: 'a', cognitoTokenUse: 'id' },
      'cognitoTokenUse: only applies without jwtIssuer',
    ],
    [{ throttleRateLimit: 'fast' }, 'throttleRateLimit: "fast" is not a number'],
    [{ throttleBurstLimit: '10.5' }, 'throttleBurstLimit: "10.5" is not an integer'],
    [{ throttleBurstLimit: 6000 }, 'throttleBurstLimit: 6000 must be between 1 and 5000'],
    [
      { tenantRoles: '{"globex":"arn:aws:iam::111122223333:role/*"}' },
      'tenantRoles: globex: "arn:aws:iam::111122223333:role/*" is not an IAM role ARN (no wildcards)',
    ],
    [
      { tenantRoles: { Globex: 'arn:aws:iam::111122223333:role/globex-access' } },
      'tenantRoles: "Globex": is not a tenant id',
    ],
    [{ tenantRoles: 'arn:aws:iam::111122223333:role/globex-access' }, 'tenantRoles: is not JSON'],
    [
      { tenantRoles: ['arn:aws:iam::111122223333:role/globex-access'] },
      'tenantRoles: must be a JSON object {"<tenantId>": "<role ARN>"}',
    ],
    [{ logRetentionDays: 42 }, 'logRetentionDays: 42 is not a CloudWatch Logs retention'],
    [{ logLevel: 'TRACE' }, 'logLevel: "TRACE" must be one of DEBUG, INFO, WARN, ERROR'],
    [{ apiGatewayCloudWatchRole: 'yes' }, 'apiGatewayCloudWatchRole: "yes" must be true or false'],
    [
      { webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/x/y' },
      'is not a regional WAFv2 web ACL ARN',
    ],
    [{ alarmTopicArn: 'alarms' }, 'alarmTopicArn: "alarms" is not an SNS topic ARN'],
    [{ sessionMode: 'federated' }, 'sessionMode: "federated" must be one of role-chaining, web-identity'],
    [
      { maxSessionDuration: 7200 },
      'maxSessionDuration: 7200 is not possible with sessionMode role-chaining, which STS caps at 3600 s; set ' +
        'sessionMode=web-identity for sessions up to 43200 s',
    ],
    [
      { sessionMode: 'role-chaining', maxSessionDuration: '43200' },
      'maxSessionDuration: 43200 is not possible with sessionMode role-chaining',
    ],
    [
      { sessionMode: 'web-identity', maxSessionDuration: 900 },
      'maxSessionDuration: 900 must be between 3600 and 43200',
    ],
    [
      { sessionMode: 'web-identity', maxSessionDuration: 50000 },
      'maxSessionDuration: 50000 must be between 3600 and 43200',
    ],
    [
      { sessionMode: 'web-identity', maxSessionDuration: '12h' },
      'maxSessionDuration: "12h" is not an integer',
    ],
    [{ webIdentityAudience: 'credvend' }, 'webIdentityAudience: only applies with sessionMode=web-identity'],
    [
      { sessionMode: 'web-identity', webIdentityAudience: 'two words' },
      'webIdentityAudience: "two words" must match',
    ],
    [
      {
        sessionMode: 'web-identity',
        tenantRoles: '{"globex":"arn:aws:iam::111122223333:role/globex-access"}',
      },
      'tenantRoles: tenant-owned roles are not supported yet with sessionMode web-identity',
    ],
  ])('refuses %j', (context, expected) => {
    expect(problemsOf(context).join('\n')).toContain(expected);
  });

  it.each([
    ['jwtIssur', 'jwtIssuer'],
    ['allowedorigins', 'allowedOrigins'],
    ['allowedOrigin', 'allowedOrigins'],
    ['sessionmode', 'sessionMode'],
    ['maxSessionDurations', 'maxSessionDuration'],
  ])('refuses the misspelt key %s, naming %s', (typo, meant) => {
    expect(problemsOf({ [typo]: 'x' })).toEqual([`${typo}: unknown context key; did you mean ${meant}?`]);
  });

  it('defaults to role chaining, leaving the session mode to the stack', () => {
    expect(parse({}).sessionMode).toBeUndefined();
    expect(parse({ maxSessionDuration: '3600' }).sessionMode).toBeUndefined();
    expect(parse({ sessionMode: 'role-chaining', maxSessionDuration: 3600 }).sessionMode).toEqual({
      kind: 'role-chaining',
    });
  });

  it('reads web-identity mode, its maximum session (seconds) and its audience', () => {
    expect(parse({ sessionMode: 'web-identity' }).sessionMode).toEqual({ kind: 'web-identity' });
    expect(
      parse({
        sessionMode: 'web-identity',
        maxSessionDuration: '28800',
        webIdentityAudience: 'api://credvend',
      }).sessionMode,
    ).toEqual({
      kind: 'web-identity',
      maxSessionDuration: Duration.seconds(28800),
      audience: 'api://credvend',
    });
    expect(parse({ sessionMode: 'web-identity', maxSessionDuration: 3600 }).sessionMode).toEqual({
      kind: 'web-identity',
      maxSessionDuration: Duration.seconds(3600),
    });
  });

  it('accepts an empty tenantRoles object in web-identity mode', () => {
    expect(parse({ sessionMode: 'web-identity', tenantRoles: '{}' })).toMatchObject({
      sessionMode: { kind: 'web-identity' },
      tenantRoles: {},
    });
  });

  it('names every web-identity problem at once, a malformed tenantRoles included', () => {
    expect(
      problemsOf({
        sessionMode: 'web-identity',
        maxSessionDuration: 50000,
        webIdentityAudience: 'two words',
        tenantRoles: 'arn:aws:iam::111122223333:role/globex-access',
      }),
    ).toEqual([
      expect.stringMatching(/^tenantRoles: is not JSON/),
      'maxSessionDuration: 50000 must be between 3600 and 43200',
      'webIdentityAudience: "two words" must match /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}$/',
      'tenantRoles: tenant-owned roles are not supported yet with sessionMode web-identity: ' +
        "AssumeRoleWithWebIdentity takes no external id, so a tenant's role would have to trust credvend's OIDC " +
        'provider instead; use sessionMode role-chaining for tenant-owned roles, or remove tenantRoles',
    ]);
  });

  it('reads tenantRoles as a JSON object from cdk.json', () => {
    expect(
      parse({ tenantRoles: { globex: 'arn:aws:iam::111122223333:role/globex-access' } }).tenantRoles,
    ).toEqual({ globex: 'arn:aws:iam::111122223333:role/globex-access' });
  });

  it('refuses the retired key extraTenantRoleArns, saying what to write instead', () => {
    expect(problemsOf({ extraTenantRoleArns: 'arn:aws:iam::111122223333:role/globex-access' })).toEqual([
      'extraTenantRoleArns: replaced by tenantRoles, which binds each tenant-owned role to its tenant: write a ' +
        'JSON object {"<tenantId>": "<role ARN>"}, e.g. ' +
        '-c tenantRoles=\'{"globex":"arn:aws:iam::111122223333:role/globex-access"}\'',
    ]);
  });

  it("ignores other tools' keys: feature flags, CDK's own settings, lookups", () => {
    expect(() =>
      parse({
        '@aws-cdk/core:checkSecretUsage': true,
        'aws:cdk:enable-path-metadata': true,
        'acknowledged-issue-numbers': [34892],
        'availability-zones:account=111122223333:region=eu-west-1': ['eu-west-1a'],
      }),
    ).not.toThrow();
  });

  it('names every problem in one InvalidContextError', () => {
    const parseBad = () => parse({ stage: 'x y', allowedOrigins: '*', throttleRateLimit: 0 });
    expect(parseBad).toThrow(InvalidContextError);
    expect(parseBad).toThrow(
      new InvalidContextError([
        'stage: "x y" must match /^[a-z][a-z0-9-]{0,19}$/',
        'allowedOrigins: "*" is not an origin (scheme://host[:port])',
        'throttleRateLimit: 0 must be between 1 and 10000',
      ]),
    );
    expect(parseBad).toThrow(/^credvend context is invalid:\n {2}stage: /);
  });
});
