/** The STS emulator against the real @aws-sdk/client-sts (and raw SigV4 requests): it must behave like STS. */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  type Credentials,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { Hash } from '@smithy/hash-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { type StsEmulator, type StsEmulatorOptions, startStsEmulator } from '../../sandbox/sts-emulator';
import { registerSecret } from '../support/leak-scan';

const ACCOUNT = '000000000000';
const VEND = {
  accessKeyId: 'AKIAVENDFUNCTION0001',
  secretAccessKey: 'vend-function-secret-key-0000000000000001',
  principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/credvend-vend-function/local`,
};
const DEV_USER = {
  accessKeyId: 'AKIADEVUSER000000001',
  secretAccessKey: 'dev-user-secret-key-00000000000000000001',
  principalArn: `arn:aws:iam::${ACCOUNT}:user/dev`,
};
const STRANGER = {
  accessKeyId: 'AKIASTRANGER00000001',
  secretAccessKey: 'stranger-secret-key-00000000000000000001',
  principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/other-function/local`,
};
const TENANT_ROLE = `arn:aws:iam::${ACCOUNT}:role/credvend-tenant-access`;
const PARTNER_ROLE = `arn:aws:iam::${ACCOUNT}:role/partner-audit`;
const CHAIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/chain-target`;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/tenants/acme/*' }],
});

const OPTIONS: StsEmulatorOptions = {
  baseCredentials: [VEND, DEV_USER, STRANGER],
  roles: [
    {
      roleName: 'credvend-tenant-access',
      maxSessionDurationSeconds: 43200,
      trust: {
        principals: [`arn:aws:iam::${ACCOUNT}:role/credvend-vend-function`],
        requireTags: ['tenant'],
        allowSourceIdentity: true,
      },
    },
    {
      roleName: 'partner-audit',
      maxSessionDurationSeconds: 7200,
      trust: { principals: [DEV_USER.principalArn], externalId: 'partner-external-id-1' },
    },
    {
      roleName: 'chain-target',
      trust: { principals: [TENANT_ROLE], allowTagKeys: ['*'], allowSourceIdentity: true },
    },
  ],
};

let emulator: StsEmulator;
let clockOffsetMs = 0;
const clients: STSClient[] = [];

beforeAll(async () => {
  emulator = await startStsEmulator({ ...OPTIONS, now: () => Date.now() + clockOffsetMs });
});
afterEach(() => {
  clockOffsetMs = 0;
  emulator.setFaults({});
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(() => emulator.close());

type FinalizeMiddleware = Parameters<STSClient['middlewareStack']['addRelativeTo']>[0];
type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function stsClient(credentials: Creds, options: { maxAttempts?: number; requestTimeout?: number } = {}) {
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials,
    maxAttempts: options.maxAttempts ?? 1,
    requestHandler: new NodeHttpHandler({
      requestTimeout: options.requestTimeout ?? 5000,
      throwOnRequestTimeout: true,
    }),
  });
  clients.push(client);
  return client;
}

function asCreds(credentials: Credentials | undefined): Creds {
  const { AccessKeyId, SecretAccessKey, SessionToken } = credentials ?? {};
  if (!AccessKeyId || !SecretAccessKey || !SessionToken)
    throw new Error('AssumeRole returned no credentials');
  registerSecret(SecretAccessKey);
  registerSecret(SessionToken);
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken };
}

const tenantRequest = (overrides: Partial<AssumeRoleCommandInput> = {}): AssumeRoleCommandInput => ({
  RoleArn: TENANT_ROLE,
  RoleSessionName: 'acme-alice',
  DurationSeconds: 900,
  Policy: POLICY,
  Tags: [{ Key: 'tenant', Value: 'acme' }],
  SourceIdentity: 'alice',
  ...overrides,
});

async function vend(overrides: Partial<AssumeRoleCommandInput> = {}) {
  const output = await stsClient(VEND).send(new AssumeRoleCommand(tenantRequest(overrides)));
  return { output, credentials: asCreds(output.Credentials) };
}

/** The error a promise rejects with, as the SDK shaped it. */
async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail, it succeeded');
    },
    (e: unknown) =>
      e as { name: string; message: string; $metadata?: { httpStatusCode?: number; attempts?: number } },
  );
  return {
    name: error.name,
    message: error.message,
    status: error.$metadata?.httpStatusCode,
    attempts: error.$metadata?.attempts,
  };
}

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends an HTTP request to the emulator on a fresh connection (no keep-alive agent left behind). */
function sendRaw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | Buffer = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: emulator.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A query-protocol request signed with SigV4 outside the SDK, optionally altered after signing. */
async function signedRaw(options: {
  body?: string;
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  credentials?: Creds;
  signingDate?: Date;
  applyChecksum?: boolean;
  tamper?: (signed: HttpRequest) => void;
}): Promise<RawResponse> {
  const method = options.method ?? 'POST';
  const host = `127.0.0.1:${emulator.port}`;
  const unsigned = new HttpRequest({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: emulator.port,
    path: '/',
    query: options.query ?? {},
    headers: {
      host,
      ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
    },
    ...(method === 'POST' ? { body: options.body ?? '' } : {}),
  });
  const signer = new SignatureV4({
    service: 'sts',
    region: 'us-east-1',
    credentials: options.credentials ?? DEV_USER,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: options.applyChecksum ?? true,
  });
  const signed = (await signer.sign(unsigned, {
    signingDate: options.signingDate ?? new Date(),
  })) as HttpRequest;
  options.tamper?.(signed);
  const query = new URLSearchParams(signed.query as Record<string, string>).toString();
  return sendRaw(
    method,
    query === '' ? '/' : `/?${query}`,
    signed.headers,
    (signed.body as string | undefined) ?? '',
  );
}

const codeOf = (response: RawResponse) => /<Code>([^<]*)<\/Code>/.exec(response.body)?.[1];
const messageOf = (response: RawResponse) => /<Message>([^<]*)<\/Message>/.exec(response.body)?.[1];

const assumeAs = (credentials: Creds, input: AssumeRoleCommandInput) =>
  failure(stsClient(credentials).send(new AssumeRoleCommand(input)));

describe('STS emulator', () => {
  describe('AssumeRole and GetCallerIdentity with the real SDK', () => {
    it('vends ASIA credentials that GetCallerIdentity answers with the assumed-role ARN and session name', async () => {
      const before = Date.now();
      const { output, credentials } = await vend();

      expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(credentials.secretAccessKey).toHaveLength(40);
      expect(credentials.sessionToken?.length).toBeGreaterThan(200);
      const expiresIn = (output.Credentials?.Expiration?.getTime() ?? 0) - before;
      expect(expiresIn).toBeGreaterThan(898_000);
      expect(expiresIn).toBeLessThanOrEqual(901_000);
      expect(output.AssumedRoleUser).toEqual({
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/credvend-tenant-access/acme-alice`,
        AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:acme-alice$/),
      });
      expect(output.SourceIdentity).toBe('alice');
      expect(output.PackedPolicySize).toBeGreaterThan(0);
      expect(output.PackedPolicySize).toBeLessThan(20);

      const identity = await stsClient(credentials).send(new GetCallerIdentityCommand({}));
      expect(identity).toMatchObject({
        Arn: output.AssumedRoleUser?.Arn,
        UserId: output.AssumedRoleUser?.AssumedRoleId,
        Account: ACCOUNT,
      });
    });

    it('answers GetCallerIdentity for base credentials with their configured principal', async () => {
      const identity = await stsClient(VEND).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(VEND.principalArn);
      expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:local$/);
      expect(identity.Account).toBe(ACCOUNT);
    });

    it('omits PackedPolicySize when neither a policy nor tags are passed, and allows a user up to the role maximum', async () => {
      const output = await stsClient(DEV_USER).send(
        new AssumeRoleCommand({
          RoleArn: PARTNER_ROLE,
          RoleSessionName: 'audit',
          ExternalId: 'partner-external-id-1',
          DurationSeconds: 7200,
        }),
      );
      expect(output.PackedPolicySize).toBeUndefined();
      expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    });

    it('passes transitive tags and the source identity on along a role chain, and refuses to change the source identity', async () => {
      const { credentials } = await vend({ TransitiveTagKeys: ['tenant'] });
      const chained = await stsClient(credentials).send(
        new AssumeRoleCommand({
          RoleArn: CHAIN_ROLE,
          RoleSessionName: 'hop',
          Tags: [{ Key: 'step', Value: '2' }],
        }),
      );
      expect(chained.SourceIdentity).toBe('alice');
      const record = emulator.inspect(chained.Credentials?.AccessKeyId ?? '');
      expect(record?.tags).toEqual([
        { Key: 'tenant', Value: 'acme' },
        { Key: 'step', Value: '2' },
      ]);
      expect(record?.transitiveTagKeys).toEqual(['tenant']);
      expect(record?.issuerArn).toBe(
        `arn:aws:sts::${ACCOUNT}:assumed-role/credvend-tenant-access/acme-alice`,
      );

      const changed = await assumeAs(credentials, {
        RoleArn: CHAIN_ROLE,
        RoleSessionName: 'hop',
        SourceIdentity: 'mallory',
      });
      expect(changed).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(changed.message).toBe('The source identity is already set for this assume role session');
    });

    it('issues GetSessionToken credentials that keep the user identity, and refuses session credentials', async () => {
      const output = await stsClient(DEV_USER).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      const identity = await stsClient(asCreds(output.Credentials)).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(DEV_USER.principalArn);
      expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);

      const refused = await failure(stsClient(VEND).send(new GetSessionTokenCommand({})));
      expect(refused).toEqual({
        name: 'AccessDenied',
        status: 403,
        attempts: 1,
        message: 'Cannot call GetSessionToken with session credentials',
      });
    });
  });

  describe('rejects what AWS rejects, with the error name and status the SDK sees from AWS', () => {
    it('refuses a chained AssumeRole above 3600 seconds even when the role allows 12 hours', async () => {
      const refused = await assumeAs(VEND, tenantRequest({ DurationSeconds: 3601 }));
      expect(refused).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(refused.message).toBe(
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
      await expect(vend({ DurationSeconds: 3600 })).resolves.toBeDefined();
    });

    it("refuses a duration above the role's MaxSessionDuration", async () => {
      const refused = await assumeAs(DEV_USER, {
        RoleArn: PARTNER_ROLE,
        RoleSessionName: 'audit',
        ExternalId: 'partner-external-id-1',
        DurationSeconds: 7201,
      });
      expect(refused).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(refused.message).toBe(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    });

    it('checks DurationSeconds against the API range before any role limit', async () => {
      const tooShort = await assumeAs(VEND, tenantRequest({ DurationSeconds: 899 }));
      expect(tooShort).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(tooShort.message).toBe(
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      );
      const tooLong = await assumeAs(VEND, tenantRequest({ DurationSeconds: 43201 }));
      expect(tooLong.message).toContain('Member must have value less than or equal to 43200');
    });

    it('refuses a RoleSessionName outside 2-64 characters of [\\w+=,.@-]', async () => {
      const spaced = await assumeAs(VEND, tenantRequest({ RoleSessionName: 'acme alice' }));
      expect(spaced).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(spaced.message).toBe(
        "1 validation error detected: Value 'acme alice' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      );
      const long = await assumeAs(VEND, tenantRequest({ RoleSessionName: 'a'.repeat(65) }));
      expect(long.message).toContain('Member must have length less than or equal to 64');
      const short = await assumeAs(VEND, tenantRequest({ RoleSessionName: 'a' }));
      expect(short.message).toContain('Member must have length greater than or equal to 2');
    });

    it('refuses a SourceIdentity with characters outside the pattern (aws: included) or longer than 64', async () => {
      for (const sourceIdentity of ['alice smith', 'aws:alice', 'x'.repeat(65)]) {
        const refused = await assumeAs(VEND, tenantRequest({ SourceIdentity: sourceIdentity }));
        expect(refused).toMatchObject({ name: 'ValidationError', status: 400 });
        expect(refused.message).toContain(
          `Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint`,
        );
      }
    });

    it('refuses a session policy over 2048 characters', async () => {
      const resources = Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::data/tenants/acme/${i}/*`);
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources }],
      });
      expect(policy.length).toBeGreaterThan(2048);
      const refused = await assumeAs(VEND, tenantRequest({ Policy: policy }));
      expect(refused).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(refused.message).toContain(
        "at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048",
      );
    });

    it('refuses a malformed policy document as MalformedPolicyDocumentException', async () => {
      const notJson = await assumeAs(
        VEND,
        tenantRequest({ Policy: '{"Version":"2012-10-17","Statement":[' }),
      );
      expect(notJson).toEqual({
        name: 'MalformedPolicyDocumentException',
        status: 400,
        attempts: 1,
        message: 'Syntax errors in policy.',
      });
      const withPrincipal = await assumeAs(
        VEND,
        tenantRequest({
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
          }),
        }),
      );
      expect(withPrincipal).toMatchObject({
        name: 'MalformedPolicyDocumentException',
        message: 'Policy document should not specify a principal.',
      });
    });

    it('refuses a policy and tags whose packed size exceeds 100% as PackedPolicyTooLargeException', async () => {
      // Long high-entropy tag values pack badly, as they do on AWS: each one is valid, together they are too big.
      const noise = (i: number) =>
        [0, 1, 2, 3].map((j) => createHash('sha256').update(`tag-${i}-${j}`).digest('hex')).join('');
      const tags = Array.from({ length: 16 }, (_, i) => ({ Key: `k${i}`, Value: noise(i) }));
      const refused = await assumeAs(
        VEND,
        tenantRequest({ Tags: [{ Key: 'tenant', Value: 'acme' }, ...tags] }),
      );
      expect(refused).toMatchObject({ name: 'PackedPolicyTooLargeException', status: 400 });
      expect(refused.message).toMatch(/^Packed policy consumes 1\d\d% of allotted space/);

      const fewer = await vend({ Tags: [{ Key: 'tenant', Value: 'acme' }, ...tags.slice(0, 8)] });
      expect(fewer.output.PackedPolicySize).toBeGreaterThan(50);
      expect(fewer.output.PackedPolicySize).toBeLessThanOrEqual(100);
    });

    it("refuses callers, tags and external ids that the role's trust policy does not admit", async () => {
      const deniedTo = (caller: string, action: string, role: string) =>
        `User: ${caller} is not authorized to perform: ${action} on resource: ${role}`;

      const stranger = await assumeAs(STRANGER, tenantRequest());
      expect(stranger).toEqual({
        name: 'AccessDenied',
        status: 403,
        attempts: 1,
        message: deniedTo(STRANGER.principalArn, 'sts:AssumeRole', TENANT_ROLE),
      });
      const untagged = await assumeAs(VEND, tenantRequest({ Tags: [] }));
      expect(untagged.message).toBe(deniedTo(VEND.principalArn, 'sts:AssumeRole', TENANT_ROLE));
      const partner = { RoleArn: PARTNER_ROLE, RoleSessionName: 'audit' };
      const wrongExternalId = await assumeAs(DEV_USER, { ...partner, ExternalId: 'guessed-id' });
      expect(wrongExternalId.message).toBe(deniedTo(DEV_USER.principalArn, 'sts:AssumeRole', PARTNER_ROLE));
      const noExternalId = await assumeAs(DEV_USER, partner);
      expect(noExternalId.name).toBe('AccessDenied');
      const tagged = await assumeAs(DEV_USER, {
        ...partner,
        ExternalId: 'partner-external-id-1',
        Tags: [{ Key: 'tenant', Value: 'acme' }],
      });
      expect(tagged.message).toBe(deniedTo(DEV_USER.principalArn, 'sts:TagSession', PARTNER_ROLE));
      const unknownRole = `arn:aws:iam::${ACCOUNT}:role/does-not-exist`;
      const missing = await assumeAs(VEND, tenantRequest({ RoleArn: unknownRole }));
      expect(missing).toMatchObject({ name: 'AccessDenied', status: 403 });
      expect(missing.message).toBe(deniedTo(VEND.principalArn, 'sts:AssumeRole', unknownRole));
    });

    it('refuses duplicate tag keys (case-insensitively) and transitive keys that are not tags', async () => {
      const duplicate = await assumeAs(
        VEND,
        tenantRequest({
          Tags: [
            { Key: 'tenant', Value: 'acme' },
            { Key: 'Tenant', Value: 'globex' },
          ],
        }),
      );
      expect(duplicate).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
      const transitive = await assumeAs(VEND, tenantRequest({ TransitiveTagKeys: ['user'] }));
      expect(transitive).toMatchObject({ name: 'InvalidParameterValue', status: 400 });
    });

    it('refuses a request whose body was changed after signing', async () => {
      const client = stsClient(VEND);
      // Runs right after the SDK signed the request, like a proxy that rewrites it on the way.
      const tamperAfterSigning =
        (next: (args: { request: HttpRequest }) => Promise<unknown>) =>
        async (args: { request: HttpRequest }) => {
          args.request.body = String(args.request.body).replace('acme-alice', 'acme-eve01');
          return next(args);
        };
      client.middlewareStack.addRelativeTo(tamperAfterSigning as unknown as FinalizeMiddleware, {
        relation: 'after',
        toMiddleware: 'httpSigningMiddleware',
        name: 'tamperAfterSigning',
      });
      const refused = await failure(client.send(new AssumeRoleCommand(tenantRequest())));
      expect(refused).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
      expect(refused.message).toMatch(
        /^The request signature we calculated does not match the signature you provided/,
      );
      expect(emulator.calls.at(-1)).toEqual({
        action: 'AssumeRole',
        accessKeyId: VEND.accessKeyId,
        status: 403,
      });
    });

    it('refuses a tampered request even when no payload hash header was signed', async () => {
      const body = 'Action=GetCallerIdentity&Version=2011-06-15';
      const intact = await signedRaw({ body, applyChecksum: false });
      expect(intact.status).toBe(200);
      const tampered = await signedRaw({
        body,
        applyChecksum: false,
        tamper: (signed) => {
          signed.body = `${body}&Extra=1`;
          signed.headers['content-length'] = String(Buffer.byteLength(String(signed.body)));
        },
      });
      expect(tampered.status).toBe(403);
      expect(codeOf(tampered)).toBe('SignatureDoesNotMatch');
    });

    it('refuses a wrong secret as SignatureDoesNotMatch and an unknown access key as InvalidClientTokenId', async () => {
      const wrongSecret = await failure(
        stsClient({ ...VEND, secretAccessKey: 'not-the-secret' }).send(new GetCallerIdentityCommand({})),
      );
      expect(wrongSecret).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
      const unknown = await failure(
        stsClient({ accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' }).send(
          new GetCallerIdentityCommand({}),
        ),
      );
      expect(unknown).toEqual({
        name: 'InvalidClientTokenId',
        status: 403,
        attempts: 1,
        message: 'The security token included in the request is invalid.',
      });
    });

    it('refuses expired session credentials as ExpiredToken (HTTP 403, like real STS)', async () => {
      const { credentials } = await vend({ DurationSeconds: 900 });
      clockOffsetMs = 901_000;
      const expired = await failure(stsClient(credentials).send(new GetCallerIdentityCommand({})));
      expect(expired).toEqual({
        name: 'ExpiredToken',
        status: 403,
        attempts: 1,
        message: 'The security token included in the request is expired',
      });
      expect(emulator.inspect(credentials.accessKeyId)?.expired).toBe(true);
    });

    it("refuses session credentials without their session token, or with another session's", async () => {
      const first = await vend();
      const second = await vend();
      const { sessionToken: _omitted, ...withoutToken } = first.credentials;
      const missing = await failure(stsClient(withoutToken).send(new GetCallerIdentityCommand({})));
      expect(missing).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
      const swapped = { ...first.credentials, sessionToken: second.credentials.sessionToken ?? '' };
      const mismatched = await failure(stsClient(swapped).send(new GetCallerIdentityCommand({})));
      expect(mismatched).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    });

    it('refuses an unsigned request as MissingAuthenticationToken', async () => {
      const response = await sendRaw(
        'POST',
        '/',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'Action=GetCallerIdentity&Version=2011-06-15',
      );
      expect(response.status).toBe(403);
      expect(codeOf(response)).toBe('MissingAuthenticationToken');
      expect(response.body).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
      expect(response.body).toMatch(/<Type>Sender<\/Type>[\s\S]*<RequestId>[0-9a-f-]{36}<\/RequestId>/);
    });

    it('refuses a request signed more than 15 minutes ago', async () => {
      const signingDate = new Date(Date.now() - 20 * 60_000);
      const response = await signedRaw({ body: 'Action=GetCallerIdentity&Version=2011-06-15', signingDate });
      expect(response.status).toBe(403);
      expect(codeOf(response)).toBe('SignatureDoesNotMatch');
      expect(messageOf(response)).toMatch(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/,
      );
    });

    it("lets the SDK correct its clock from the emulator's Date header and retry, as against AWS", async () => {
      clockOffsetMs = 20 * 60_000;
      emulator.resetCalls();
      const identity = await stsClient(VEND, { maxAttempts: 3 }).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(VEND.principalArn);
      expect(emulator.calls.map((call) => call.status)).toEqual([403, 200]);
    });

    it('answers unknown actions with InvalidAction and undecodable numbers with MalformedInput', async () => {
      const unknown = await signedRaw({ body: 'Action=FlyToTheMoon&Version=2011-06-15' });
      expect(unknown.status).toBe(400);
      expect(codeOf(unknown)).toBe('InvalidAction');
      expect(messageOf(unknown)).toBe('Could not find operation FlyToTheMoon for version 2011-06-15');
      const notImplemented = await signedRaw({ body: 'Action=AssumeRoleWithSAML&Version=2011-06-15' });
      expect(codeOf(notImplemented)).toBe('InvalidAction');
      const badNumber = await signedRaw({
        body: `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(PARTNER_ROLE)}&RoleSessionName=x1&DurationSeconds=1.5`,
      });
      expect(badNumber.status).toBe(400);
      expect(codeOf(badNumber)).toBe('MalformedInput');
    });
  });

  describe('the HTTP surface', () => {
    it('accepts GET requests with the parameters in a signed query string, as STS does', async () => {
      const response = await signedRaw({
        method: 'GET',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/xml');
      expect(response.body).toContain(`<Arn>${DEV_USER.principalArn}</Arn>`);
    });

    it('answers a body with a broken percent escape with 400 MalformedQueryString', async () => {
      const response = await signedRaw({ body: 'Action=GetCallerIdentity&Version=2011-06-15&X=%E0%A4%A' });
      expect(response.status).toBe(400);
      expect(codeOf(response)).toBe('MalformedQueryString');
    });

    it('answers a body over 64 KiB with 413, and other methods or paths with 404', async () => {
      const big = `Action=GetCallerIdentity&Version=2011-06-15&Pad=${'x'.repeat(70_000)}`;
      const tooLarge = await sendRaw(
        'POST',
        '/',
        { 'content-type': 'application/x-www-form-urlencoded' },
        big,
      );
      expect(tooLarge.status).toBe(413);
      expect((await sendRaw('PUT', '/', {})).status).toBe(404);
      expect((await sendRaw('POST', '/v1/other', {})).status).toBe(404);
    });
  });

  describe('injected faults and latency', () => {
    const callerIdentity = (maxAttempts: number, requestTimeout?: number) =>
      stsClient(VEND, { maxAttempts, ...(requestTimeout === undefined ? {} : { requestTimeout }) }).send(
        new GetCallerIdentityCommand({}),
      );

    it('injects throttling that the SDK recognises and retries', async () => {
      emulator.resetCalls();
      emulator.setFaults({ failNext: { code: 'Throttling', count: 1 } });
      const identity = await callerIdentity(3);
      expect(identity.$metadata.attempts).toBe(2);
      expect(emulator.calls).toEqual([
        { action: 'GetCallerIdentity', accessKeyId: VEND.accessKeyId, status: 400 },
        { action: 'GetCallerIdentity', accessKeyId: VEND.accessKeyId, status: 200 },
      ]);

      emulator.setFaults({ throttleRate: 1 });
      const throttled = await failure(callerIdentity(1));
      expect(throttled).toEqual({ name: 'Throttling', status: 400, attempts: 1, message: 'Rate exceeded' });
    });

    it('injects 500 InternalFailure and 503 ServiceUnavailable that the SDK retries', async () => {
      for (const code of ['InternalFailure', 'ServiceUnavailable'] as const) {
        emulator.resetCalls();
        emulator.setFaults({ failNext: { code, count: 2 } });
        const identity = await callerIdentity(3);
        expect(identity.$metadata.attempts).toBe(3);
        const status = code === 'InternalFailure' ? 500 : 503;
        expect(emulator.calls.map((call) => call.status)).toEqual([status, status, 200]);
      }
      emulator.setFaults({ serverErrorRate: 1 });
      const failed = await failure(callerIdentity(1));
      expect(['InternalFailure', 'ServiceUnavailable']).toContain(failed.name);
      expect([500, 503]).toContain(failed.status);
    });

    it('delays every answer by the configured latency', async () => {
      emulator.setFaults({ latencyMs: 250 });
      const started = performance.now();
      await callerIdentity(1);
      expect(performance.now() - started).toBeGreaterThanOrEqual(245);
      emulator.setFaults({});
      const quick = performance.now();
      await callerIdentity(1);
      expect(performance.now() - quick).toBeLessThan(200);
    });

    it('leaves a hanging request unanswered until the client gives up', async () => {
      emulator.resetCalls();
      emulator.setFaults({ hangRate: 1 });
      const timedOut = await failure(callerIdentity(1, 200));
      expect(timedOut.name).toBe('TimeoutError');
      expect(emulator.calls).toEqual([
        { action: 'GetCallerIdentity', accessKeyId: VEND.accessKeyId, status: 0 },
      ]);
    });

    it('refuses fault settings that mean nothing', () => {
      expect(() => emulator.setFaults({ throttleRate: 1.5 })).toThrow(RangeError);
      expect(() => emulator.setFaults({ latencyMs: -1 })).toThrow(RangeError);
      expect(() => emulator.setFaults({ failNext: { code: 'Throttling', count: 0.5 } })).toThrow(RangeError);
    });
  });

  describe('the inspect endpoint', () => {
    it('shows the session policy, tags, source identity and expiry of a vended session, never its secrets', async () => {
      const { output, credentials } = await vend({ TransitiveTagKeys: ['tenant'] });
      const response = await sendRaw('GET', `/_emulator/sessions/${credentials.accessKeyId}`, {
        host: `127.0.0.1:${emulator.port}`,
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      const record = JSON.parse(response.body);
      expect(record).toMatchObject({
        accessKeyId: credentials.accessKeyId,
        kind: 'AssumeRole',
        arn: output.AssumedRoleUser?.Arn,
        roleArn: TENANT_ROLE,
        roleSessionName: 'acme-alice',
        policy: POLICY,
        tags: [{ Key: 'tenant', Value: 'acme' }],
        transitiveTagKeys: ['tenant'],
        sourceIdentity: 'alice',
        durationSeconds: 900,
        expiration: output.Credentials?.Expiration?.toISOString().replace('.000Z', 'Z'),
        expired: false,
        issuerArn: VEND.principalArn,
        issuerAccessKeyId: VEND.accessKeyId,
        packedPolicySize: output.PackedPolicySize,
      });
      expect(emulator.inspect(credentials.accessKeyId)).toEqual(record);
      expect(response.body).not.toContain(credentials.secretAccessKey);
      expect(response.body).not.toContain(credentials.sessionToken);
    });

    it('answers 404 for an unknown key and 403 for a non-loopback Host header', async () => {
      const host = `127.0.0.1:${emulator.port}`;
      expect((await sendRaw('GET', '/_emulator/sessions/ASIAUNKNOWNKEY000000', { host })).status).toBe(404);
      expect(
        (await sendRaw('GET', '/_emulator/sessions/ASIAUNKNOWNKEY000000', { host: 'evil.example:80' }))
          .status,
      ).toBe(403);
      expect(emulator.inspect(VEND.accessKeyId)).toBeUndefined();
    });
  });

  describe('its lifecycle', () => {
    it('refuses to listen on a non-loopback address', async () => {
      for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
        await expect(startStsEmulator({ ...OPTIONS, host })).rejects.toThrow(/only loopback hosts/);
      }
    });

    it('reports a port already in use', async () => {
      await expect(startStsEmulator({ ...OPTIONS, port: emulator.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    });

    it('refuses roles and credentials it could not emulate', async () => {
      const role = OPTIONS.roles[0];
      if (role === undefined) throw new Error('fixture has roles');
      await expect(
        startStsEmulator({ ...OPTIONS, roles: [{ ...role, maxSessionDurationSeconds: 50_000 }] }),
      ).rejects.toThrow(/3600\.\.43200/);
      await expect(
        startStsEmulator({ ...OPTIONS, baseCredentials: [{ ...VEND, principalArn: 'arn:aws:s3:::bucket' }] }),
      ).rejects.toThrow(/principalArn/);
    });

    it('forgets the oldest sessions beyond maxSessions, whose credentials then stop working', async () => {
      const own = await startStsEmulator({ ...OPTIONS, maxSessions: 2 });
      const client = new STSClient({
        region: 'us-east-1',
        endpoint: own.url,
        credentials: VEND,
        maxAttempts: 1,
      });
      try {
        const vended = [];
        for (const name of ['first', 'second', 'third']) {
          const output = await client.send(new AssumeRoleCommand(tenantRequest({ RoleSessionName: name })));
          vended.push(asCreds(output.Credentials));
        }
        expect(vended.map((c) => own.inspect(c.accessKeyId)?.roleSessionName)).toEqual([
          undefined,
          'second',
          'third',
        ]);
        const forgotten = new STSClient({
          region: 'us-east-1',
          endpoint: own.url,
          credentials: vended[0],
          maxAttempts: 1,
        });
        const refused = await failure(forgotten.send(new GetCallerIdentityCommand({})));
        forgotten.destroy();
        expect(refused.name).toBe('InvalidClientTokenId');
      } finally {
        client.destroy();
        await own.close();
      }
    });

    it('closes keep-alive and hanging connections alike, and only once', async () => {
      const own = await startStsEmulator({ ...OPTIONS, faults: { failNext: { code: 'Hang', count: 1 } } });
      const client = new STSClient({
        region: 'us-east-1',
        endpoint: own.url,
        credentials: VEND,
        maxAttempts: 1,
      });
      const hanging = client.send(new GetCallerIdentityCommand({})).then(
        () => 'answered',
        (e: Error) => e.name,
      );
      while (own.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.all([own.close(), own.close()]);
      await expect(hanging).resolves.not.toBe('answered');
      client.destroy();
    });
  });
});
