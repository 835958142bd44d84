/**
 * A role's trust policy, evaluated like IAM evaluates the one it stands for: `sts:AssumeRole` for the
 * principal (with its external-id, required-tag and source-identity conditions), then `sts:TagSession` for
 * session tags and `sts:SetSourceIdentity` for a source identity, each denied with AWS's AccessDenied message.
 */

import { trustPrincipalMatches } from '../account/principals';
import type { Caller } from '../query-protocol/authenticate';
import { accessDenied } from './errors';
import type { EmulatedRole, SessionTag } from './types';

/** What an AssumeRole asks of a role's trust policy. */
export interface TrustRequest {
  readonly caller: Caller;
  readonly role: EmulatedRole;
  readonly roleArn: string;
  /** The session's tags: those passed and those inherited as transitive. */
  readonly tags: readonly SessionTag[];
  /** The session's source identity: the one passed or the caller's. */
  readonly sourceIdentity?: string;
  readonly externalId?: string;
}

/** Throws `AccessDenied` naming the first action that the trust policy does not allow. */
export function authorizeAssumeRole(request: TrustRequest): void {
  const { caller, role, roleArn, tags } = request;
  const trust = role.trust;
  const deny = (action: string) => accessDenied(caller.principal.arn, action, roleArn);
  const tagKeys = new Set(tags.map((tag) => tag.Key.toLowerCase()));

  const principalAllowed = trust.principals.some((entry) => trustPrincipalMatches(entry, caller.principal));
  const externalIdOk = trust.externalId === undefined || trust.externalId === request.externalId;
  const requiredTagsPresent = (trust.requireTags ?? []).every((key) => tagKeys.has(key.toLowerCase()));
  const sourceIdentityOk = !trust.requireSourceIdentity || request.sourceIdentity !== undefined;
  if (!principalAllowed || !externalIdOk || !requiredTagsPresent || !sourceIdentityOk) {
    throw deny('sts:AssumeRole');
  }

  if (tags.length > 0 && !tagKeysAllowed(role, tagKeys)) throw deny('sts:TagSession');
  const sourceIdentityAllowed = trust.requireSourceIdentity === true || trust.allowSourceIdentity === true;
  if (request.sourceIdentity !== undefined && !sourceIdentityAllowed) throw deny('sts:SetSourceIdentity');
}

function tagKeysAllowed(role: EmulatedRole, keys: ReadonlySet<string>): boolean {
  const { requireTags, allowTagKeys } = role.trust;
  if (allowTagKeys === undefined) return requireTags !== undefined;
  if (allowTagKeys.includes('*')) return true;
  const allowed = new Set([...allowTagKeys, ...(requireTags ?? [])].map((key) => key.toLowerCase()));
  return [...keys].every((key) => allowed.has(key));
}
