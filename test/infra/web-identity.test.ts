/**
 * Web-identity mode: the function is its own OIDC issuer (KMS-signed tokens, AssumeRoleWithWebIdentity). The tenant
 * access role trusts only that issuer's tokens for up to 12 hours, the signing key signs for the function's role only,
 * the issuer's discovery routes are public, and the stack deploys in an order CloudFormation and IAM accept.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { OIDC_DISCOVERY_ROUTES } from '../../lib/constructs/vend-api';
import {
  KEY_ADMIN_ACTIONS,
  SIGNER_ACTIONS,
  SIGNING_KEY_LOGICAL_ID,
  type WebIdentity,
} from '../../lib/constructs/web-identity';
import { CredvendStack, type CredvendStackProps } from '../../lib/credvend-stack';
import { webIdentityTrustPolicy } from '../../lib/policies/trust-policies';
import {
  buildStack,
  type CfnResourceJson,
  dependenciesOf,
  onlyResource,
  type PolicyStatement,
  render,
  routesOf,
  type Synthesized,
  synth,
  testApp,
} from './synth';

const WEB_IDENTITY: CredvendStackProps = { sessionMode: { kind: 'web-identity' } };
const asList = (value: unknown): string[] => (Array.isArray(value) ? [...value] : [value]).map(String).sort();

/** Whether IAM action pattern `pattern` (`*` and `?` wildcards) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

function webIdentityOf(synthesized: Synthesized): WebIdentity {
  const { webIdentity } = synthesized.stack;
  if (webIdentity === undefined) throw new Error('no web identity in this stack');
  return webIdentity;
}

function tenantRoleOf(synthesized: Synthesized) {
  return synthesized.resourceOf(synthesized.stack.tenantAccessRole.role).Properties as {
    AssumeRolePolicyDocument: unknown;
    MaxSessionDuration: number;
    RoleName?: string;
    Policies: unknown;
  };
}

/** The trust policy as IAM receives it: CloudFormation joins the JSON text, then IAM parses it. */
function trustOf(synthesized: Synthesized): { Version: string; Statement: PolicyStatement[] } {
  const document = tenantRoleOf(synthesized).AssumeRolePolicyDocument;
  expect(typeof render(document)).toBe('string');
  return JSON.parse(render(document) as string);
}

function environmentOf(synthesized: Synthesized): Record<string, unknown> {
  return (
    synthesized.resourceOf(synthesized.stack.vendFunction.function).Properties as {
      Environment: { Variables: Record<string, unknown> };
    }
  ).Environment.Variables;
}

function vendRoleStatements(synthesized: Synthesized): PolicyStatement[] {
  const policy = synthesized.resourceOf(synthesized.stack.vendFunction.role.node.findChild('DefaultPolicy'))
    .Properties as { PolicyDocument: { Statement: PolicyStatement[] } };
  return policy.PolicyDocument.Statement;
}

function outputsOf(synthesized: Synthesized): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(synthesized.template.findOutputs('*')).map(([key, output]) => [key, render(output.Value)]),
  );
}

describe('web-identity mode', () => {
  const synthesized = synth(WEB_IDENTITY);
  const { stack, template } = synthesized;
  const webIdentity = webIdentityOf(synthesized);
  const rendered = (value: string) => render(stack.resolve(value)) as string;
  const issuer = rendered(webIdentity.issuer);
  const providerId = onlyResource(template, 'AWS::IAM::OIDCProvider').logicalId;
  const apiId = synthesized.logicalIdOf(stack.api.restApi);
  const roleChaining = synth();

  it("names the API stage's URL, without a trailing slash, as the issuer", () => {
    expect(issuer).toBe(`https://<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/dev`);
    const prod = synth({ ...WEB_IDENTITY, stage: 'prod' });
    expect(render(prod.stack.resolve(webIdentityOf(prod).issuer))).toMatch(/\/prod$/);
  });

  describe('the tenant access role', () => {
    it('trusts exactly webIdentityTrustPolicy for the OIDC provider, the issuer and the audience', () => {
      expect(trustOf(synthesized)).toEqual(
        webIdentityTrustPolicy({ providerArn: `<${providerId}>`, issuer, audience: 'credvend' }),
      );
      expect(rendered(webIdentity.provider.oidcProviderArn)).toBe(`<${providerId}>`);
    });

    it("conditions the audience on the issuer's own key and trusts no AWS principal", () => {
      const trust = trustOf(synthesized);
      const vendRoleId = synthesized.logicalIdOf(stack.vendFunction.role);

      expect(trust.Statement[0]?.Condition).toMatchObject({
        StringEquals: { [`${issuer.replace('https://', '')}:aud`]: 'credvend' },
      });
      expect(trust.Statement.map((s) => s.Principal)).toEqual([
        { Federated: `<${providerId}>` },
        { Federated: `<${providerId}>` },
        { Federated: `<${providerId}>` },
      ]);
      expect(JSON.stringify(trust)).not.toContain(vendRoleId);
    });

    it('allows sessions of 12 hours by default', () => {
      expect(tenantRoleOf(synthesized).MaxSessionDuration).toBe(43_200);
    });

    it('allows sessions up to the configured maximum', () => {
      const eightHours = synth({
        sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.hours(8) },
      });
      expect(tenantRoleOf(eightHours).MaxSessionDuration).toBe(28_800);
      expect(environmentOf(eightHours).MAX_SESSION_SECONDS).toBe('28800');
    });

    it('grants exactly what it grants in role-chaining mode', () => {
      expect(tenantRoleOf(synthesized).Policies).toEqual(tenantRoleOf(roleChaining).Policies);
    });

    it("is named after the stack and region, and the function's TENANT_ROLE_ARN is built from that name", () => {
      expect(tenantRoleOf(synthesized).RoleName).toBe('credvend-test-tenant-access-<AWS::Region>');
      expect(environmentOf(synthesized).TENANT_ROLE_ARN).toBe(
        'arn:aws:iam::<AWS::AccountId>:role/credvend-test-tenant-access-<AWS::Region>',
      );
      expect(tenantRoleOf(roleChaining).RoleName).toBeUndefined();
    });

    it('gets a literal name and ARN when the stack has an environment', () => {
      const app = testApp();
      const located = new CredvendStack(app, 'credvend-prod', {
        ...WEB_IDENTITY,
        env: { account: '111122223333', region: 'eu-west-1' },
      });
      const resources = Template.fromStack(located).toJSON().Resources as Record<string, CfnResourceJson>;
      const role =
        resources[located.resolve((located.tenantAccessRole.role.node.defaultChild as CfnRole).logicalId)];

      expect(role?.Properties.RoleName).toBe('credvend-prod-tenant-access-eu-west-1');
      expect(located.resolve(located.tenantAccessRole.roleArn)).toBe(
        'arn:aws:iam::111122223333:role/credvend-prod-tenant-access-eu-west-1',
      );
    });

    it('keeps the trust policy within IAM’s 2,048 characters for long stage, region and API names', () => {
      const longIssuer = 'https://a1b2c3d4e5.execute-api.ap-southeast-5.amazonaws.com/abcdefghijklmnopqrst';
      const policy = webIdentityTrustPolicy({
        providerArn: `arn:aws:iam::123456789012:oidc-provider/${longIssuer.replace('https://', '')}`,
        issuer: longIssuer,
        audience: 'a'.repeat(255),
      });
      expect(JSON.stringify(policy).length).toBeLessThanOrEqual(2048);
    });
  });

  describe('the signing key', () => {
    const key = synthesized.resourceOf(webIdentity.signingKey);
    const vendRoleArn = rendered(stack.vendFunction.role.roleArn);

    it('is an ECC P-256 signing key (ES256), retained, with a 30-day deletion window', () => {
      expect(key.Properties).toMatchObject({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        PendingWindowInDays: 30,
      });
      expect(key.Properties.EnableKeyRotation).toBeUndefined();
      expect({ deletion: key.DeletionPolicy, replace: key.UpdateReplacePolicy }).toEqual({
        deletion: 'Retain',
        replace: 'Retain',
      });
    });

    it('keeps the logical ID "WebIdentitySigningKey", so that no refactoring can replace the key', () => {
      expect(SIGNING_KEY_LOGICAL_ID).toBe('WebIdentitySigningKey');
      expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual(['WebIdentitySigningKey']);
    });

    it('has a key policy that lets the account administer it and only the vend role sign with it', () => {
      expect(key.Properties.KeyPolicy).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AdministerWithoutUsing',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::<AWS::AccountId>:root' },
            Action: [...KEY_ADMIN_ACTIONS].sort(),
            Resource: '*',
          },
          {
            Sid: 'SignTokens',
            Effect: 'Allow',
            Principal: { AWS: vendRoleArn },
            Action: ['kms:GetPublicKey', 'kms:Sign'],
            Resource: '*',
          },
        ],
      });
    });

    it('gives nobody but the vend role a way to sign, verify, read the public key or create grants', () => {
      const statements = (key.Properties.KeyPolicy as { Statement: PolicyStatement[] }).Statement;
      const others = statements.filter(
        (s) => JSON.stringify(s.Principal) !== JSON.stringify({ AWS: vendRoleArn }),
      );
      const forbidden = ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:CreateGrant', 'kms:Decrypt'];

      expect(others.length).toBeGreaterThan(0);
      for (const statement of others) {
        expect(statement.Effect).toBe('Allow');
        expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
        const granted = forbidden.filter((action) =>
          asList(statement.Action).some((pattern) => covers(pattern, action)),
        );
        expect({ sid: statement.Sid, granted }).toEqual({ sid: statement.Sid, granted: [] });
      }
    });

    it('is what the vend role may sign with and read the public key of, in its own policy too', () => {
      expect(
        vendRoleStatements(synthesized).filter((s) => asList(s.Action).some((a) => a.startsWith('kms:'))),
      ).toEqual([
        {
          Sid: 'SignWebIdentityTokens',
          Effect: 'Allow',
          Action: [...SIGNER_ACTIONS].sort(),
          Resource: `<${SIGNING_KEY_LOGICAL_ID}.Arn>`,
        },
      ]);
    });
  });

  describe('the OIDC provider', () => {
    const provider = onlyResource(template, 'AWS::IAM::OIDCProvider').resource;

    it('is a plain AWS::IAM::OIDCProvider for the issuer URL, with the audience as its only client id', () => {
      expect(render(provider.Properties)).toEqual({ Url: issuer, ClientIdList: ['credvend'] });
      template.resourceCountIs('Custom::AWSCDKOpenIdConnectProvider', 0);
    });

    it('carries a configured audience into the client ids, the trust policy and the function', () => {
      const custom = synth({ sessionMode: { kind: 'web-identity', audience: 'api://credvend' } });
      const customIssuer = render(custom.stack.resolve(webIdentityOf(custom).issuer)) as string;
      const customProvider = onlyResource(custom.template, 'AWS::IAM::OIDCProvider');

      expect(customProvider.resource.Properties.ClientIdList).toEqual(['api://credvend']);
      expect(trustOf(custom)).toEqual(
        webIdentityTrustPolicy({
          providerArn: `<${customProvider.logicalId}>`,
          issuer: customIssuer,
          audience: 'api://credvend',
        }),
      );
      expect(environmentOf(custom).WEB_IDENTITY_AUDIENCE).toBe('api://credvend');
    });

    it('is created after the stage serves the discovery routes, their invoke permissions included', () => {
      const waitsFor = dependenciesOf(template, providerId);
      const stageId = synthesized.logicalIdOf(stack.api.restApi.deploymentStage);
      const discovery = Object.entries(template.toJSON().Resources as Record<string, CfnResourceJson>)
        .filter(([, r]) => ['AWS::ApiGateway::Method', 'AWS::Lambda::Permission'].includes(r.Type))
        .filter(([id]) => /wellknown/.test(id))
        .map(([id]) => id);

      expect(discovery).toHaveLength(4);
      expect([...waitsFor].sort()).toEqual([apiId, stageId, ...discovery].sort());
    });

    it('is named by the tenant access role, so that IAM knows it before the trust policy does', () => {
      expect(dependenciesOf(template, synthesized.logicalIdOf(stack.tenantAccessRole.role))).toContain(
        providerId,
      );
    });
  });

  describe('the vend function', () => {
    const env = environmentOf(synthesized);

    it('gets the session mode, issuer, audience, signing keys and session cap', () => {
      expect(env).toMatchObject({
        SESSION_MODE: 'web-identity',
        WEB_IDENTITY_ISSUER: issuer,
        WEB_IDENTITY_AUDIENCE: 'credvend',
        SIGNING_KEY_IDS: `<${SIGNING_KEY_LOGICAL_ID}.Arn>`,
        MAX_SESSION_SECONDS: '43200',
        TENANT_ROLES: '{}',
      });
    });

    it("gets role chaining's configuration plus exactly the four web-identity settings", () => {
      const chained = environmentOf(roleChaining);

      expect(chained.SESSION_MODE).toBe('role-chaining');
      expect(Object.keys(env).sort()).toEqual(
        [
          ...Object.keys(chained),
          'WEB_IDENTITY_ISSUER',
          'WEB_IDENTITY_AUDIENCE',
          'SIGNING_KEY_IDS',
          'MAX_SESSION_SECONDS',
        ].sort(),
      );
    });

    it('has a role with no STS permission at all: AssumeRoleWithWebIdentity is unsigned', () => {
      const statements = vendRoleStatements(synthesized);

      expect(statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('sts:'))).toEqual([]);
      expect(statements.map((s) => asList(s.Action))).toEqual([
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        ['dynamodb:GetItem'],
        ['kms:GetPublicKey', 'kms:Sign'],
      ]);
    });
  });

  describe('the API', () => {
    it('serves the six routes and the two public discovery routes', () => {
      expect(routesOf(synthesized)).toEqual(
        [
          ...routesOf(roleChaining),
          ...OIDC_DISCOVERY_ROUTES.map((route) => `${route.method} ${route.path}`),
        ].sort(),
      );
      expect(OIDC_DISCOVERY_ROUTES.map((route) => route.path)).toEqual([
        '/.well-known/openid-configuration',
        '/.well-known/jwks.json',
      ]);
    });

    it('proxies the discovery routes to the function with no authorizer, under the issuer URL', () => {
      const functionArn = rendered(stack.vendFunction.function.functionArn);
      const methods = stack.api.discoveryMethods.map((m) => synthesized.resourceOf(m).Properties);

      expect(methods).toHaveLength(2);
      for (const method of methods) {
        expect(method).toMatchObject({
          HttpMethod: 'GET',
          AuthorizationType: 'NONE',
          Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
        });
        expect(method.AuthorizerId).toBeUndefined();
        expect(method.ApiKeyRequired).toBeUndefined();
        expect(String((method.Integration as { Uri: unknown }).Uri)).toContain(`/functions/${functionArn}/`);
      }
    });

    it('serves no discovery route in role-chaining mode', () => {
      expect(routesOf(roleChaining).filter((route) => route.includes('.well-known'))).toEqual([]);
      expect(roleChaining.stack.api.discoveryMethods).toEqual([]);
    });
  });

  describe('the outputs', () => {
    it('state the mode, the cap, the issuer and the signing key', () => {
      expect(outputsOf(synthesized)).toMatchObject({
        SessionMode: 'web-identity',
        MaxSessionSeconds: '43200',
        IssuerUrl: issuer,
        SigningKeyArn: `<${SIGNING_KEY_LOGICAL_ID}.Arn>`,
        TenantRoles: '{}',
      });
    });

    it('state a configured cap', () => {
      const custom = synth({ sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.hours(2) } });
      expect(outputsOf(custom).MaxSessionSeconds).toBe('7200');
    });

    it('have no issuer or signing key in role-chaining mode', () => {
      const outputs = outputsOf(roleChaining);
      expect(outputs).toMatchObject({ SessionMode: 'role-chaining', MaxSessionSeconds: '3600' });
      expect(Object.keys(outputs)).not.toEqual(expect.arrayContaining(['IssuerUrl']));
      expect(Object.keys(outputs)).not.toEqual(expect.arrayContaining(['SigningKeyArn']));
    });
  });

  describe('deployment order', () => {
    it('has no dependency cycle, in either mode', () => {
      expect(() => Template.fromStack(buildStack(WEB_IDENTITY))).not.toThrow();
      expect(() => Template.fromStack(buildStack())).not.toThrow();
    });

    it("would have one if the function's TENANT_ROLE_ARN read the role's ARN attribute", () => {
      const careless = buildStack(WEB_IDENTITY, testApp());
      careless.vendFunction.function.addEnvironment(
        'TENANT_ROLE_ARN',
        careless.tenantAccessRole.role.roleArn,
      );
      // CDK's template validation reports the same cycle as warnings on stderr first.
      const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        expect(() => Template.fromStack(careless)).toThrow(
          /dependency cycle: VendFunction\w+ -> TenantAccessRole\w+ -> WebIdentityProvider\w+ -> /,
        );
      } finally {
        stderr.mockRestore();
      }
    });
  });

  describe('refuses', () => {
    it.each([
      [
        'tenant-owned roles',
        { ...WEB_IDENTITY, tenantRoles: { globex: 'arn:aws:iam::111122223333:role/globex-access' } },
        'CredvendStack sessionMode web-identity: tenantRoles: tenant-owned roles are not supported yet with ' +
          'sessionMode web-identity: AssumeRoleWithWebIdentity takes no external id',
      ],
      [
        'a maximum below one hour',
        { sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.minutes(30) } },
        'maxSessionDuration: 1800 s must be whole seconds from 3600 to 43200',
      ],
      [
        'a maximum above twelve hours',
        { sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.hours(13) } },
        'maxSessionDuration: 46800 s must be whole seconds from 3600 to 43200',
      ],
      [
        'a maximum in fractions of a second',
        { sessionMode: { kind: 'web-identity', maxSessionDuration: Duration.millis(3_600_500) } },
        'maxSessionDuration: 3600.5 s must be whole seconds from 3600 to 43200',
      ],
      [
        'an audience IAM would not take',
        { sessionMode: { kind: 'web-identity', audience: 'two words' } },
        'audience: "two words" must match',
      ],
    ] as [string, CredvendStackProps, string][])('%s', (_, props, message) => {
      expect(() => buildStack(props)).toThrow(message);
    });

    it('a stack name too long to leave the role name room for the region', () => {
      const app = testApp();
      expect(() => new CredvendStack(app, 'x'.repeat(35), WEB_IDENTITY)).toThrow(
        'TenantAccessRole: in web-identity mode the role is named <stack>-tenant-access-<region>, at most 64 characters; the stack name',
      );
    });
  });
});
