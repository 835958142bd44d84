/**
 * KMS's request members against its API model, checked as KMS checks them before it looks at any key: JSON types
 * (`SerializationException`), then every constraint at once in one `ValidationException` ("N validation error(s)
 * detected: …"). Blob members are sensitive: their messages name the member, never the value.
 */
import { serializationException, validationException } from './errors';

/** A request body: a JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** The `SigningAlgorithm` enum as KMS's model lists it (and prints it in messages). */
export const SIGNING_ALGORITHM_SPECS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
] as const;
export type SigningAlgorithmSpec = (typeof SIGNING_ALGORITHM_SPECS)[number];

export const MESSAGE_TYPES = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** KMS signs messages of up to 4096 bytes; larger ones are signed as a digest. */
const MAX_MESSAGE_BYTES = 4096;
const MAX_KEY_ID_LENGTH = 2048;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Members of every operation on one key: `GetPublicKey`, `DescribeKey`. */
export interface KeyInput {
  readonly keyId: string;
}

export interface SignInput extends KeyInput {
  readonly message: Buffer;
  readonly messageType: MessageType;
  readonly signingAlgorithm: SigningAlgorithmSpec;
  readonly dryRun: boolean;
}

/** `GetPublicKey`, `DescribeKey` (their `GrantTokens` are accepted and unused: the emulation has no grants). */
export function parseKeyInput(input: JsonObject): KeyInput {
  grantTokensOf(input);
  const check = new KmsConstraints();
  const keyId = check.keyId(input.KeyId);
  check.throwIfAny();
  return { keyId: keyId ?? '' };
}

/** `Sign`. */
export function parseSignInput(input: JsonObject): SignInput {
  grantTokensOf(input);
  const dryRun = input.DryRun ?? false;
  if (typeof dryRun !== 'boolean') throw serializationException();
  const check = new KmsConstraints();
  const keyId = check.keyId(input.KeyId);
  const message = check.blob('message', input.Message, { min: 1, max: MAX_MESSAGE_BYTES });
  const messageType = check.enumMember('messageType', input.MessageType ?? 'RAW', MESSAGE_TYPES);
  const signingAlgorithm = check.enumMember(
    'signingAlgorithm',
    input.SigningAlgorithm,
    SIGNING_ALGORITHM_SPECS,
  );
  check.throwIfAny();
  return {
    keyId: keyId ?? '',
    message: message ?? Buffer.alloc(0),
    messageType: messageType ?? 'RAW',
    signingAlgorithm: signingAlgorithm ?? 'ECDSA_SHA_256',
    dryRun,
  };
}

function grantTokensOf(input: JsonObject): void {
  const tokens = input.GrantTokens;
  if (tokens !== undefined && !(Array.isArray(tokens) && tokens.every((t) => typeof t === 'string'))) {
    throw serializationException();
  }
}

/** Collects constraint violations in member order, then throws one `ValidationException` naming all of them. */
class KmsConstraints {
  private readonly violations: string[] = [];

  /** A `KeyId`: required, 1-2048 ASCII characters. */
  keyId(value: unknown): string | undefined {
    const keyId = this.string('keyId', value);
    if (keyId === undefined) return undefined;
    const length = [...keyId].length;
    if (length < 1) this.fail('keyId', keyId, 'Member must have length greater than or equal to 1');
    if (length > MAX_KEY_ID_LENGTH) {
      this.fail('keyId', keyId, `Member must have length less than or equal to ${MAX_KEY_ID_LENGTH}`);
    }
    if (!/^\p{ASCII}+$/u.test(keyId)) {
      this.fail('keyId', keyId, 'Member must satisfy regular expression pattern: ^\\p{ASCII}+$');
    }
    return keyId;
  }

  /** A required base64 blob member, whose value messages never show. */
  blob(
    member: string,
    value: unknown,
    rule: { readonly min: number; readonly max: number },
  ): Buffer | undefined {
    if (value === undefined || value === null) {
      this.violations.push(`Value at '${member}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof value !== 'string' || !BASE64.test(value)) throw serializationException();
    const bytes = Buffer.from(value, 'base64');
    const constraint =
      bytes.length < rule.min
        ? `Member must have length greater than or equal to ${rule.min}`
        : bytes.length > rule.max
          ? `Member must have length less than or equal to ${rule.max}`
          : undefined;
    if (constraint !== undefined) {
      this.violations.push(`Value at '${member}' failed to satisfy constraint: ${constraint}`);
    }
    return bytes;
  }

  /** A required member of an enum. */
  enumMember<T extends string>(member: string, value: unknown, allowed: readonly T[]): T | undefined {
    const text = this.string(member, value);
    if (text === undefined) return undefined;
    const known = allowed.find((candidate) => candidate === text);
    if (known === undefined) {
      this.fail(member, text, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
    return known;
  }

  throwIfAny(): void {
    const n = this.violations.length;
    if (n === 0) return;
    throw validationException(
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`,
    );
  }

  /** A required string member; a value of another JSON type is not deserializable. */
  private string(member: string, value: unknown): string | undefined {
    if (value === undefined || value === null) {
      this.violations.push(`Value null at '${member}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof value !== 'string') throw serializationException();
    return value;
  }

  private fail(member: string, value: string, constraint: string): void {
    this.violations.push(`Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}
