/**
 * Who callers are: a Cognito user pool created for the deployment, or an external OIDC issuer. Either way the
 * function verifies the JWT itself; this construct only decides which verifier settings it gets.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPool,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Pinned logical ID of the user pool (stateful: a new ID would mean a new pool without any user). */
export const USER_POOL_LOGICAL_ID = 'UserPool';

/** The custom attribute holding a user's tenant; the ID token carries it as `custom:tenant_id`. */
export const TENANT_ATTRIBUTE = 'tenant_id';

/** A Cognito user pool created by the stack. */
export interface CognitoIdentityConfig {
  readonly kind: 'cognito';
  /**
   * Which Cognito token callers present. Custom attributes (the tenant) are in ID tokens only, unless a
   * pre-token-generation trigger copies them into access tokens.
   * @default 'id'
   */
  readonly tokenUse?: 'id' | 'access';
}

/** An external OIDC issuer (Auth0, Okta, Entra ID, another Cognito pool...). */
export interface OidcIdentityConfig {
  readonly kind: 'oidc';
  /** The issuer URL (`iss`), https. */
  readonly issuer: string;
  /** Accepted audiences (`aud`); `null` is the explicit opt-out of the audience check. */
  readonly audience: readonly string[] | null;
  /**
   * The JWKS URL.
   * @default - `<issuer>/.well-known/jwks.json`
   */
  readonly jwksUri?: string;
}

/** Where callers' tokens come from. */
export type IdentityConfig = CognitoIdentityConfig | OidcIdentityConfig;

/** The identity provider and the function environment that configures the JWT verifier for it. */
export class Identity extends Construct {
  /** The user pool, when the stack created one. */
  public readonly userPool?: UserPool;
  /** The app client of the user pool, when the stack created one. */
  public readonly appClient?: UserPoolClient;
  /** `JWT_PROVIDER` and its settings, the contract of `lambda/config.ts`. */
  public readonly functionEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, config: IdentityConfig) {
    super(scope, id);
    if (config.kind === 'oidc') {
      this.functionEnvironment = {
        JWT_PROVIDER: 'oidc',
        JWT_ISSUER: config.issuer,
        JWT_AUDIENCE: config.audience === null ? 'null' : config.audience.join(','),
        ...(config.jwksUri === undefined ? {} : { JWT_JWKS_URI: config.jwksUri }),
      };
      return;
    }

    this.userPool = new UserPool(this, 'UserPool', {
      // Users are onboarded by the platform team (AdminCreateUser), which is also the only way to set the tenant.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        [TENANT_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 48, mutable: false }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // A signed-in user can mint AWS credentials for the tenant's data: a password alone is not enough.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus tier: compromised-credential and risky sign-in detection, enforced.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.userPool.node.defaultChild as CfnUserPool).overrideLogicalId(USER_POOL_LOGICAL_ID);

    this.appClient = this.userPool.addClient('AppClient', {
      authFlows: { userSrp: true },
      // No hosted UI is configured, so no OAuth flows (CDK would otherwise enable the implicit grant).
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // The app may read the tenant (it is in the ID token) but never write it: a user cannot change tenants.
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes(TENANT_ATTRIBUTE),
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.functionEnvironment = {
      JWT_PROVIDER: 'cognito',
      COGNITO_USER_POOL_ID: this.userPool.userPoolId,
      COGNITO_CLIENT_IDS: this.appClient.userPoolClientId,
      COGNITO_TOKEN_USE: config.tokenUse ?? 'id',
    };
  }
}
