/**
 * The KMS front's refusals, through the real `@aws-sdk/client-kms` (and raw requests for what the SDK never sends),
 * each with KMS's code, status and wording: validation, unknown keys, disabled keys, algorithms of another key spec,
 * unknown and unimplemented operations, bodies that do not parse or are too large.
 */
import {
  DescribeKeyCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { refusal } from '../../support/async';
import {
  ACCOUNT_ID,
  EC_ARN,
  EC_KEY_ID,
  JWT_SIGNING_INPUT,
  type KmsFixture,
  keyArn,
  RSA_KEY_ID,
  rawKmsRequest,
  SIGNER,
  startKmsFixture,
} from './kms-harness';

let fixture: KmsFixture;

beforeAll(async () => {
  fixture = await startKmsFixture();
});
afterAll(() => fixture.close());

/** A Sign request the SDK's types would not let through (missing or mistyped members). */
const signAnyway = (input: Record<string, unknown>) =>
  fixture.signer.send(new SignCommand(input as unknown as SignCommandInput));

/** Signs the JWT signing input with the EC key as SIGNER, the request changed by `changes`. */
const signWithEcKey = (changes: Partial<SignCommandInput> = {}) =>
  fixture.signer.send(
    new SignCommand({
      KeyId: EC_KEY_ID,
      Message: JWT_SIGNING_INPUT,
      SigningAlgorithm: 'ECDSA_SHA_256',
      ...changes,
    }),
  );

describe('the KMS front, refusing as KMS does', () => {
  it('answers ValidationException (400) for a RAW message of 4097 bytes and for an empty one', async () => {
    const tooLong = await refusal(
      fixture.signer.send(
        new SignCommand({
          KeyId: EC_KEY_ID,
          Message: new Uint8Array(4097),
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    );
    const empty = await refusal(
      fixture.signer.send(
        new SignCommand({ KeyId: EC_KEY_ID, Message: new Uint8Array(0), SigningAlgorithm: 'ECDSA_SHA_256' }),
      ),
    );

    expect(tooLong).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    });
    expect(empty.message).toBe(
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it.each([
    [EC_KEY_ID, 'ECDSA_SHA_256', 31],
    [EC_KEY_ID, 'ECDSA_SHA_256', 48],
    [RSA_KEY_ID, 'RSASSA_PSS_SHA_256', 20],
    [RSA_KEY_ID, 'RSASSA_PKCS1_V1_5_SHA_384', 32],
  ] as const)(
    'answers ValidationException for a DIGEST of the wrong length (%s, %s, %i bytes)',
    async (keyId, algorithm, bytes) => {
      const answer = await refusal(
        fixture.signer.send(
          new SignCommand({
            KeyId: keyId,
            Message: new Uint8Array(bytes),
            MessageType: 'DIGEST',
            SigningAlgorithm: algorithm,
          }),
        ),
      );

      expect(answer).toEqual({
        name: 'ValidationException',
        status: 400,
        message: `Digest is invalid length for algorithm ${algorithm}.`,
      });
    },
  );

  it('names every missing member in one ValidationException, in model order, the message without its value', async () => {
    const answer = await refusal(signAnyway({}));

    expect(answer).toEqual({
      name: 'ValidationException',
      status: 400,
      message:
        '3 validation errors detected: ' +
        "Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value at 'message' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null",
    });
  });

  it('lists the enum values KMS lists for an unknown signing algorithm or message type', async () => {
    const algorithm = await refusal(
      signAnyway({ KeyId: EC_KEY_ID, Message: JWT_SIGNING_INPUT, SigningAlgorithm: 'ES256' }),
    );
    const messageType = await refusal(
      signAnyway({
        KeyId: EC_KEY_ID,
        Message: JWT_SIGNING_INPUT,
        MessageType: 'PREHASHED',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );

    expect(algorithm.message).toBe(
      "1 validation error detected: Value 'ES256' at 'signingAlgorithm' failed to satisfy constraint: Member must " +
        'satisfy enum value set: [RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512, ' +
        'RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512, ECDSA_SHA_256, ' +
        'ECDSA_SHA_384, ECDSA_SHA_512, ED25519_SHA_512, ED25519_PH_SHA_512, SM2DSA, ML_DSA_SHAKE_256]',
    );
    expect(messageType.message).toBe(
      "1 validation error detected: Value 'PREHASHED' at 'messageType' failed to satisfy constraint: Member must " +
        'satisfy enum value set: [RAW, DIGEST, EXTERNAL_MU]',
    );
  });

  it('answers InvalidKeyUsageException for a signing algorithm of another key spec', async () => {
    const onRsa = await refusal(
      fixture.signer.send(
        new SignCommand({ KeyId: RSA_KEY_ID, Message: JWT_SIGNING_INPUT, SigningAlgorithm: 'ECDSA_SHA_256' }),
      ),
    );
    const onEc = await refusal(
      fixture.signer.send(
        new SignCommand({
          KeyId: EC_KEY_ID,
          Message: new Uint8Array(20),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_384',
        }),
      ),
    );

    expect(onRsa).toEqual({
      name: 'InvalidKeyUsageException',
      status: 400,
      message: 'Algorithm ECDSA_SHA_256 is incompatible with key spec RSA_2048.',
    });
    // The key spec is checked before the digest's length.
    expect(onEc.message).toBe('Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.');
  });

  it.each([
    [
      'an unknown key id',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      `Key '${keyArn('1234abcd-12ab-34cd-56ef-1234567890ab')}' does not exist`,
    ],
    [
      'an unknown key ARN',
      keyArn('1234abcd-12ab-34cd-56ef-1234567890ab'),
      `Key '${keyArn('1234abcd-12ab-34cd-56ef-1234567890ab')}' does not exist`,
    ],
    ['a malformed key id', 'jwt-key', "Invalid keyId 'jwt-key'"],
    [
      'a key ARN with a malformed id',
      `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/jwt-key`,
      'Invalid keyId jwt-key',
    ],
    [
      'a key ARN of another region',
      `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/${EC_KEY_ID}`,
      'Invalid arn us-east-1',
    ],
    [
      'an alias (the account has none)',
      'alias/credvend-jwt',
      `Alias arn:aws:kms:eu-west-1:${ACCOUNT_ID}:alias/credvend-jwt is not found.`,
    ],
  ])('answers NotFoundException (400) for %s', async (_what, keyId, message) => {
    expect(await refusal(fixture.signer.send(new GetPublicKeyCommand({ KeyId: keyId })))).toEqual({
      name: 'NotFoundException',
      status: 400,
      message,
    });
  });

  it('refuses to sign with a disabled key (DisabledException), still describes it and hands out its public key', async () => {
    const key = fixture.account.keys.get(EC_KEY_ID);
    key?.setEnabled(false);
    try {
      const answer = await refusal(signWithEcKey());
      const { KeyMetadata } = await fixture.signer.send(new DescribeKeyCommand({ KeyId: EC_KEY_ID }));

      expect(answer).toEqual({ name: 'DisabledException', status: 400, message: `${EC_ARN} is disabled.` });
      expect(KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
      await expect(fixture.signer.send(new GetPublicKeyCommand({ KeyId: EC_KEY_ID }))).resolves.toMatchObject(
        {
          KeyId: EC_ARN,
        },
      );
    } finally {
      key?.setEnabled(true);
    }
  });

  it('answers DryRunOperationException once everything else checks out, and signs nothing', async () => {
    const answer = await refusal(signWithEcKey({ DryRun: true }));

    expect(answer).toEqual({
      name: 'DryRunOperationException',
      status: 400,
      message: 'The request would have succeeded, but the DryRun option is set.',
    });
  });

  it('refuses a KMS operation it does not implement with UnsupportedOperationException naming it', async () => {
    const answer = await refusal(
      fixture.signer.send(new EncryptCommand({ KeyId: EC_KEY_ID, Plaintext: JWT_SIGNING_INPUT })),
    );

    expect(answer).toEqual({
      name: 'UnsupportedOperationException',
      status: 400,
      message: 'The KMS emulator does not implement Encrypt.',
    });
  });

  it('answers a target that is no KMS operation as AWS does: 400 UnknownOperationException without a message', async () => {
    const unknown = await rawKmsRequest(fixture.kms.url, {
      target: 'TrentService.SignQuickly',
      body: '{}',
      credentials: SIGNER,
    });
    const otherService = await rawKmsRequest(fixture.kms.url, {
      target: 'DynamoDB_20120810.ListTables',
      body: '{}',
      credentials: SIGNER,
    });

    expect(unknown).toEqual({ status: 400, body: { __type: 'UnknownOperationException' } });
    expect(otherService).toEqual(unknown);
  });

  it('answers a body that is not a JSON object with SerializationException', async () => {
    const answer = await rawKmsRequest(fixture.kms.url, {
      target: 'TrentService.GetPublicKey',
      body: '["not", "an", "object"]',
      credentials: SIGNER,
    });

    expect(answer).toEqual({ status: 400, body: { __type: 'SerializationException' } });
  });

  it('answers a body past its bound 413 with an empty body, as AWS does', async () => {
    const response = await fetch(fixture.kms.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Sign' },
      body: JSON.stringify({ KeyId: EC_KEY_ID, Message: 'A'.repeat(70_000) }),
    });

    expect([response.status, await response.text()]).toEqual([413, '']);
  });
});
