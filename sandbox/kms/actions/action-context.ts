/**
 * What every KMS action may consult, and KMS's authorization of a call on a key: the key policy evaluated with the
 * caller's identity and session policies, as IAM decides it, after the key is found and before its state is looked at.
 */
import type { EmulatedAccount } from '../../account/account';
import type { KmsKey } from '../../account/signing-keys';
import type { Caller } from '../../query-protocol/authenticate';
import { accessDenied } from '../errors';
import { resolveKey } from '../key-id';
import type { JsonObject } from '../validation';

/** The KMS front's state: the emulated account (its keys and IAM's decision) and the region it serves. */
export interface KmsActionContext {
  readonly account: EmulatedAccount;
  readonly region: string;
}

/** A KMS action: the response's members, or a `KmsError` thrown. */
export type KmsAction = (input: JsonObject, caller: Caller, context: KmsActionContext) => Promise<JsonObject>;

/**
 * The key `keyId` names once `caller` may perform `action` (e.g. `kms:Sign`) on it. The condition keys KMS supplies
 * for every key go with the action's own (`kms:SigningAlgorithm`…).
 */
export async function authorizedKey(
  context: KmsActionContext,
  caller: Caller,
  keyId: string,
  action: string,
  conditionKeys: Readonly<Record<string, string>> = {},
): Promise<KmsKey> {
  const { account } = context;
  const key = resolveKey(account.keys, keyId, { accountId: account.accountId, region: context.region });
  const verdict = await account.explainAuthorization(
    caller.accessKeyId,
    {
      action,
      resource: key.arn,
      resourcePolicy: key.policy,
      context: {
        'kms:CallerAccount': caller.principal.accountId,
        'kms:KeyOrigin': 'AWS_KMS',
        'kms:KeySpec': key.keySpec,
        'kms:KeyUsage': key.keyUsage,
        ...conditionKeys,
      },
    },
    // The front is plain HTTP on loopback: a policy that requires aws:SecureTransport does not match.
    { secure: false },
  );
  if (verdict.decision !== 'Allowed') {
    throw accessDenied(
      caller.principal.arn,
      action,
      key.arn,
      verdict.decision,
      verdict.deniedBy ?? 'resource',
    );
  }
  return key;
}
