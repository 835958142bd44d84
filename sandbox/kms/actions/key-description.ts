/**
 * GetPublicKey and DescribeKey: what KMS says about a key. Both answer for a disabled key too (KMS's key-state table
 * says GetPublicKey fails on one; the real service answers it, and so does the emulation).
 */
import type { KmsKey } from '../../account/signing-keys';
import type { Caller } from '../../query-protocol/authenticate';
import { type JsonObject, parseKeyInput } from '../validation';
import { authorizedKey, type KmsActionContext } from './action-context';

/** The public key as DER-encoded SubjectPublicKeyInfo, with what a verifier needs to know of the key. */
export async function getPublicKey(
  input: JsonObject,
  caller: Caller,
  context: KmsActionContext,
): Promise<JsonObject> {
  const { keyId } = parseKeyInput(input);
  const key = await authorizedKey(context, caller, keyId, 'kms:GetPublicKey');
  return {
    KeyId: key.arn,
    PublicKey: key.publicKey.toString('base64'),
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
    SigningAlgorithms: key.signingAlgorithms,
  };
}

/** The key's `KeyMetadata`. */
export async function describeKey(
  input: JsonObject,
  caller: Caller,
  context: KmsActionContext,
): Promise<JsonObject> {
  const { keyId } = parseKeyInput(input);
  const key = await authorizedKey(context, caller, keyId, 'kms:DescribeKey');
  return { KeyMetadata: keyMetadata(key) };
}

/** `KeyMetadata` as KMS returns it for a customer managed key with KMS-generated key material. */
function keyMetadata(key: KmsKey): JsonObject {
  return {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    // The JSON protocol's timestamps are epoch seconds.
    CreationDate: key.creationDate / 1000,
    Enabled: key.enabled,
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    SigningAlgorithms: key.signingAlgorithms,
    MultiRegion: false,
  };
}
