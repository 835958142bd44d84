/**
 * `startSandbox`: the whole API on loopback, offline — the same composition root as the Lambda (`composeApp`)
 * configured through the same environment contract (`loadConfig`), against one emulated account behind STS, S3 and
 * IAM fronts, dynalite with the demo tenants, and a dev OIDC issuer. `startAwsSandbox` runs the same local API against
 * real STS and DynamoDB. Usable in-process (tests, benchmarks) and by `npm start`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ROLE_CHAINING_MAX_SESSION_SECONDS } from '../lambda/adapters/sts-credential-issuer';
import { type ComposedApp, composeApp } from '../lambda/compose';
import { type Config, loadConfig } from '../lambda/config';
import type { AuditSink } from '../lambda/http/audit';
import type { AccountOptions, EmulatedAccount } from './account/account';
import {
  createLocalAccount,
  LOCAL_PREFIX_TEMPLATE,
  LOCAL_TENANT_ROLE_ARN,
  operatorCredentials as newOperatorCredentials,
  vendFunctionCredentials,
} from './account/local-account';
import { DEV_AUDIENCE } from './dev-issuer/dev-token';
import { type DevIssuer, startDevIssuer } from './dev-issuer/server';
import { devKeyFileFrom, loadOrCreateDevKey } from './dev-issuer/signing-key';
import { type IamEmulator, startIamEmulator } from './iam/server';
import { type KmsEmulator, startKmsEmulator } from './kms/server';
import { startLocalApi } from './local-api/server';
import { asPortError, LOOPBACK_HOST } from './net/loopback-server';
import { createObjectStore } from './s3/object-store';
import { seedDemoObjects } from './s3/seed';
import { type S3Emulator, startS3Emulator } from './s3/server';
import { SANDBOX_PARTS, type SandboxPart } from './settings';
import { startStsEmulator } from './sts-emulator';
import type { FaultConfig, StsEmulator } from './sts-emulator/types';
import { startLocalDynamoDb } from './tenants/local-dynamodb';
import { demoTenants, LOCAL_DATA_BUCKET, LOCAL_REGIONS, LOCAL_TENANT_TABLE } from './tenants/seed';

/** How the function obtains sessions (`SESSION_MODE`). */
export type SessionMode = 'role-chaining' | 'web-identity';

/** The audience of credvend's own tokens in the sandbox, as in a default deployment (`WEB_IDENTITY_AUDIENCE`). */
export const WEB_IDENTITY_AUDIENCE = 'credvend';
/** The tenant access role's MaxSessionDuration in web-identity mode unless told otherwise: 12 hours. */
export const WEB_IDENTITY_MAX_SESSION_SECONDS = 43_200;

/** Environment variables, as `loadConfig` reads them. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** What both starters accept. */
interface CommonSandboxOptions {
  /** Ports per part; 0 picks a free one. @default SANDBOX_PARTS[part].defaultPort */
  readonly ports?: Partial<Record<SandboxPart, number>>;
  /** A loopback address. @default '127.0.0.1' */
  readonly host?: string;
  /** The dev issuer's key file (shared with `npm run token`). @default CREDVEND_DEV_KEY_FILE or .credvend/dev-issuer-key.pem */
  readonly devKeyFile?: string;
  /** Where audit events go. @default a Powertools `Logger` on stdout, as in Lambda */
  readonly audit?: AuditSink;
}

/** Options of `startSandbox`. */
export interface SandboxOptions extends CommonSandboxOptions {
  /**
   * Function environment on top of the sandbox's own wiring, e.g. `{ STS_DEADLINE_MS: '1500' }`. Every variable of
   * the contract may be given; the wiring (`STS_ENDPOINT`, `JWT_ISSUER`...) is best left alone.
   */
  readonly env?: EnvVars;
  /** Faults the STS emulator injects from the start (also `sandbox.emulator.setFaults`). */
  readonly faults?: FaultConfig;
  /** Told about the credentials of every session the STS emulator mints (the tests' leak scan). */
  readonly onSessionMinted?: AccountOptions['onSessionMinted'];
  /** Where the S3 emulator keeps objects. @default in memory, bounded by `maxBytes` */
  readonly s3?: S3StorageOptions;
  /**
   * How the function obtains sessions: `role-chaining` (AssumeRole with its own role, at most one hour) or
   * `web-identity` (its own OIDC issuer, tokens signed by the KMS emulator, AssumeRoleWithWebIdentity, up to
   * `maxSessionSeconds`). @default 'role-chaining', as a default deployment
   */
  readonly sessionMode?: SessionMode;
  /** The tenant access role's MaxSessionDuration in web-identity mode. @default 43200 */
  readonly maxSessionSeconds?: number;
  /** Sees every event the API handles and its result (the tests check each against the OpenAPI document). */
  readonly observe?: (event: APIGatewayProxyEvent, result: APIGatewayProxyResult) => void;
}

/** Options of `startAwsSandbox`. */
export interface AwsSandboxOptions extends CommonSandboxOptions {
  /**
   * The function environment, usually `process.env`: `TENANT_TABLE_NAME`, `TENANT_ROLE_ARN`, `DATA_BUCKETS`,
   * `AWS_REGION`... Without `JWT_PROVIDER`, the dev issuer is started and its tokens are accepted.
   */
  readonly env: EnvVars;
}

/** How the S3 emulator stores objects. */
export interface S3StorageOptions {
  /** A directory to keep objects in across restarts; in memory when absent. */
  readonly dir?: string;
  /** The store's bound, in bytes. @default 512 MiB */
  readonly maxBytes?: number;
}

/** A running sandbox. */
interface SandboxBase {
  /** `http://127.0.0.1:<port>`: the API's base URL. */
  readonly apiUrl: string;
  /** The dev issuer (`iss` of its tokens), or `undefined` when a real identity provider is configured. */
  readonly issuerUrl: string | undefined;
  /** The dev issuer's key file, when the dev issuer runs. */
  readonly devKeyFile: string | undefined;
  /** The configuration the API runs with. */
  readonly config: Config;
  /** The API without HTTP in front: what the local server calls for each request (benchmarks measure both). */
  readonly handle: ComposedApp['handle'];
  /** Stops every part; safe to call more than once. */
  close(): Promise<void>;
}

/** The offline sandbox. */
export interface LocalSandbox extends SandboxBase {
  readonly target: 'local';
  readonly issuerUrl: string;
  readonly devKeyFile: string;
  /** The STS emulator's endpoint (`STS_ENDPOINT`). */
  readonly stsUrl: string;
  /** dynalite's endpoint (`DYNAMODB_ENDPOINT`). */
  readonly dynamoDbUrl: string;
  readonly emulator: StsEmulator;
  /** The S3 emulator's endpoint (path-style addressing). */
  readonly s3Url: string;
  readonly s3: S3Emulator;
  /** The IAM emulator's endpoint: the role-policy calls of `credvend-admin` (signed for `iam`, any region). */
  readonly iamUrl: string;
  readonly iam: IamEmulator;
  /** The one emulated account behind STS, S3, IAM and KMS: roles and their policies, credentials, sessions, keys. */
  readonly account: EmulatedAccount;
  readonly sessionMode: SessionMode;
  /** The longest session the mode issues: 3600 s for role chaining, the role's MaxSessionDuration for web identity. */
  readonly maxSessionSeconds: number;
  /** The KMS emulator (web-identity mode only): the function's token signing key. */
  readonly kmsUrl: string | undefined;
  readonly kms: KmsEmulator | undefined;
  /**
   * The vend function's own credentials (random per start) that the API signs its STS calls with: for benchmarks and
   * tests that call the emulator as the function does. Never printed.
   */
  readonly baseCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * The operator's credentials (random per start): the IAM user `credvend-operator`, allowed exactly the role-policy
   * calls on the tenant access role (`operatorPolicy`). Never printed.
   */
  readonly operatorCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The local API against AWS. */
export interface AwsSandbox extends SandboxBase {
  readonly target: 'aws';
}

/** A start-up problem the user can fix, told in one sentence (no stack trace needed). */
export class SandboxStartError extends Error {
  override name = 'SandboxStartError';
}

/** Starts the offline sandbox; on any failure, whatever had started is stopped again before the error is thrown. */
export async function startSandbox(options: SandboxOptions = {}): Promise<LocalSandbox> {
  const parts = new Stack();
  try {
    const host = options.host ?? LOOPBACK_HOST;
    const port = (part: SandboxPart) => options.ports?.[part] ?? SANDBOX_PARTS[part].defaultPort;
    const baseCredentials = vendFunctionCredentials();
    const operator = newOperatorCredentials();

    const sessionMode = options.sessionMode ?? 'role-chaining';
    // The API comes first: in web-identity mode its URL is the issuer the account's OIDC provider names.
    let app: ComposedApp | undefined;
    const observe = options.observe;
    const handle: ComposedApp['handle'] = async (event) => {
      if (app === undefined) throw new Error('the sandbox API is not composed yet');
      const result = await app.handle(event);
      observe?.(event, result);
      return result;
    };
    const api = await parts.start('api', port('api'), () =>
      startLocalApi({ handle, port: port('api'), host }),
    );
    const maxSessionSeconds = options.maxSessionSeconds ?? WEB_IDENTITY_MAX_SESSION_SECONDS;
    const webIdentity =
      sessionMode === 'web-identity'
        ? { issuer: api.url, audience: WEB_IDENTITY_AUDIENCE, maxSessionDurationSeconds: maxSessionSeconds }
        : undefined;

    const sessionCap = webIdentity === undefined ? ROLE_CHAINING_MAX_SESSION_SECONDS : maxSessionSeconds;
    const dynamoDb = await parts.start('dynamodb', port('dynamodb'), () =>
      startLocalDynamoDb({
        port: port('dynamodb'),
        host,
        tableName: LOCAL_TENANT_TABLE,
        tenants: demoTenants(sessionCap),
      }),
    );
    const account = createLocalAccount({
      dataBuckets: [LOCAL_DATA_BUCKET],
      functionCredentials: baseCredentials,
      operatorCredentials: operator,
      region: LOCAL_REGIONS[0],
      ...(webIdentity && { webIdentity }),
      ...(options.onSessionMinted && { onSessionMinted: options.onSessionMinted }),
    });
    const emulator = await parts.start('sts', port('sts'), () =>
      startStsEmulator({
        account,
        port: port('sts'),
        host,
        ...(options.faults && { faults: options.faults }),
      }),
    );
    const store = createObjectStore({
      buckets: [LOCAL_DATA_BUCKET],
      region: LOCAL_REGIONS[0],
      ...(options.s3?.dir !== undefined && { dir: options.s3.dir }),
      ...(options.s3?.maxBytes !== undefined && { maxBytes: options.s3.maxBytes }),
    });
    await seedDemoObjects(store, LOCAL_DATA_BUCKET);
    const s3 = await parts.start('s3', port('s3'), () =>
      startS3Emulator({ account, store, port: port('s3'), host }),
    );
    const iam = await parts.start('iam', port('iam'), () =>
      startIamEmulator({ account, port: port('iam'), host }),
    );
    const kms =
      webIdentity === undefined
        ? undefined
        : await parts.start('kms', port('kms'), () =>
            startKmsEmulator({ account, region: LOCAL_REGIONS[0], port: port('kms'), host }),
          );
    const devKeyFile = options.devKeyFile ?? devKeyFileFrom(process.env);
    const issuer = await parts.start('issuer', port('issuer'), () =>
      startDevIssuer({ key: loadOrCreateDevKey(devKeyFile), port: port('issuer'), host }),
    );
    const config = loadConfig({
      AWS_REGION: LOCAL_REGIONS[0],
      ALLOWED_REGIONS: LOCAL_REGIONS.join(','),
      TENANT_TABLE_NAME: dynamoDb.tableName,
      TENANT_ROLE_ARN: LOCAL_TENANT_ROLE_ARN,
      DATA_BUCKETS: LOCAL_DATA_BUCKET,
      TENANT_PREFIX_TEMPLATE: LOCAL_PREFIX_TEMPLATE,
      STS_ENDPOINT: emulator.url,
      DYNAMODB_ENDPOINT: dynamoDb.url,
      ...devIssuerEnv(issuer),
      ...(webIdentity !== undefined &&
        kms !== undefined && {
          SESSION_MODE: 'web-identity',
          WEB_IDENTITY_ISSUER: webIdentity.issuer,
          WEB_IDENTITY_AUDIENCE: webIdentity.audience,
          SIGNING_KEY_IDS: account.keys
            .list()
            .map((key) => key.arn)
            .join(','),
          MAX_SESSION_SECONDS: String(maxSessionSeconds),
          KMS_ENDPOINT: kms.url,
        }),
      ...options.env,
    });
    const signing = {
      accessKeyId: baseCredentials.accessKeyId,
      secretAccessKey: baseCredentials.secretAccessKey,
    };
    app = parts.push(composeApp(config, { audit: options.audit ?? defaultAudit(), awsCredentials: signing }));
    return {
      target: 'local',
      apiUrl: api.url,
      stsUrl: emulator.url,
      dynamoDbUrl: dynamoDb.url,
      issuerUrl: issuer.url,
      devKeyFile,
      emulator,
      s3Url: s3.url,
      s3,
      iamUrl: iam.url,
      iam,
      account,
      sessionMode,
      maxSessionSeconds: sessionCap,
      kmsUrl: kms?.url,
      kms,
      baseCredentials: signing,
      operatorCredentials: {
        accessKeyId: operator.accessKeyId,
        secretAccessKey: operator.secretAccessKey,
      },
      config,
      handle,
      close: parts.closer(),
    };
  } catch (error) {
    await parts.closeAll();
    throw error;
  }
}

/**
 * Starts the local API against AWS: no emulator, no dynalite; STS and DynamoDB through the SDK's default credential
 * chain and regional endpoints (or `STS_ENDPOINT`/`DYNAMODB_ENDPOINT` when set), the tenant table and role from `env`.
 */
export async function startAwsSandbox(options: AwsSandboxOptions): Promise<AwsSandbox> {
  // Found now rather than on the first request, where a missing credential is only a generic 500.
  await checkDefaultCredentials();
  const parts = new Stack();
  try {
    const host = options.host ?? LOOPBACK_HOST;
    const port = (part: SandboxPart) => options.ports?.[part] ?? SANDBOX_PARTS[part].defaultPort;
    const useDevIssuer = (options.env.JWT_PROVIDER ?? '') === '';
    const devKeyFile = useDevIssuer ? (options.devKeyFile ?? devKeyFileFrom(process.env)) : undefined;
    const issuer =
      devKeyFile === undefined
        ? undefined
        : await parts.start('issuer', port('issuer'), () =>
            startDevIssuer({ key: loadOrCreateDevKey(devKeyFile), port: port('issuer'), host }),
          );
    const config = loadConfig({ ...options.env, ...(issuer && devIssuerEnv(issuer)) });
    const app = parts.push(composeApp(config, { audit: options.audit ?? defaultAudit() }));
    const api = await parts.start('api', port('api'), () =>
      startLocalApi({ handle: app.handle, port: port('api'), host }),
    );
    return {
      target: 'aws',
      apiUrl: api.url,
      issuerUrl: issuer?.url,
      devKeyFile,
      config,
      handle: app.handle,
      close: parts.closer(),
    };
  } catch (error) {
    await parts.closeAll();
    throw error;
  }
}

/** Resolves the SDK's default credential chain once; throws `SandboxStartError` saying why when it finds nothing. */
async function checkDefaultCredentials(): Promise<void> {
  try {
    await fromNodeProviderChain()();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SandboxStartError(
      `--aws: the AWS SDK found no credentials (${reason}); set AWS_PROFILE, or AWS_ACCESS_KEY_ID and ` +
        'AWS_SECRET_ACCESS_KEY, or sign in with aws sso login',
    );
  }
}

/** The identity settings that make the API accept the dev issuer's tokens. */
function devIssuerEnv(issuer: DevIssuer): EnvVars {
  return {
    JWT_PROVIDER: 'oidc',
    JWT_ISSUER: issuer.url,
    JWT_JWKS_URI: issuer.jwksUri,
    JWT_AUDIENCE: DEV_AUDIENCE,
  };
}

/** The audit log as in Lambda: Powertools JSON lines on stdout (`POWERTOOLS_DEV=true` indents them). */
function defaultAudit(): AuditSink {
  return new Logger({ serviceName: 'credvend' });
}

type Closable = { close(): Promise<void> } | ComposedApp;

/** The parts started so far, closed in reverse order. */
class Stack {
  private readonly parts: Closable[] = [];
  private closing: Promise<void> | undefined;

  push<T extends Closable>(part: T): T {
    this.parts.push(part);
    return part;
  }

  /** Starts one server; a busy port becomes a `PortUnavailableError` naming the part. */
  async start<T extends Closable>(part: SandboxPart, port: number, run: () => Promise<T>): Promise<T> {
    try {
      return this.push(await run());
    } catch (error) {
      throw asPortError(error, port, part);
    }
  }

  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      const failures: unknown[] = [];
      for (const part of [...this.parts].reverse()) {
        try {
          await part.close();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'some sandbox parts did not close cleanly');
    })();
    return this.closing;
  }

  closer(): () => Promise<void> {
    return () => this.closeAll();
  }
}
