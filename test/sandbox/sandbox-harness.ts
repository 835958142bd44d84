/**
 * The sandbox inside the test process on free ports, with its dev key in a temporary directory; dev tokens and
 * vended secrets are registered with the leak scan. Call `useSandbox()` at the top of a test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { mintDevToken } from '../../sandbox/dev-issuer/dev-token';
import type { JwtFields } from '../../sandbox/dev-issuer/jws';
import { loadOrCreateDevKey } from '../../sandbox/dev-issuer/signing-key';
import { type LocalSandbox, type SandboxOptions, startSandbox } from '../../sandbox/sandbox';
import type { SandboxPart } from '../../sandbox/settings';
import type { SessionRecord } from '../../sandbox/sts-emulator/types';
import { registerSecret } from '../support/leak-scan';
import { OpenApiChecker } from '../support/openapi';

/** Every part on a port the OS picks. */
export const FREE_PORTS: Readonly<Record<SandboxPart, number>> = {
  api: 0,
  sts: 0,
  dynamodb: 0,
  issuer: 0,
  s3: 0,
  iam: 0,
  kms: 0,
};

/** A fresh temporary directory and the key file path inside it (the file itself is created on first use). */
export function temporaryKeyFile(): { readonly dir: string; readonly file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'credvend-sandbox-'));
  return { dir, file: join(dir, 'dev-issuer-key.pem') };
}

/** Starts a sandbox before the file's tests and stops it after; returns an accessor for it. */
export function useSandbox(options: Omit<SandboxOptions, 'ports' | 'devKeyFile'> = {}): () => LocalSandbox {
  let sandbox: LocalSandbox | undefined;
  let keyDir: string | undefined;
  const offContract: string[] = [];
  beforeAll(async () => {
    const key = temporaryKeyFile();
    keyDir = key.dir;
    const openApi = await OpenApiChecker.load();
    sandbox = await startSandbox({
      ...options,
      ports: FREE_PORTS,
      devKeyFile: key.file,
      // Every secret any session gets, whoever asked for it (a CLI in a child process too), joins the leak scan.
      onSessionMinted: (credentials) => {
        registerSecret(credentials.secretAccessKey);
        registerSecret(credentials.sessionToken);
      },
      // Every response of every end-to-end test must match openapi/credvend.yaml.
      observe: (event, result) => {
        const problems = openApi.problems({
          method: event.httpMethod,
          path: event.path,
          status: result.statusCode,
          headers: result.headers ?? {},
          body: JSON.parse(result.body),
        });
        if (problems.length > 0)
          offContract.push(
            `${event.httpMethod} ${event.path} → ${result.statusCode}: ${problems.join('; ')}`,
          );
      },
    });
    // The sandbox's own long-term secrets must never be logged either.
    registerSecret(sandbox.baseCredentials.secretAccessKey);
    registerSecret(sandbox.operatorCredentials.secretAccessKey);
  });
  afterEach(() => {
    const problems = offContract.splice(0);
    if (problems.length > 0)
      throw new Error(`responses break openapi/credvend.yaml:\n${problems.join('\n')}`);
  });
  afterAll(async () => {
    await sandbox?.close();
    if (keyDir !== undefined) rmSync(keyDir, { recursive: true, force: true });
  });
  return () => {
    if (sandbox === undefined) throw new Error('the sandbox has not started');
    return sandbox;
  };
}

/** A dev token the sandbox accepts, registered with the leak scan. */
export function devToken(
  sandbox: LocalSandbox,
  tenant: string,
  user: string,
  claims: JwtFields = {},
): string {
  const token = mintDevToken(loadOrCreateDevKey(sandbox.devKeyFile), {
    issuer: sandbox.issuerUrl,
    tenant,
    user,
    claims,
  });
  registerSecret(token);
  return token;
}

/** A response of the API, its body parsed. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are asserted field by field
  readonly body: any;
}

/** Calls the API over HTTP; vended secrets in the answer are registered with the leak scan. */
export async function callApi(
  sandbox: LocalSandbox,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const response = await fetch(`${sandbox.apiUrl}${path}`, {
    method,
    headers: {
      ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const body = text === '' ? undefined : JSON.parse(text);
  registerVendedSecrets(body);
  return { status: response.status, headers: response.headers, body };
}

/** Credentials as an SDK client takes them. */
export interface VendedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Vends credentials for `user` of `tenant` through the API (`POST /v1/credentials`, empty body), secrets registered. */
export async function vendCredentials(
  sandbox: LocalSandbox,
  tenant: string,
  user: string,
): Promise<VendedCredentials> {
  const vended = await callApi(sandbox, 'POST', '/v1/credentials', {
    token: devToken(sandbox, tenant, user),
    body: {},
  });
  if (vended.status !== 200) throw new Error(`vending ${tenant}'s credentials answered ${vended.status}`);
  const { accessKeyId, secretAccessKey, sessionToken } = vended.body;
  return { accessKeyId, secretAccessKey, sessionToken };
}

/** An S3 client on the sandbox's S3 front (path-style, as the README says), with `credentials`. */
export function sandboxS3Client(sandbox: LocalSandbox, credentials: VendedCredentials): S3Client {
  return new S3Client({ region: 'eu-west-1', endpoint: sandbox.s3Url, forcePathStyle: true, credentials });
}

/**
 * An IAM client on the sandbox's IAM front as `credvend-admin --local` builds one: signed for us-east-1 (IAM is
 * global), no retries (a refusal is asserted at once), as the operator unless other credentials are given.
 */
export function sandboxIamClient(
  sandbox: LocalSandbox,
  credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  } = sandbox.operatorCredentials,
): IAMClient {
  return new IAMClient({ region: 'us-east-1', endpoint: sandbox.iamUrl, credentials, maxAttempts: 1 });
}

/** Registers the secret fields of any credentials body (credvend, container or credential_process format). */
export function registerVendedSecrets(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const record = body as Record<string, unknown>;
  for (const field of ['secretAccessKey', 'sessionToken', 'SecretAccessKey', 'SessionToken', 'Token']) {
    const value = record[field];
    if (typeof value === 'string') registerSecret(value);
  }
}

/** The emulator's record of a session, read through its loopback inspect endpoint (as a developer would). */
export async function inspectSession(sandbox: LocalSandbox, accessKeyId: string): Promise<SessionRecord> {
  const response = await fetch(`${sandbox.stsUrl}/_emulator/sessions/${accessKeyId}`);
  if (response.status !== 200) throw new Error(`inspect ${accessKeyId}: HTTP ${response.status}`);
  return (await response.json()) as SessionRecord;
}
