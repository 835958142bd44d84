/**
 * The account's KMS keys for signing (KeyUsage `SIGN_VERIFY`): each one's id, ARN, key spec, state and key policy, and
 * its key pair. The key pair is generated with node:crypto when the key is created and never leaves this module: it
 * stands in for KMS's HSMs, so a caller gets signatures and the public key, never the private key.
 */
import {
  constants,
  createECDH,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { joseToDer } from 'ecdsa-sig-formatter';
import type { PolicyJson } from './types';

/** The key specs the emulated KMS creates; KMS itself has more (RSA_3072/4096, the other curves, ML-DSA…). */
export type KmsKeySpec = 'ECC_NIST_P256' | 'RSA_2048';

/** The signing algorithms of those key specs. */
export type KmsSigningAlgorithm =
  | 'ECDSA_SHA_256'
  | 'RSASSA_PKCS1_V1_5_SHA_256'
  | 'RSASSA_PKCS1_V1_5_SHA_384'
  | 'RSASSA_PKCS1_V1_5_SHA_512'
  | 'RSASSA_PSS_SHA_256'
  | 'RSASSA_PSS_SHA_384'
  | 'RSASSA_PSS_SHA_512';

/** What each key spec signs with, in the order KMS lists them (`SigningAlgorithms`). */
export const SIGNING_ALGORITHMS: Readonly<Record<KmsKeySpec, readonly KmsSigningAlgorithm[]>> = {
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  RSA_2048: [
    'RSASSA_PKCS1_V1_5_SHA_256',
    'RSASSA_PKCS1_V1_5_SHA_384',
    'RSASSA_PKCS1_V1_5_SHA_512',
    'RSASSA_PSS_SHA_256',
    'RSASSA_PSS_SHA_384',
    'RSASSA_PSS_SHA_512',
  ],
};

/** How a key is described when it is created. */
export interface KmsKeyOptions {
  /** The region the key lives in (its ARN names it). */
  readonly region: string;
  readonly keySpec: KmsKeySpec;
  /**
   * The key policy: who may use the key. KMS evaluates it with the caller's identity policies: a statement naming the
   * caller (or its role) allows on its own; one naming the account root defers to identity policies
   * (`defaultKeyPolicy`). A key has no access without one.
   */
  readonly policy: PolicyJson;
  /** @default a random UUID, as KMS assigns */
  readonly keyId?: string;
  /** @default '' */
  readonly description?: string;
  /** @default true */
  readonly enabled?: boolean;
}

/** The policy KMS gives a key created without one: the account's IAM policies decide (`kms:*` for the root). */
export function defaultKeyPolicy(accountId: string): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

type HashName = 'sha256' | 'sha384' | 'sha512';

const HASH_OF: Readonly<Record<KmsSigningAlgorithm, HashName>> = {
  ECDSA_SHA_256: 'sha256',
  RSASSA_PKCS1_V1_5_SHA_256: 'sha256',
  RSASSA_PKCS1_V1_5_SHA_384: 'sha384',
  RSASSA_PKCS1_V1_5_SHA_512: 'sha512',
  RSASSA_PSS_SHA_256: 'sha256',
  RSASSA_PSS_SHA_384: 'sha384',
  RSASSA_PSS_SHA_512: 'sha512',
};

const DIGEST_BYTES: Readonly<Record<HashName, number>> = { sha256: 32, sha384: 48, sha512: 64 };

/** The length a `DIGEST` message must have for `algorithm`: its hash's output. */
export function digestLength(algorithm: KmsSigningAlgorithm): number {
  return DIGEST_BYTES[HASH_OF[algorithm]];
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `name` has the shape of an AWS region name (`eu-west-1`, `us-gov-west-1`). */
export function isRegionName(name: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d$/.test(name);
}

/** One KMS key: its metadata, its state and policy as they stand now, and signing with its private key. */
export class KmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  readonly keySpec: KmsKeySpec;
  readonly keyUsage = 'SIGN_VERIFY';
  readonly description: string;
  /** Epoch milliseconds. */
  readonly creationDate: number;
  readonly signingAlgorithms: readonly KmsSigningAlgorithm[];
  /** The public key as `GetPublicKey` returns it: DER-encoded SubjectPublicKeyInfo. */
  readonly publicKey: Buffer;
  // ES private fields: the private key is out of reach at run time too, not only to the type checker.
  readonly #privateKey: KeyObject;
  #state: { enabled: boolean; policy: PolicyJson };

  constructor(accountId: string, options: KmsKeyOptions, creationDate: number) {
    this.keyId = options.keyId ?? randomUUID();
    if (!KEY_ID.test(this.keyId)) {
      throw new Error(`KMS key: keyId must be a lower-case UUID, got '${this.keyId}'`);
    }
    if (!isRegionName(options.region)) {
      throw new Error(`KMS key: '${options.region}' is not a region name`);
    }
    this.accountId = accountId;
    this.region = options.region;
    this.arn = `arn:aws:kms:${options.region}:${accountId}:key/${this.keyId}`;
    this.keySpec = options.keySpec;
    this.description = options.description ?? '';
    this.creationDate = creationDate;
    this.signingAlgorithms = SIGNING_ALGORITHMS[options.keySpec];
    const pair =
      options.keySpec === 'ECC_NIST_P256'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    this.#privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ type: 'spki', format: 'der' });
    this.#state = { enabled: options.enabled ?? true, policy: options.policy };
  }

  get enabled(): boolean {
    return this.#state.enabled;
  }

  /** The key policy as it stands now. */
  get policy(): PolicyJson {
    return this.#state.policy;
  }

  /** KMS `EnableKey` / `DisableKey`: a disabled key refuses to sign at once. */
  setEnabled(enabled: boolean): void {
    this.#state = { ...this.#state, enabled };
  }

  /** KMS `PutKeyPolicy`: applies to the next request. */
  putPolicy(policy: PolicyJson): void {
    this.#state = { ...this.#state, policy };
  }

  /**
   * The signature of `message` as KMS makes it: a `RAW` message is hashed first, a `DIGEST` is signed as given (it
   * must be `digestLength(algorithm)` bytes). ECDSA signatures are DER-encoded, as KMS returns them. Throws a
   * `RangeError` for an algorithm of another key spec or a digest of the wrong length: callers check both first.
   */
  sign(message: Uint8Array, messageType: 'RAW' | 'DIGEST', algorithm: KmsSigningAlgorithm): Buffer {
    if (!this.signingAlgorithms.includes(algorithm)) {
      throw new RangeError(`KMS key: ${algorithm} is not an algorithm of ${this.keySpec}`);
    }
    const hash = HASH_OF[algorithm];
    const digest = messageType === 'RAW' ? createHash(hash).update(message).digest() : Buffer.from(message);
    if (digest.length !== DIGEST_BYTES[hash]) {
      throw new RangeError(`KMS key: a ${hash} digest has ${DIGEST_BYTES[hash]} bytes, not ${digest.length}`);
    }
    if (algorithm === 'ECDSA_SHA_256') return signP256Digest(this.#privateKey, digest);
    if (algorithm.startsWith('RSASSA_PSS_')) {
      return privateEncrypt(
        { key: this.#privateKey, padding: constants.RSA_NO_PADDING },
        emsaPssEncode(digest, hash, 2047),
      );
    }
    return privateEncrypt(
      { key: this.#privateKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]),
    );
  }
}

/** The account's keys, by key id. */
export class KmsKeys {
  private readonly byId = new Map<string, KmsKey>();

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
    keys: readonly KmsKeyOptions[] = [],
  ) {
    for (const key of keys) this.create(key);
  }

  /** Creates a key (KMS `CreateKey`), with a new key pair. */
  create(options: KmsKeyOptions): KmsKey {
    const key = new KmsKey(this.accountId, options, this.now());
    if (this.byId.has(key.keyId)) throw new Error(`KMS key: key id ${key.keyId} is used twice`);
    this.byId.set(key.keyId, key);
    return key;
  }

  /** The key with this id (not an ARN or alias), or undefined. */
  get(keyId: string): KmsKey | undefined {
    return this.byId.get(keyId);
  }

  list(): readonly KmsKey[] {
    return [...this.byId.values()];
  }
}

/** The DER prefix of PKCS #1's DigestInfo for each hash (RFC 8017, section 9.2, note 1). */
const DIGEST_INFO_PREFIX: Readonly<Record<HashName, Buffer>> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/**
 * EMSA-PSS encoding of a digest (RFC 8017, section 9.1.1) with MGF1 over the same hash and a salt as long as the
 * digest, as KMS's RSASSA_PSS algorithms use. node:crypto signs only messages it hashes itself, so a `DIGEST` needs
 * the encoding done here and the raw RSA operation after it.
 */
function emsaPssEncode(digest: Buffer, hash: HashName, emBits: number): Buffer {
  const emLength = Math.ceil(emBits / 8);
  const salt = randomBytes(digest.length);
  const h = createHash(hash)
    .update(Buffer.concat([Buffer.alloc(8), digest, salt]))
    .digest();
  const db = Buffer.concat([Buffer.alloc(emLength - salt.length - h.length - 2), Buffer.from([1]), salt]);
  const mask = mgf1(h, db.length, hash);
  for (let i = 0; i < db.length; i += 1) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0);
  db[0] = (db[0] ?? 0) & (0xff >> (8 * emLength - emBits));
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

function mgf1(seed: Buffer, length: number, hash: HashName): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * DIGEST_BYTES[hash] < length; counter += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** The order of P-256's base point. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/**
 * ECDSA over a P-256 digest (SEC 1, section 4.1.3), DER-encoded. The nonce and its point come from node:crypto's ECDH
 * (a fresh key pair k, kG), so only the scalar arithmetic modulo the group order is done here.
 */
function signP256Digest(privateKey: KeyObject, digest: Buffer): Buffer {
  const d = toBigInt(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
  const z = toBigInt(digest);
  for (;;) {
    const ephemeral = createECDH('prime256v1');
    ephemeral.generateKeys();
    const k = toBigInt(ephemeral.getPrivateKey());
    const r = toBigInt(ephemeral.getPublicKey().subarray(1, 33)) % P256_ORDER;
    const s = (modPow(k, P256_ORDER - 2n, P256_ORDER) * ((z + r * d) % P256_ORDER)) % P256_ORDER;
    if (r !== 0n && s !== 0n) return joseToDer(Buffer.concat([to32Bytes(r), to32Bytes(s)]), 'ES256');
  }
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function to32Bytes(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

/** `base^exponent mod modulus`; with the prime order, `k^(n-2)` is k's inverse (Fermat). */
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}
