/** The composition root: the API built from a checked configuration and the production adapters. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbDocumentClient } from './adapters/aws-clients';
import { CachingCredentialIssuer } from './adapters/caching-credential-issuer';
import { CachingTenantStore } from './adapters/caching-tenant-store';
import { DynamoDbTenantStore } from './adapters/dynamodb-tenant-store';
import { bearerToken, JwtAuthenticator, type JwtAuthenticatorOptions } from './adapters/jwt-authenticator';
import type { KmsTokenSigner } from './adapters/kms-token-signer';
import { StsCredentialIssuer, type StsCredentialIssuerOptions } from './adapters/sts-credential-issuer';
import type { Config, WebIdentityConfig } from './config';
import type { CredentialIssuer } from './core/ports';
import { VendService } from './core/vend-service';
import { createApp, type WebIdentityPublishing } from './http/app';
import type { AuditSink } from './http/audit';

/** What the local sandbox and tests may supply instead of the defaults; the Lambda handler supplies only `audit`. */
export interface ComposeOptions {
  /** Where the audit event of each request goes (Powertools' `Logger` in Lambda). */
  readonly audit: AuditSink;
  /**
   * Credentials for the AWS clients (STS AssumeRole, DynamoDB, KMS); the SDK's default chain (the Lambda's role) when
   * absent. Never used for AssumeRoleWithWebIdentity, which is unsigned.
   */
  readonly awsCredentials?: StsCredentialIssuerOptions['credentials'];
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** A running API: its request handler, and `close` to release its sockets (the sandbox and tests call it). */
export interface ComposedApp {
  readonly handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  close(): void;
}

/** Wires the adapters once (per Lambda container, or per sandbox) and returns the API. */
export function composeApp(config: Config, options: ComposeOptions): ComposedApp {
  const credentials = options.awsCredentials === undefined ? {} : { credentials: options.awsCredentials };
  // The tenant table and the signing keys live in the stack's own region, which Lambda sets as AWS_REGION.
  const homeRegion = config.AWS_REGION ?? config.regions[0] ?? 'us-east-1';
  const sessions: Sessions =
    config.SESSION_MODE === 'web-identity'
      ? webIdentitySessions(config, homeRegion, options)
      : {
          issuer: new StsCredentialIssuer({
            deadlineMs: config.STS_DEADLINE_MS,
            ...(config.STS_ENDPOINT === undefined ? {} : { endpoint: config.STS_ENDPOINT }),
            ...credentials,
          }),
        };
  const { issuer } = sessions;
  const dynamoDb = createDynamoDbDocumentClient({
    region: homeRegion,
    ...(config.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: config.DYNAMODB_ENDPOINT }),
    ...credentials,
  });
  const tenants = new CachingTenantStore(
    new DynamoDbTenantStore({
      client: dynamoDb,
      tableName: config.TENANT_TABLE_NAME,
      rules: {
        maxSessionSeconds: issuer.maxSessionSeconds,
        ...(config.SESSION_MODE === 'web-identity' && {
          maxSessionSource: "MAX_SESSION_SECONDS, the tenant access role's MaxSessionDuration",
        }),
        dataBuckets: config.DATA_BUCKETS,
        prefixTemplate: config.TENANT_PREFIX_TEMPLATE,
        tenantRoles: config.TENANT_ROLES,
      },
    }),
    { ttlMs: config.TENANT_CACHE_TTL_SECONDS * 1000, ...(options.now && { now: options.now }) },
  );
  const credentialCache = new CachingCredentialIssuer(issuer, {
    maxEntries: config.CREDENTIAL_CACHE_MAX_ENTRIES,
    minRemainingShare: config.CREDENTIAL_CACHE_MIN_REMAINING_SHARE,
    ...(options.now && { now: options.now }),
  });
  const handle = createApp({
    authenticator: new JwtAuthenticator(authenticatorOptions(config)),
    bearerToken,
    vendService: new VendService(tenants, credentialCache, {
      defaultRoleArn: config.TENANT_ROLE_ARN,
      allowedRegions: config.regions,
    }),
    audit: options.audit,
    allowedRegions: config.regions,
    allowedOrigins: config.ALLOWED_ORIGINS,
    ...(sessions.publishing && { webIdentity: sessions.publishing }),
    ...(options.now && { now: options.now }),
  });
  return {
    handle,
    close: () => {
      issuer.destroy();
      sessions.signer?.destroy();
      dynamoDb.destroy();
    },
  };
}

/** The session issuer of a mode, and in web-identity mode what the API publishes and the signer to close. */
interface Sessions {
  readonly issuer: CredentialIssuer & { destroy(): void };
  readonly publishing?: WebIdentityPublishing;
  readonly signer?: KmsTokenSigner;
}

/**
 * Web-identity mode: KMS signs credvend's own tokens (signed calls), STS exchanges them (unsigned calls). Its adapters
 * are loaded here, on first use, so that a role-chaining function never initialises the KMS client's modules (a
 * cold-start cost; the bundle holds them either way).
 */
function webIdentitySessions(config: WebIdentityConfig, region: string, options: ComposeOptions): Sessions {
  const { KmsTokenSigner } =
    require('./adapters/kms-token-signer') as typeof import('./adapters/kms-token-signer');
  const { StsWebIdentityCredentialIssuer } =
    require('./adapters/sts-web-identity-credential-issuer') as typeof import('./adapters/sts-web-identity-credential-issuer');
  const signer = new KmsTokenSigner({
    keyIds: config.SIGNING_KEY_IDS,
    region,
    ...(config.KMS_ENDPOINT === undefined ? {} : { endpoint: config.KMS_ENDPOINT }),
    ...(options.awsCredentials === undefined ? {} : { credentials: options.awsCredentials }),
  });
  const issuer = new StsWebIdentityCredentialIssuer({
    signer,
    issuer: config.WEB_IDENTITY_ISSUER,
    audience: config.WEB_IDENTITY_AUDIENCE,
    maxSessionSeconds: config.MAX_SESSION_SECONDS,
    deadlineMs: config.STS_DEADLINE_MS,
    ...(config.STS_ENDPOINT === undefined ? {} : { endpoint: config.STS_ENDPOINT }),
    ...(options.now && { now: options.now }),
  });
  return { issuer, signer, publishing: { issuer: config.WEB_IDENTITY_ISSUER, keys: signer } };
}

/** The verifier settings of the configured identity provider. */
export function authenticatorOptions(config: Config): JwtAuthenticatorOptions {
  if (config.JWT_PROVIDER === 'cognito') {
    return {
      provider: 'cognito',
      userPoolId: config.COGNITO_USER_POOL_ID,
      clientId: config.COGNITO_CLIENT_IDS,
      tokenUse: config.COGNITO_TOKEN_USE,
      tenantClaim: config.TENANT_CLAIM,
    };
  }
  return {
    provider: 'oidc',
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    tenantClaim: config.TENANT_CLAIM,
    ...(config.JWT_JWKS_URI === undefined ? {} : { jwksUri: config.JWT_JWKS_URI }),
  };
}
