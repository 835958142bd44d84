/**
 * The KMS front of the emulated account, driven by the real `@aws-sdk/client-kms`: signatures that node:crypto verifies
 * with the public key the front hands out (both key specs, RAW and DIGEST), and key metadata as KMS describes it.
 */
import { constants, createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { DescribeKeyCommand, GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import { derToJose } from 'ecdsa-sig-formatter';
import {
  ACCOUNT_ID,
  EC_ARN,
  EC_KEY_ID,
  JWT_SIGNING_INPUT,
  type KmsFixture,
  RSA_ARN,
  RSA_KEY_ID,
  startKmsFixture,
} from './kms-harness';

let fixture: KmsFixture;
const sha = (bits: 256 | 384, data: Uint8Array) => createHash(`sha${bits}`).update(data).digest();

beforeAll(async () => {
  fixture = await startKmsFixture();
});
afterAll(() => fixture.close());

/** The key's public key as KMS hands it out, imported with node:crypto. */
async function publicKeyOf(keyId: string): Promise<KeyObject> {
  const { PublicKey } = await fixture.signer.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return createPublicKey({ key: Buffer.from(PublicKey ?? []), format: 'der', type: 'spki' });
}

describe('the KMS front, signing', () => {
  it('hands out an ECC_NIST_P256 public key as DER SubjectPublicKeyInfo, with the key spec, usage and algorithms', async () => {
    const answer = await fixture.signer.send(new GetPublicKeyCommand({ KeyId: EC_KEY_ID }));
    const key = createPublicKey({ key: Buffer.from(answer.PublicKey ?? []), format: 'der', type: 'spki' });

    expect(answer).toMatchObject({
      KeyId: EC_ARN,
      KeySpec: 'ECC_NIST_P256',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(fixture.account.keys.get(EC_KEY_ID)?.publicKey.equals(Buffer.from(answer.PublicKey ?? []))).toBe(
      true,
    );
  });

  it('signs a RAW message with ECDSA_SHA_256: a DER signature that node:crypto verifies as it stands', async () => {
    const answer = await fixture.signer.send(
      new SignCommand({
        KeyId: EC_KEY_ID,
        Message: JWT_SIGNING_INPUT,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const signature = Buffer.from(answer.Signature ?? []);
    const publicKey = await publicKeyOf(EC_KEY_ID);

    expect(answer).toMatchObject({ KeyId: EC_ARN, SigningAlgorithm: 'ECDSA_SHA_256' });
    // DER: SEQUENCE { INTEGER r, INTEGER s }, at most 72 bytes for P-256; JWS ES256 wants the 64-byte R‖S.
    expect([signature[0], signature[1], signature[2]]).toEqual([0x30, signature.length - 2, 0x02]);
    expect(signature.length).toBeLessThanOrEqual(72);
    expect(Buffer.from(derToJose(signature, 'ES256'), 'base64url')).toHaveLength(64);
    expect(verify('sha256', JWT_SIGNING_INPUT, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    expect(verify('sha256', new TextEncoder().encode('another message'), publicKey, signature)).toBe(false);
  });

  it('signs a DIGEST as given: the signature verifies over the message the digest is of, whether the key is named by id or ARN', async () => {
    const byId = await fixture.signer.send(
      new SignCommand({
        KeyId: EC_KEY_ID,
        Message: sha(256, JWT_SIGNING_INPUT),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const byArn = await fixture.signer.send(
      new SignCommand({
        KeyId: EC_ARN,
        Message: sha(256, JWT_SIGNING_INPUT),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const publicKey = await publicKeyOf(EC_KEY_ID);

    for (const answer of [byId, byArn]) {
      expect(answer.KeyId).toBe(EC_ARN);
      expect(verify('sha256', JWT_SIGNING_INPUT, publicKey, Buffer.from(answer.Signature ?? []))).toBe(true);
    }
    // ECDSA draws a fresh nonce for every signature, as KMS's do.
    expect(Buffer.from(byId.Signature ?? []).equals(Buffer.from(byArn.Signature ?? []))).toBe(false);
  });

  it('signs RAW when MessageType is left out, as KMS defaults it', async () => {
    const answer = await fixture.signer.send(
      new SignCommand({ KeyId: EC_KEY_ID, Message: JWT_SIGNING_INPUT, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );

    expect(
      verify('sha256', JWT_SIGNING_INPUT, await publicKeyOf(EC_KEY_ID), Buffer.from(answer.Signature ?? [])),
    ).toBe(true);
  });

  it('hands out an RSA_2048 public key with the six RSA signing algorithms, in KMS order', async () => {
    const answer = await fixture.signer.send(new GetPublicKeyCommand({ KeyId: RSA_ARN }));

    expect(answer).toMatchObject({
      KeyId: RSA_ARN,
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: [
        'RSASSA_PKCS1_V1_5_SHA_256',
        'RSASSA_PKCS1_V1_5_SHA_384',
        'RSASSA_PKCS1_V1_5_SHA_512',
        'RSASSA_PSS_SHA_256',
        'RSASSA_PSS_SHA_384',
        'RSASSA_PSS_SHA_512',
      ],
    });
    expect((await publicKeyOf(RSA_ARN)).asymmetricKeyDetails).toMatchObject({ modulusLength: 2048 });
  });

  it.each([
    ['RSASSA_PKCS1_V1_5_SHA_256', 'RAW', 256],
    ['RSASSA_PKCS1_V1_5_SHA_256', 'DIGEST', 256],
    ['RSASSA_PSS_SHA_256', 'RAW', 256],
    ['RSASSA_PSS_SHA_256', 'DIGEST', 256],
    ['RSASSA_PSS_SHA_384', 'DIGEST', 384],
  ] as const)('signs with %s over a %s message, verifiably', async (algorithm, messageType, bits) => {
    const answer = await fixture.signer.send(
      new SignCommand({
        KeyId: RSA_KEY_ID,
        Message: messageType === 'RAW' ? JWT_SIGNING_INPUT : sha(bits, JWT_SIGNING_INPUT),
        MessageType: messageType,
        SigningAlgorithm: algorithm,
      }),
    );
    const publicKey = await publicKeyOf(RSA_KEY_ID);
    const pss = algorithm.startsWith('RSASSA_PSS');
    const key = pss
      ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 }
      : publicKey;

    expect(answer).toMatchObject({ KeyId: RSA_ARN, SigningAlgorithm: algorithm });
    expect(Buffer.from(answer.Signature ?? [])).toHaveLength(256);
    expect(verify(`sha${bits}`, JWT_SIGNING_INPUT, key, Buffer.from(answer.Signature ?? []))).toBe(true);
  });

  it('gives the same PKCS #1 v1.5 signature for a message and for its digest (the scheme is deterministic)', async () => {
    const signOf = async (Message: Uint8Array, MessageType: 'RAW' | 'DIGEST') =>
      Buffer.from(
        (
          await fixture.signer.send(
            new SignCommand({
              KeyId: RSA_KEY_ID,
              Message,
              MessageType,
              SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
            }),
          )
        ).Signature ?? [],
      );

    expect(
      (await signOf(JWT_SIGNING_INPUT, 'RAW')).equals(await signOf(sha(256, JWT_SIGNING_INPUT), 'DIGEST')),
    ).toBe(true);
  });

  it('signs a RAW message of 4096 bytes, the most KMS takes', async () => {
    const answer = await fixture.signer.send(
      new SignCommand({
        KeyId: EC_KEY_ID,
        Message: new Uint8Array(4096).fill(7),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );

    expect(
      verify(
        'sha256',
        new Uint8Array(4096).fill(7),
        await publicKeyOf(EC_KEY_ID),
        Buffer.from(answer.Signature ?? []),
      ),
    ).toBe(true);
  });

  it('describes a key with the KeyMetadata KMS returns for a customer managed signing key', async () => {
    const { KeyMetadata } = await fixture.signer.send(new DescribeKeyCommand({ KeyId: EC_ARN }));
    const key = fixture.account.keys.get(EC_KEY_ID);

    expect(KeyMetadata).toEqual({
      AWSAccountId: ACCOUNT_ID,
      KeyId: EC_KEY_ID,
      Arn: EC_ARN,
      CreationDate: new Date(key?.creationDate ?? 0),
      Enabled: true,
      Description: 'JWTs',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      KeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      MultiRegion: false,
    });
  });
});
