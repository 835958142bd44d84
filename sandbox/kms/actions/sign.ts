/**
 * Sign: a signature by the key's private key, checked in KMS's order — members, key, authorization, key state, the
 * algorithm against the key spec, the message type, a digest's length, `DryRun`.
 */
import { digestLength } from '../../account/signing-keys';
import type { Caller } from '../../query-protocol/authenticate';
import { disabled, dryRunOperation, incompatibleAlgorithm, validationException } from '../errors';
import { type JsonObject, parseSignInput } from '../validation';
import { authorizedKey, type KmsActionContext } from './action-context';

export async function sign(
  input: JsonObject,
  caller: Caller,
  context: KmsActionContext,
): Promise<JsonObject> {
  const request = parseSignInput(input);
  const key = await authorizedKey(context, caller, request.keyId, 'kms:Sign', {
    'kms:MessageType': request.messageType,
    'kms:SigningAlgorithm': request.signingAlgorithm,
  });
  if (!key.enabled) throw disabled(key.arn);
  const algorithm = key.signingAlgorithms.find((candidate) => candidate === request.signingAlgorithm);
  if (algorithm === undefined) throw incompatibleAlgorithm(request.signingAlgorithm, key.keySpec);
  const { messageType } = request;
  // EXTERNAL_MU is for ML-DSA keys only, which the emulation does not create.
  if (messageType === 'EXTERNAL_MU') {
    throw validationException(`Message type ${messageType} is incompatible with key spec ${key.keySpec}.`);
  }
  if (messageType === 'DIGEST' && request.message.length !== digestLength(algorithm)) {
    throw validationException(`Digest is invalid length for algorithm ${algorithm}.`);
  }
  if (request.dryRun) throw dryRunOperation();
  return {
    KeyId: key.arn,
    Signature: key.sign(request.message, messageType, algorithm).toString('base64'),
    SigningAlgorithm: algorithm,
  };
}
