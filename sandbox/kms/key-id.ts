/**
 * A request's `KeyId` to one of the account's keys, as KMS resolves it: a key id, a key ARN (of this region), or an
 * alias name or alias ARN. The emulated account has no aliases, so an alias is answered as KMS answers one that does
 * not exist. Every miss is a `NotFoundException` in KMS's words, which differ by the form of the id.
 */
import type { KmsKey, KmsKeys } from '../account/signing-keys';
import { notFound } from './errors';

/** Key ids are UUIDs; multi-Region keys have `mrk-` and 32 hex digits (KMS accepts both forms, in any case). */
const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const KMS_ARN = /^arn:aws:kms:([^:]*):([^:]*):(.*)$/;

/** The account and region a front serves. */
export interface KeyScope {
  readonly accountId: string;
  readonly region: string;
}

/** The key `keyId` names, or the `NotFoundException` KMS would answer. */
export function resolveKey(keys: KmsKeys, keyId: string, scope: KeyScope): KmsKey {
  if (keyId.startsWith('alias/')) {
    throw notFound(`Alias arn:aws:kms:${scope.region}:${scope.accountId}:${keyId} is not found.`);
  }
  const arn = KMS_ARN.exec(keyId);
  if (arn === null) {
    if (!KEY_ID.test(keyId)) throw notFound(`Invalid keyId '${keyId}'`);
    return lookUp(keys, keyId, `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`, scope);
  }
  const [, region = '', accountId = '', resource = ''] = arn;
  if (region !== scope.region) throw notFound(`Invalid arn ${region}`);
  if (resource.startsWith('alias/')) throw notFound(`Alias ${keyId} is not found.`);
  if (!resource.startsWith('key/')) throw notFound(`Invalid keyId '${keyId}'`);
  const id = resource.slice('key/'.length);
  if (!KEY_ID.test(id)) throw notFound(`Invalid keyId ${id}`);
  return lookUp(keys, accountId === scope.accountId ? id : '', keyId, scope);
}

function lookUp(keys: KmsKeys, keyId: string, displayArn: string, scope: KeyScope): KmsKey {
  const key = keys.get(keyId);
  if (key === undefined || key.region !== scope.region) throw notFound(`Key '${displayArn}' does not exist`);
  return key;
}
