/**
 * Real key pairs standing in for KMS asymmetric signing keys: GetPublicKey and Sign answered with node:crypto exactly
 * as KMS answers them (DER SubjectPublicKeyInfo, DER-encoded ECDSA, PKCS#1 v1.5), for aws-sdk-client-mock stubs.
 */
import { createVerify, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSServiceException,
  NotFoundException,
  SignCommand,
  type SignCommandInput,
  type SignCommandOutput,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { AwsStub } from 'aws-sdk-client-mock';

/** The key specs credvend signs with (RSA_2048 stands for the RSA ones). */
export type FakeKeySpec = 'ECC_NIST_P256' | 'RSA_2048';

/** An aws-sdk-client-mock stub of `KMSClient` (`mockClient(KMSClient)`). */
// biome-ignore lint/suspicious/noExplicitAny: the stub's type parameters differ between KMS command types.
export type KmsStub = AwsStub<any, any, any>;

const SIGNING_ALGORITHM: Readonly<Record<FakeKeySpec, SigningAlgorithmSpec>> = {
  ECC_NIST_P256: 'ECDSA_SHA_256',
  RSA_2048: 'RSASSA_PKCS1_V1_5_SHA_256',
};

/** A KMS-like error, as the SDK would raise it from an answer of KMS. */
export function kmsError(name: string, message: string, httpStatusCode = 400): KMSServiceException {
  return new KMSServiceException({
    name,
    message,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode },
  });
}

/** One asymmetric SIGN_VERIFY key, its private half held here as KMS would hold it. */
export class FakeKmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly publicKey: KeyObject;
  private readonly privateKey: KeyObject;

  constructor(
    readonly keySpec: FakeKeySpec,
    options: { readonly keyId?: string; readonly region?: string } = {},
  ) {
    this.keyId = options.keyId ?? randomUUID();
    this.arn = `arn:aws:kms:${options.region ?? 'eu-west-1'}:123456789012:key/${this.keyId}`;
    const pair =
      keySpec === 'ECC_NIST_P256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = pair.publicKey;
    this.privateKey = pair.privateKey;
  }

  /** The KMS SigningAlgorithm of this key. */
  get signingAlgorithm(): SigningAlgorithmSpec {
    return SIGNING_ALGORITHM[this.keySpec];
  }

  /** True when `keyId` names this key (its id or its ARN). */
  matches(keyId: string | undefined): boolean {
    return keyId === this.keyId || keyId === this.arn;
  }

  /** What GetPublicKey answers: the DER SubjectPublicKeyInfo, the spec, the usage and the algorithms. */
  getPublicKeyAnswer(): GetPublicKeyCommandOutput {
    return {
      KeyId: this.arn,
      PublicKey: new Uint8Array(this.publicKey.export({ format: 'der', type: 'spki' })),
      KeySpec: this.keySpec,
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: [this.signingAlgorithm],
      $metadata: {},
    };
  }

  /** What Sign answers for a RAW message: KMS hashes it with SHA-256, then signs (ECDSA comes DER-encoded). */
  signRaw(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign('sha256', message, this.privateKey));
  }

  /** True when `signature` (DER for ECDSA) is this key's over `message`. */
  verifiesRaw(message: Uint8Array, signature: Uint8Array): boolean {
    return createVerify('sha256').update(message).verify(this.publicKey, signature);
  }
}

/**
 * Answers GetPublicKey and Sign on `kms` for `keys` by key id or ARN, refusing what KMS refuses: an unknown key, a
 * MessageType other than RAW, a SigningAlgorithm the key does not have, a RAW message above 4096 bytes.
 */
export function answerAsKms(kms: KmsStub, keys: readonly FakeKmsKey[]): void {
  const keyOf = (keyId: string | undefined): FakeKmsKey => {
    const key = keys.find((k) => k.matches(keyId));
    if (key === undefined)
      throw new NotFoundException({ message: `Key '${keyId}' does not exist`, $metadata: {} });
    return key;
  };
  kms
    .on(GetPublicKeyCommand)
    .callsFake((input: { KeyId?: string }) => keyOf(input.KeyId).getPublicKeyAnswer());
  kms.on(SignCommand).callsFake((input: SignCommandInput): SignCommandOutput => {
    const key = keyOf(input.KeyId);
    if ((input.MessageType ?? 'RAW') !== 'RAW') {
      throw kmsError(
        'ValidationException',
        `this stand-in signs RAW messages only, got ${input.MessageType}`,
      );
    }
    if (input.SigningAlgorithm !== key.signingAlgorithm) {
      throw kmsError('InvalidKeyUsageException', `${input.SigningAlgorithm} is not valid for ${key.keySpec}`);
    }
    const message = input.Message ?? new Uint8Array();
    if (message.length > 4096) throw kmsError('ValidationException', 'Message must be at most 4096 bytes');
    return {
      KeyId: key.arn,
      Signature: key.signRaw(message),
      SigningAlgorithm: key.signingAlgorithm,
      $metadata: {},
    };
  });
}
