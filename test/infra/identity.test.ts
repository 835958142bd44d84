/** Identity: the Cognito user pool by default, or an external OIDC issuer, and the verifier settings of each. */
import { Match } from 'aws-cdk-lib/assertions';
import { USER_POOL_LOGICAL_ID } from '../../lib/constructs/identity';
import { synth } from './synth';

const environmentOf = (synthesized: ReturnType<typeof synth>) =>
  (
    synthesized.resourceOf(synthesized.stack.vendFunction.function).Properties as {
      Environment: { Variables: Record<string, unknown> };
    }
  ).Environment.Variables;

const IDENTITY_KEYS = /^(JWT_|COGNITO_)/;
const identityVariables = (variables: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(variables).filter(([key]) => IDENTITY_KEYS.test(key)));

describe('Identity', () => {
  describe('without an external issuer', () => {
    const synthesized = synth();
    const { stack, template } = synthesized;
    const clientId = `<${synthesized.logicalIdOf(stack.identity.appClient ?? stack)}>`;

    it('creates a user pool (pinned logical ID) with an immutable tenant_id attribute', () => {
      expect(Object.keys(template.findResources('AWS::Cognito::UserPool'))).toEqual([USER_POOL_LOGICAL_ID]);
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        Schema: Match.arrayWith([
          {
            Name: 'tenant_id',
            AttributeDataType: 'String',
            Mutable: false,
            StringAttributeConstraints: { MinLength: '1', MaxLength: '48' },
          },
        ]),
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      });
      template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
    });

    it('requires MFA (TOTP), a strong password, and enforces threat protection', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      });
    });

    it('gives the app client read access to the tenant but no way to write it', () => {
      const client = synthesized.resourceOf(stack.identity.appClient ?? stack).Properties;
      expect(client.ReadAttributes).toContain('custom:tenant_id');
      expect(client.WriteAttributes).toEqual(['email']);
    });

    it('has a public SRP client without OAuth flows', () => {
      const client = synthesized.resourceOf(stack.identity.appClient ?? stack).Properties;
      expect(client).toMatchObject({
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
      });
      expect(client.AllowedOAuthFlows).toBeUndefined();
      expect(client.CallbackURLs).toBeUndefined();
    });

    it('configures the function to verify ID tokens of this pool and client', () => {
      expect(identityVariables(environmentOf(synthesized))).toEqual({
        JWT_PROVIDER: 'cognito',
        COGNITO_USER_POOL_ID: `<${USER_POOL_LOGICAL_ID}>`,
        COGNITO_CLIENT_IDS: clientId,
        COGNITO_TOKEN_USE: 'id',
      });
    });

    it('outputs the user pool and client ids', () => {
      template.hasOutput('UserPoolId', { Value: { Ref: USER_POOL_LOGICAL_ID } });
      template.hasOutput('UserPoolClientId', Match.anyValue());
    });

    it('verifies access tokens instead when asked to', () => {
      const access = synth({ identity: { kind: 'cognito', tokenUse: 'access' } });
      expect(environmentOf(access).COGNITO_TOKEN_USE).toBe('access');
    });
  });

  describe('with an external OIDC issuer', () => {
    const synthesized = synth({
      identity: {
        kind: 'oidc',
        issuer: 'https://login.example.com/',
        audience: ['credvend-api', 'credvend-cli'],
        jwksUri: 'https://login.example.com/keys',
      },
    });

    it('creates no user pool and no client', () => {
      synthesized.template.resourceCountIs('AWS::Cognito::UserPool', 0);
      synthesized.template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
      expect(synthesized.stack.identity.userPool).toBeUndefined();
    });

    it('configures the function as an OIDC verifier of that issuer, audiences and JWKS', () => {
      expect(identityVariables(environmentOf(synthesized))).toEqual({
        JWT_PROVIDER: 'oidc',
        JWT_ISSUER: 'https://login.example.com/',
        JWT_AUDIENCE: 'credvend-api,credvend-cli',
        JWT_JWKS_URI: 'https://login.example.com/keys',
      });
    });

    it('outputs no user pool', () => {
      expect(Object.keys(synthesized.template.findOutputs('*'))).not.toContain('UserPoolId');
    });

    it('passes an explicit "no audience check" as the literal null, and no JWKS URI when none is given', () => {
      const anyAudience = synth({
        identity: { kind: 'oidc', issuer: 'https://login.example.com/', audience: null },
      });
      expect(identityVariables(environmentOf(anyAudience))).toEqual({
        JWT_PROVIDER: 'oidc',
        JWT_ISSUER: 'https://login.example.com/',
        JWT_AUDIENCE: 'null',
      });
    });
  });
});
