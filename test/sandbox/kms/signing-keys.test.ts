/**
 * The account's KMS keys: a key pair per key, generated at creation and never handed out; every signing algorithm of
 * both key specs verified by node:crypto (OpenSSL) over RAW messages and DIGESTs; keys refused when they could not work.
 */
import { constants, createHash, createPublicKey, KeyObject, verify } from 'node:crypto';
import { derToJose } from 'ecdsa-sig-formatter';
import {
  defaultKeyPolicy,
  digestLength,
  KmsKey,
  KmsKeys,
  type KmsSigningAlgorithm,
  SIGNING_ALGORITHMS,
} from '../../../sandbox/account/signing-keys';

const ACCOUNT = '000000000000';
const POLICY = defaultKeyPolicy(ACCOUNT);
const MESSAGE = Buffer.from('a message to sign');
const keys = new KmsKeys(ACCOUNT, () => 1_767_225_600_000, [
  { region: 'eu-west-1', keySpec: 'ECC_NIST_P256', policy: POLICY },
  { region: 'eu-west-1', keySpec: 'RSA_2048', policy: POLICY },
]);
const [ecKey, rsaKey] = keys.list() as [KmsKey, KmsKey];
const hashOf = (algorithm: KmsSigningAlgorithm) => `sha${algorithm.slice(-3)}`;

describe('KmsKeys', () => {
  it('creates keys with a fresh UUID, their ARN, the creation time, and a public key only', () => {
    expect(ecKey.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ecKey.keyId).not.toBe(rsaKey.keyId);
    expect(ecKey.arn).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${ecKey.keyId}`);
    expect(keys.get(ecKey.keyId)).toBe(ecKey);
    expect(ecKey).toMatchObject({
      keySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      creationDate: 1_767_225_600_000,
    });
    expect(ecKey.enabled).toBe(true);
    // The private key stays behind `sign`: no property of a key holds it.
    expect(Object.values(ecKey).some((value) => value instanceof KeyObject && value.type === 'private')).toBe(
      false,
    );
    expect(Object.values(ecKey).some((value) => value instanceof KeyObject)).toBe(false);
    expect(
      createPublicKey({ key: rsaKey.publicKey, format: 'der', type: 'spki' }).asymmetricKeyDetails,
    ).toMatchObject({
      modulusLength: 2048,
      publicExponent: 65537n,
    });
  });

  it('generates a new key pair for every key, even with the same options', () => {
    const again = new KmsKey(ACCOUNT, { region: 'eu-west-1', keySpec: 'ECC_NIST_P256', policy: POLICY }, 0);

    expect(again.publicKey.equals(ecKey.publicKey)).toBe(false);
  });

  it('refuses a key id that is not a lower-case UUID, a region that is not one, and a key id used twice', () => {
    const create = (keyId: string, region = 'eu-west-1') =>
      keys.create({ keyId, region, keySpec: 'ECC_NIST_P256', policy: POLICY });

    expect(() => create('alias/jwt')).toThrow("KMS key: keyId must be a lower-case UUID, got 'alias/jwt'");
    expect(() => create(ecKey.keyId.toUpperCase())).toThrow(/lower-case UUID/);
    expect(() => create('11111111-2222-4333-8444-555555555555', 'local')).toThrow(
      "KMS key: 'local' is not a region name",
    );
    expect(() => create(ecKey.keyId)).toThrow(`KMS key: key id ${ecKey.keyId} is used twice`);
  });

  it('disables, enables and replaces the policy of a key in place', () => {
    const key = keys.create({
      region: 'us-east-1',
      keySpec: 'ECC_NIST_P256',
      policy: POLICY,
      enabled: false,
    });
    const replaced = { Version: '2012-10-17' as const, Statement: [] };

    expect(key.enabled).toBe(false);
    key.setEnabled(true);
    key.putPolicy(replaced);
    expect(key.enabled).toBe(true);
    expect(key.policy).toBe(replaced);
  });
});

describe('KmsKey.sign', () => {
  it('signs ECDSA_SHA_256 as DER that converts to the 64-byte R‖S of a JWS ES256 signature', () => {
    const publicKey = createPublicKey({ key: ecKey.publicKey, format: 'der', type: 'spki' });
    for (const messageType of ['RAW', 'DIGEST'] as const) {
      const input = messageType === 'RAW' ? MESSAGE : createHash('sha256').update(MESSAGE).digest();
      const der = ecKey.sign(input, messageType, 'ECDSA_SHA_256');
      const jose = Buffer.from(derToJose(der, 'ES256'), 'base64url');

      expect(verify('sha256', MESSAGE, publicKey, der)).toBe(true);
      expect(jose).toHaveLength(64);
      expect(verify('sha256', MESSAGE, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
    }
  });

  it.each(SIGNING_ALGORITHMS.RSA_2048)(
    'signs %s over a RAW message and over its DIGEST, verifiably',
    (algorithm) => {
      const publicKey = createPublicKey({ key: rsaKey.publicKey, format: 'der', type: 'spki' });
      const hash = hashOf(algorithm);
      const key = algorithm.startsWith('RSASSA_PSS')
        ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digestLength(algorithm) }
        : publicKey;

      for (const signature of [
        rsaKey.sign(MESSAGE, 'RAW', algorithm),
        rsaKey.sign(createHash(hash).update(MESSAGE).digest(), 'DIGEST', algorithm),
      ]) {
        expect(signature).toHaveLength(256);
        expect(verify(hash, MESSAGE, key, signature)).toBe(true);
        expect(verify(hash, Buffer.from('something else'), key, signature)).toBe(false);
      }
    },
  );

  it('refuses an algorithm of another key spec and a digest of the wrong length', () => {
    expect(() => ecKey.sign(MESSAGE, 'RAW', 'RSASSA_PSS_SHA_256')).toThrow(
      new RangeError('KMS key: RSASSA_PSS_SHA_256 is not an algorithm of ECC_NIST_P256'),
    );
    expect(() => rsaKey.sign(Buffer.alloc(32), 'DIGEST', 'RSASSA_PSS_SHA_512')).toThrow(
      new RangeError('KMS key: a sha512 digest has 64 bytes, not 32'),
    );
  });
});
