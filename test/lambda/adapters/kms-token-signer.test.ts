import 'aws-sdk-client-mock-jest';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import {
  DependencyTimeoutException,
  DisabledException,
  GetPublicKeyCommand,
  KeyUnavailableException,
  KMSClient,
  KMSInternalException,
  NotFoundException,
  SignCommand,
} from '@aws-sdk/client-kms';
import { JwtVerifier } from 'aws-jwt-verify';
import {
  KMS_RAW_MESSAGE_MAX_BYTES,
  KmsTokenSigner,
  mapKmsError,
} from '../../../lambda/adapters/kms-token-signer';
import {
  IssuerRejectedError,
  ThrottledError,
  UpstreamUnavailableError,
  VendingError,
} from '../../../lambda/core/errors';
import type { PublicJwk } from '../../../lambda/core/oidc-issuer';
import {
  jwsSigningInput,
  type WebIdentityClaims,
  webIdentityClaims,
} from '../../../lambda/core/web-identity-token';
import { failureOf } from '../../support/async';
import { answerAsKms, FakeKmsKey, type KmsStub, kmsError } from '../../support/kms-keys';
import { registerSecret } from '../../support/leak-scan';
import { mockClients } from '../../support/mocked-clients';

const ISSUER = 'https://credvend.example.com/prod';
const AUDIENCE = 'credvend';
const REJECTED_MESSAGE =
  'The credential issuer refused to issue credentials for this tenant; the platform team has to act.';
const UNAVAILABLE_MESSAGE = 'The credential issuer is temporarily unavailable; retry shortly.';
const CREDENTIALS = { accessKeyId: 'AKIDKMSTEST000000001', secretAccessKey: 'kms-test-secret-key-0001' };
registerSecret(CREDENTIALS.secretAccessKey);

const ec = new FakeKmsKey('ECC_NIST_P256');
const rsa = new FakeKmsKey('RSA_2048', { region: 'us-east-1' });

/** Claims for alice of acme at `nowMs`. */
function claimsAt(nowMs = Date.now()): WebIdentityClaims {
  return webIdentityClaims(
    {
      tenantId: 'acme',
      sourceIdentity: 'alice',
      tags: [{ key: 'tenant', value: 'acme' }],
      transitiveTagKeys: ['tenant'],
    },
    { issuer: ISSUER, audience: AUDIENCE },
    nowMs,
    '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  );
}

const parts = (token: string) => {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
};

/** Whether node:crypto verifies `signature` over `signingInput` with the EC key pair, read in `dsaEncoding`. */
function verifiesEs256(signingInput: string, signature: Buffer, dsaEncoding: 'ieee-p1363' | 'der'): boolean {
  return verify('sha256', Buffer.from(signingInput), { key: ec.publicKey, dsaEncoding }, signature);
}

/** Verifies a token the way STS would: aws-jwt-verify with exactly the published keys. */
async function verifiedBy(keys: readonly PublicJwk[], token: string) {
  const verifier = JwtVerifier.create({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: `${ISSUER}/.well-known/jwks.json`,
  });
  verifier.cacheJwks({ keys: keys.map((k) => ({ ...k })) });
  return verifier.verify(token);
}

/** The options of the last call a stub received. */
function lastCallOptions(stub: KmsStub): { abortSignal?: AbortSignal } | undefined {
  const call = stub.send.lastCall;
  if (call === null) throw new Error('no call was made');
  return (call.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
}

describe('KmsTokenSigner', () => {
  const { stub: kms, clientFactory } = mockClients(KMSClient, { credentials: CREDENTIALS });
  const signerWith = (keyIds: readonly string[] = [ec.arn, rsa.arn], options: { deadlineMs?: number } = {}) =>
    new KmsTokenSigner({ keyIds, region: 'eu-west-1', clientFactory, ...options });

  beforeEach(() => {
    answerAsKms(kms, [ec, rsa]);
  });

  describe('signs', () => {
    it('an ES256 token whose 64-byte R‖S signature node:crypto verifies with the key pair', async () => {
      const claims = claimsAt();
      const token = await signerWith([ec.arn]).sign(claims);
      registerSecret(token);
      const { header, payload, signingInput, signature } = parts(token);

      expect(header).toStrictEqual({ alg: 'ES256', kid: ec.keyId, typ: 'JWT' });
      expect(payload).toStrictEqual(claims);
      expect(signature).toHaveLength(64);
      expect(verifiesEs256(signingInput, signature, 'ieee-p1363')).toBe(true);
      // The DER form KMS returned is not what the token carries.
      expect(verifiesEs256(signingInput, signature, 'der')).toBe(false);
    });

    it('an RS256 token whose PKCS#1 v1.5 signature node:crypto verifies with the key pair', async () => {
      const token = await signerWith([rsa.arn]).sign(claimsAt());
      registerSecret(token);
      const { header, signingInput, signature } = parts(token);

      expect(header).toStrictEqual({ alg: 'RS256', kid: rsa.keyId, typ: 'JWT' });
      expect(signature).toHaveLength(256);
      expect(verify('sha256', Buffer.from(signingInput), rsa.publicKey, signature)).toBe(true);
    });

    it.each([
      ['ES256', ec],
      ['RS256', rsa],
    ])('an %s token that aws-jwt-verify accepts with the published keys', async (alg, key) => {
      const signer = signerWith([key.arn]);
      const token = await signer.sign(claimsAt());
      registerSecret(token);

      await expect(verifiedBy(await signer.publicKeys(), token)).resolves.toMatchObject({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'acme:alice',
      });
      expect(parts(token).header.alg).toBe(alg);
    });

    it('sends KMS exactly the RAW signing input, the key as configured, and the algorithm of its KeySpec', async () => {
      const claims = claimsAt();
      await signerWith().sign(claims);
      const input = jwsSigningInput({ alg: 'ES256', kid: ec.keyId, typ: 'JWT' }, claims);

      expect(kms).toHaveReceivedCommandTimes(SignCommand, 1);
      const sent = kms.commandCalls(SignCommand)[0]?.args[0].input;
      expect(sent).toStrictEqual({
        KeyId: ec.arn,
        Message: Buffer.from(input, 'utf8'),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      });
    });

    it('converts DER signatures whose R or S is shorter than 32 bytes', async () => {
      const claims = claimsAt();
      const input = Buffer.from(jwsSigningInput({ alg: 'ES256', kid: ec.keyId, typ: 'JWT' }, claims));
      // About one signature in 128 has an R or S below 2^248 (31 bytes or less in DER): search for one.
      let short: Uint8Array | undefined;
      for (let i = 0; i < 20_000 && short === undefined; i++) {
        const der = ec.signRaw(input);
        const rLength = der[3] ?? 0;
        const sLength = der[4 + rLength + 1] ?? 0;
        if (rLength < 32 || sLength < 32) short = der;
      }
      if (short === undefined) throw new Error('no short ECDSA signature found');
      kms.on(SignCommand).resolves({ Signature: short });

      const { signingInput, signature } = parts(await signerWith([ec.arn]).sign(claims));

      expect(signature).toHaveLength(64);
      expect(verifiesEs256(signingInput, signature, 'ieee-p1363')).toBe(true);
    });

    it('signs with the first key only, and reads it from KMS once per container', async () => {
      const signer = signerWith([rsa.arn, ec.arn]);
      for (let i = 0; i < 3; i++) await signer.sign(claimsAt());

      expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 1);
      expect(kms).toHaveReceivedCommandWith(GetPublicKeyCommand, { KeyId: rsa.arn });
      expect(kms).toHaveReceivedCommandTimes(SignCommand, 3);
      expect(kms.commandCalls(SignCommand).map((c) => c.args[0].input.KeyId)).toEqual([
        rsa.arn,
        rsa.arn,
        rsa.arn,
      ]);
    });

    it("calls the key's own region, named by its ARN, and the function's region for a bare key id", async () => {
      await signerWith([rsa.arn]).sign(claimsAt());
      await signerWith([ec.keyId]).sign(claimsAt());

      expect(clientFactory.mock.calls).toEqual([['us-east-1'], ['eu-west-1']]);
      expect(kms).toHaveReceivedCommandWith(SignCommand, { KeyId: ec.keyId });
    });

    it("refuses a signing input above KMS's RAW limit without calling Sign", async () => {
      const huge = { ...claimsAt(), iss: `https://${'x'.repeat(KMS_RAW_MESSAGE_MAX_BYTES)}` };
      const error = await failureOf(signerWith([ec.arn]).sign(huge));

      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toMatch(/above KMS's 4096-byte RAW limit/);
      expect(kms).toHaveReceivedCommandTimes(SignCommand, 0);
    });
  });

  describe('publishes the public keys', () => {
    it('one JWK per key, the signing key first, built from the DER SPKI, with kid, use and alg', async () => {
      const keys = await signerWith().publicKeys();

      expect(keys).toStrictEqual([
        {
          kty: 'EC',
          kid: ec.keyId,
          use: 'sig',
          alg: 'ES256',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
        },
        { kty: 'RSA', kid: rsa.keyId, use: 'sig', alg: 'RS256', n: expect.any(String), e: 'AQAB' },
      ]);
      const spki = (jwk: PublicJwk) =>
        createPublicKey({ key: { ...jwk }, format: 'jwk' }).export({ format: 'der', type: 'spki' });
      expect(spki(keys[0] as PublicJwk)).toEqual(ec.publicKey.export({ format: 'der', type: 'spki' }));
      expect(spki(keys[1] as PublicJwk)).toEqual(rsa.publicKey.export({ format: 'der', type: 'spki' }));
    });

    it('reads each key from KMS once, concurrent first readers sharing one GetPublicKey', async () => {
      const signer = signerWith();
      await Promise.all([signer.publicKeys(), signer.publicKeys(), signer.sign(claimsAt())]);
      await signer.publicKeys();

      expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 2);
      expect(kms.commandCalls(GetPublicKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([
        ec.arn,
        rsa.arn,
      ]);
    });

    it('does not remember a failed read: the next call asks KMS again', async () => {
      kms
        .on(GetPublicKeyCommand)
        .rejectsOnce(kmsError('KMSInternalException', 'internal', 500))
        .callsFake((input: { KeyId?: string }) => (input.KeyId === ec.arn ? ec : rsa).getPublicKeyAnswer());
      const signer = signerWith([ec.arn]);

      await expect(signer.publicKeys()).rejects.toBeInstanceOf(UpstreamUnavailableError);
      await expect(signer.publicKeys()).resolves.toHaveLength(1);
      expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 2);
    });

    it.each([
      ['an outage', kmsError('KMSInternalException', 'internal failure', 500)],
      ['access denied', kmsError('AccessDeniedException', `User is not authorized to use ${rsa.arn}`, 400)],
      ['a deleted key', new NotFoundException({ message: `Key '${rsa.arn}' does not exist`, $metadata: {} })],
      ['a thrown TypeError', new TypeError('Cannot read properties of undefined')],
    ])('turns %s into a 503 whose message names no key', async (_, cause) => {
      kms.on(GetPublicKeyCommand, { KeyId: rsa.arn }).rejects(cause);
      const error = await failureOf(signerWith().publicKeys());

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        message: "credvend's signing keys are temporarily unavailable; retry shortly.",
        retryAfterSeconds: 2,
        detail: expect.stringContaining('GetPublicKey'),
      });
      expect((error as Error).message).not.toContain('arn:aws');
    });
  });

  describe('refuses a key it cannot sign with (502, for the platform team)', () => {
    const answer = ec.getPublicKeyAnswer();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });

    it.each([
      [
        'an encryption key',
        { KeyUsage: 'ENCRYPT_DECRYPT' as const },
        /KeyUsage is ENCRYPT_DECRYPT; a web-identity signing key needs SIGN_VERIFY/,
      ],
      [
        'a P-384 key',
        { KeySpec: 'ECC_NIST_P384' as const },
        /KeySpec ECC_NIST_P384 is not one credvend signs with/,
      ],
      [
        'a key without its algorithm',
        { SigningAlgorithms: ['ECDSA_SHA_384' as const] },
        /does not offer ECDSA_SHA_256/,
      ],
      ['an answer without a public key', { PublicKey: undefined }, /answered without a PublicKey/],
      [
        'a public key of another curve',
        { PublicKey: new Uint8Array(p384) },
        /PublicKey does not fit ES256 \(EC P-384\)/,
      ],
      [
        'bytes that are no key',
        { PublicKey: new Uint8Array([1, 2, 3]) },
        /PublicKey is not a DER SubjectPublicKeyInfo/,
      ],
    ])('%s', async (_, change, detail) => {
      kms.on(GetPublicKeyCommand).resolves({ ...answer, ...change });
      const error = await failureOf(signerWith([ec.arn]).sign(claimsAt()));

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect(error).toMatchObject({ code: 'ISSUER_REJECTED', status: 502, message: REJECTED_MESSAGE });
      expect((error as IssuerRejectedError).detail).toMatch(detail);
      expect(kms).toHaveReceivedCommandTimes(SignCommand, 0);
    });
  });

  describe('maps KMS Sign failures', () => {
    const signFailingWith = (error: unknown) => {
      kms.on(SignCommand).rejects(error as Error);
      return failureOf(signerWith([ec.arn]).sign(claimsAt()));
    };

    it('throttling → ThrottledError (429) with a Retry-After', async () => {
      const error = await signFailingWith(kmsError('ThrottlingException', 'Rate exceeded', 400));

      expect(error).toBeInstanceOf(ThrottledError);
      expect(error).toMatchObject({
        code: 'THROTTLED',
        status: 429,
        retryAfterSeconds: 2,
        detail: `KMS Sign with ${ec.arn} in eu-west-1: KMS ThrottlingException (HTTP 400): Rate exceeded`,
      });
    });

    it.each([
      [
        'KMSInternalException',
        new KMSInternalException({ message: 'internal', $metadata: { httpStatusCode: 500 } }),
      ],
      ['DependencyTimeoutException', new DependencyTimeoutException({ message: 'slow', $metadata: {} })],
      ['KeyUnavailableException', new KeyUnavailableException({ message: 'unavailable', $metadata: {} })],
      ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ])('%s → UpstreamUnavailableError (503) with a Retry-After', async (_, cause) => {
      const error = await signFailingWith(cause);

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        message: UNAVAILABLE_MESSAGE,
        retryAfterSeconds: 2,
      });
      expect((error as Error).cause).toBe(cause);
    });

    it.each([
      ['AccessDeniedException', kmsError('AccessDeniedException', 'not authorized to perform kms:Sign', 400)],
      ['DisabledException', new DisabledException({ message: 'key is disabled', $metadata: {} })],
      ['NotFoundException', new NotFoundException({ message: 'no such key', $metadata: {} })],
      ['KMSInvalidStateException', kmsError('KMSInvalidStateException', 'pending deletion', 400)],
    ])('%s → IssuerRejectedError (502) whose message hides what KMS said', async (name, cause) => {
      const error = await signFailingWith(cause);

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect(error).toMatchObject({ code: 'ISSUER_REJECTED', status: 502, message: REJECTED_MESSAGE });
      expect((error as IssuerRejectedError).detail).toContain(`KMS ${name}`);
    });

    it('an unknown failure → a plain Error (generic 500)', async () => {
      const error = await signFailingWith(new TypeError('Cannot read properties of undefined'));

      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toBe(
        `KMS Sign with ${ec.arn} in eu-west-1 failed unexpectedly (TypeError)`,
      );
    });

    it('an answer without a signature → IssuerRejectedError (502)', async () => {
      kms.on(SignCommand).resolves({});
      const error = await failureOf(signerWith([ec.arn]).sign(claimsAt()));

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect((error as IssuerRejectedError).detail).toMatch(/answered without a Signature$/);
    });

    it('a signature that is not DER ECDSA → a plain Error (generic 500)', async () => {
      kms.on(SignCommand).resolves({ Signature: new Uint8Array(64).fill(7) });
      const error = await failureOf(signerWith([ec.arn]).sign(claimsAt()));

      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toMatch(/is not a DER-encoded P-256 ECDSA signature/);
    });

    it('gives up at its deadline on a Sign that never answers, and aborts it', async () => {
      kms.on(SignCommand).callsFake(() => new Promise(() => {}));
      const error = await failureOf(signerWith([ec.arn], { deadlineMs: 50 }).sign(claimsAt()));

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect((error as UpstreamUnavailableError).detail).toBe(
        `KMS Sign with ${ec.arn} in eu-west-1: did not complete within the 50 ms deadline`,
      );
      const options = lastCallOptions(kms);
      expect(options?.abortSignal?.aborted).toBe(true);
    });

    it("passes the caller's abort signal on to the Sign call", async () => {
      kms.on(SignCommand).callsFake(() => new Promise(() => {}));
      const caller = new AbortController();
      const signing = failureOf(
        signerWith([ec.arn], { deadlineMs: 300 }).sign(claimsAt(), { abortSignal: caller.signal }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      const options = lastCallOptions(kms);
      expect(options?.abortSignal?.aborted).toBe(false);

      caller.abort();

      expect(options?.abortSignal?.aborted).toBe(true);
      await expect(signing).resolves.toBeInstanceOf(UpstreamUnavailableError);
    });
  });

  it('maps a thrown value that is not an Error to a plain Error', () => {
    expect(mapKmsError('text', 'KMS Sign').message).toBe('KMS Sign failed unexpectedly (UnknownError)');
  });

  it.each([
    ['no key', []],
    ['an alias', ['alias/credvend']],
  ])('refuses %s at construction', (_, keyIds) => {
    expect(() => signerWith(keyIds)).toThrow(RangeError);
  });

  it('destroys every client it built', async () => {
    const signer = signerWith();
    await signer.publicKeys();
    const destroyed = clientFactory.mock.results.map((r) => jest.spyOn(r.value as KMSClient, 'destroy'));

    signer.destroy();

    expect(destroyed).toHaveLength(2);
    for (const spy of destroyed) expect(spy).toHaveBeenCalledTimes(1);
  });
});
