/**
 * An emulated account with KMS keys behind the KMS front, for the KMS tests: who may do what is set by the key
 * policies (and, for a key that defers to the account, by the callers' identity policies), as in AWS.
 */
import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EmulatedAccount } from '../../../sandbox/account/account';
import { defaultKeyPolicy, type KmsKeyOptions } from '../../../sandbox/account/signing-keys';
import type { BaseCredentials, PolicyJson, SessionCredentials } from '../../../sandbox/account/types';
import { type KmsEmulator, startKmsEmulator } from '../../../sandbox/kms/server';
import { registerSecret } from '../../support/leak-scan';

export const ACCOUNT_ID = '000000000000';
export const REGION = 'eu-west-1';
/** The role whose sessions mint tokens (the vend function's, in credvend). */
export const SIGNER_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/token-signer`;
export const SIGNER_SESSION_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/token-signer/vend`;
export const SIGNER_USER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/signer`;
export const OUTSIDER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/outsider`;
export const AUDITOR_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/auditor`;

export const EC_KEY_ID = '0b5e4a3c-1d2f-4e6a-8b9c-0d1e2f3a4b5c';
export const RSA_KEY_ID = '7c6d5e4f-3a2b-4c1d-9e8f-7a6b5c4d3e2f';
/** A key whose policy is KMS's default: the account's identity policies decide. */
export const DELEGATED_KEY_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
export const keyArn = (keyId: string) => `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${keyId}`;
export const EC_ARN = keyArn(EC_KEY_ID);
export const RSA_ARN = keyArn(RSA_KEY_ID);
/** A message to sign: the signing input of a small JWT. */
export const JWT_SIGNING_INPUT = new TextEncoder().encode('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9');

/** The signers may sign, read the public key and describe the key; nobody else is named. */
export function signerKeyPolicy(): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TokenSigning',
        Effect: 'Allow',
        Principal: { AWS: [SIGNER_ROLE_ARN, SIGNER_USER_ARN] },
        Action: ['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey'],
        Resource: '*',
      },
    ],
  };
}

function longTermKey(principalArn: string, policies?: Record<string, PolicyJson>): BaseCredentials {
  const credentials = {
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    principalArn,
    ...(policies && { policies }),
  };
  registerSecret(credentials.secretAccessKey);
  return credentials;
}

const allow = (action: string | string[]): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});

export const SIGNER = longTermKey(SIGNER_USER_ARN);
/** Pre-issued credentials of a session of the token-signer role, as the sandbox gives the vend function its own. */
export const FUNCTION = longTermKey(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/token-signer/local`);
/** Allowed everything in KMS by its own policies, named by no key policy. */
export const OUTSIDER = longTermKey(OUTSIDER_ARN, { AllKms: allow('kms:*') });
/** Allowed to read keys, not to sign, by its own policies. */
export const AUDITOR = longTermKey(AUDITOR_ARN, { ReadKeys: allow(['kms:DescribeKey', 'kms:GetPublicKey']) });

const KEYS: readonly KmsKeyOptions[] = [
  {
    keyId: EC_KEY_ID,
    region: REGION,
    keySpec: 'ECC_NIST_P256',
    policy: signerKeyPolicy(),
    description: 'JWTs',
  },
  { keyId: RSA_KEY_ID, region: REGION, keySpec: 'RSA_2048', policy: signerKeyPolicy() },
  { keyId: DELEGATED_KEY_ID, region: REGION, keySpec: 'ECC_NIST_P256', policy: defaultKeyPolicy(ACCOUNT_ID) },
];

/** The account, its front, and a clock the tests may move forward. */
export interface KmsFixture {
  readonly account: EmulatedAccount;
  readonly kms: KmsEmulator;
  /** Moves the account's clock (not the client's) by `ms`. */
  advanceClock(ms: number): void;
  /** A client of the front with `credentials`; no retries unless asked. */
  client(credentials: Credentials, maxAttempts?: number): KMSClient;
  /** A client of the front with SIGNER's key, no retries: the one most tests call with. */
  readonly signer: KMSClient;
  /** Credentials of a new session of the token-signer role, minted as STS mints them, with an optional policy. */
  signerSession(options?: { policy?: PolicyJson; durationSeconds?: number }): SessionCredentials;
  close(): Promise<void>;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export async function startKmsFixture(): Promise<KmsFixture> {
  let offsetMs = 0;
  const account = new EmulatedAccount({
    accountId: ACCOUNT_ID,
    baseCredentials: [SIGNER, FUNCTION, OUTSIDER, AUDITOR],
    roles: [],
    signingKeys: KEYS,
    now: () => Date.now() + offsetMs,
    onSessionMinted: (minted) => {
      registerSecret(minted.secretAccessKey);
      registerSecret(minted.sessionToken);
    },
  });
  const kms = await startKmsEmulator({ account, region: REGION, port: 0 });
  const clients: KMSClient[] = [];
  const client = (credentials: Credentials, maxAttempts = 1) => {
    const built = new KMSClient({ region: REGION, endpoint: kms.url, credentials, maxAttempts });
    clients.push(built);
    return built;
  };
  return {
    account,
    kms,
    advanceClock: (ms) => {
      offsetMs += ms;
    },
    client,
    signer: client(SIGNER),
    signerSession: ({ policy, durationSeconds = 900 } = {}) =>
      account.sessions.issue({
        record: {
          kind: 'AssumeRole',
          arn: SIGNER_SESSION_ARN,
          userId: 'AROAEXAMPLESIGNERROLE:vend',
          accountId: ACCOUNT_ID,
          roleArn: SIGNER_ROLE_ARN,
          roleName: 'token-signer',
          roleSessionName: 'vend',
          ...(policy && { policy: JSON.stringify(policy) }),
          policyArns: [],
          tags: [],
          transitiveTagKeys: [],
        },
        durationSeconds,
        issuer: { arn: SIGNER_USER_ARN, accessKeyId: SIGNER.accessKeyId },
        principal: {
          kind: 'assumed-role',
          arn: SIGNER_SESSION_ARN,
          accountId: ACCOUNT_ID,
          roleName: 'token-signer',
          sessionName: 'vend',
        },
        transitiveTags: [],
      }).credentials,
    close: async () => {
      for (const client of clients) client.destroy();
      await kms.close();
    },
  };
}

/** A request to the front signed with `credentials` (or unsigned), for what the SDK never sends. */
export async function rawKmsRequest(
  url: string,
  options: {
    readonly target: string;
    readonly body: string;
    readonly credentials?: Credentials;
    readonly region?: string;
    readonly signingDate?: Date;
  },
): Promise<{ status: number; body: unknown }> {
  const endpoint = new URL(url);
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: endpoint.hostname,
    port: Number(endpoint.port),
    path: '/',
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': options.target,
    },
    body: options.body,
  });
  const signed =
    options.credentials === undefined
      ? request
      : await new SignatureV4({
          service: 'kms',
          region: options.region ?? REGION,
          credentials: options.credentials,
          sha256: Hash.bind(null, 'sha256'),
        }).sign(request, options.signingDate === undefined ? {} : { signingDate: options.signingDate });
  const response = await fetch(endpoint, { method: 'POST', headers: signed.headers, body: options.body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? '' : JSON.parse(text) };
}
