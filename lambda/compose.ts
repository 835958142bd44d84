/** The composition root: the API built from a checked configuration and the production adapters. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbDocumentClient } from './adapters/aws-clients';
import { CachingCredentialIssuer } from './adapters/caching-credential-issuer';
import { CachingTenantStore } from './adapters/caching-tenant-store';
import { DynamoDbTenantStore } from './adapters/dynamodb-tenant-store';
import { bearerToken, JwtAuthenticator, type JwtAuthenticatorOptions } from './adapters/jwt-authenticator';
import { StsCredentialIssuer, type StsCredentialIssuerOptions } from './adapters/sts-credential-issuer';
import type { Config } from './config';
import { VendService } from './core/vend-service';
import { createApp } from './http/app';
import type { AuditSink } from './http/audit';

/** What the local sandbox and tests may supply instead of the defaults; the Lambda handler supplies only `audit`. */
export interface ComposeOptions {
  /** Where the audit event of each request goes (Powertools' `Logger` in Lambda). */
  readonly audit: AuditSink;
  /** Credentials for the STS and DynamoDB clients; the SDK's default chain (the Lambda's role) when absent. */
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
  const issuer = new StsCredentialIssuer({
    deadlineMs: config.STS_DEADLINE_MS,
    ...(config.STS_ENDPOINT === undefined ? {} : { endpoint: config.STS_ENDPOINT }),
    ...credentials,
  });
  const dynamoDb = createDynamoDbDocumentClient({
    // The tenant table lives in the stack's own region, which Lambda sets as AWS_REGION.
    region: config.AWS_REGION ?? config.regions[0] ?? 'us-east-1',
    ...(config.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: config.DYNAMODB_ENDPOINT }),
    ...credentials,
  });
  const tenants = new CachingTenantStore(
    new DynamoDbTenantStore({
      client: dynamoDb,
      tableName: config.TENANT_TABLE_NAME,
      rules: {
        maxSessionSeconds: issuer.maxSessionSeconds,
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
    ...(options.now && { now: options.now }),
  });
  return {
    handle,
    close: () => {
      issuer.destroy();
      dynamoDb.destroy();
    },
  };
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
