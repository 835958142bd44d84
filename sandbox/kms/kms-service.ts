/**
 * KMS as a JSON-protocol service: its target prefix and signing name, the operations the front implements, and the
 * rest of KMS's operations, which it refuses by name rather than answering as unknown.
 */

import type { KmsAction } from './actions/action-context';
import { describeKey, getPublicKey } from './actions/key-description';
import { sign } from './actions/sign';

/** `X-Amz-Target: TrentService.<Operation>` (Trent is KMS's service name in its model). */
export const KMS_TARGET_PREFIX = 'TrentService.';

/** The credential scope's service. */
export const KMS_SIGNING_NAME = 'kms';

export const KMS_ACTIONS: ReadonlyMap<string, KmsAction> = new Map<string, KmsAction>([
  ['Sign', sign],
  ['GetPublicKey', getPublicKey],
  ['DescribeKey', describeKey],
]);

/** KMS's other operations (its API model, as @aws-sdk/client-kms 3.1164 has it). */
export const KMS_OPERATIONS_NOT_IMPLEMENTED: ReadonlySet<string> = new Set([
  'CancelKeyDeletion',
  'ConnectCustomKeyStore',
  'CreateAlias',
  'CreateCustomKeyStore',
  'CreateGrant',
  'CreateKey',
  'Decapsulate',
  'Decrypt',
  'DeleteAlias',
  'DeleteCustomKeyStore',
  'DeleteImportedKeyMaterial',
  'DeriveSharedSecret',
  'DescribeCustomKeyStores',
  'DisableKey',
  'DisableKeyRotation',
  'DisconnectCustomKeyStore',
  'EnableKey',
  'EnableKeyRotation',
  'Encapsulate',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GenerateRandom',
  'GetKeyLastUsage',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'GetParametersForImport',
  'ImportKeyMaterial',
  'ListAliases',
  'ListGrants',
  'ListKeyPolicies',
  'ListKeyRotations',
  'ListKeys',
  'ListResourceTags',
  'ListRetirableGrants',
  'PutKeyPolicy',
  'ReEncrypt',
  'ReplicateKey',
  'RetireGrant',
  'RevokeGrant',
  'RotateKeyOnDemand',
  'ScheduleKeyDeletion',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
  'UpdateCustomKeyStore',
  'UpdateKeyDescription',
  'UpdatePrimaryRegion',
  'Verify',
  'VerifyMac',
]);
