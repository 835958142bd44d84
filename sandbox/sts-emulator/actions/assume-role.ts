/**
 * AssumeRole as STS runs it: model constraints, session tags and source identity (inherited along a role
 * chain), the role's trust policy, duration limits (role maximum, then the 1-hour role-chaining cap), the
 * session policy and its packed size; then a new session whose credentials the emulator will recognise.
 */
import type { Caller } from '../../query-protocol/authenticate';
import { accessDeniedBecause, validationError } from '../../query-protocol/errors';
import type { QueryParams } from '../../query-protocol/form';
import { textNode, type XmlNode } from '../../query-protocol/xml';
import { accessDenied, invalidParameterValue } from '../errors';
import { authorizeAssumeRole } from '../trust';
import type { EmulatedRole } from '../types';
import { type AssumeRoleInput, parseAssumeRoleInput } from '../validation';
import { type ActionContext, credentialsNode } from './action-context';
import { assumedRoleUserNode, checkRoleMaxSession, issueRoleSession, type SessionTags } from './role-session';

const DEFAULT_DURATION_SECONDS = 3600;
/** STS caps sessions of a role assumed with another role's session credentials (role chaining) at one hour. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
const MAX_SESSION_TAGS = 50;

/** Runs AssumeRole for `caller`; returns the `<AssumeRoleResult>` content or throws a `QueryError`. */
export function assumeRole(params: QueryParams, caller: Caller, context: ActionContext): XmlNode[] {
  const input = parseAssumeRoleInput(params);
  // Both would need state the emulator does not model; ignoring security-relevant input would be worse.
  if (input.providedContexts) {
    throw invalidParameterValue('ProvidedContexts are not supported by the STS emulator.');
  }
  if (input.mfa)
    throw invalidParameterValue('MFA (SerialNumber, TokenCode) is not supported by the STS emulator.');
  if (caller.principal.kind === 'root')
    throw accessDeniedBecause('Roles may not be assumed by root accounts.');
  const tags = sessionTags(input, caller);
  const sourceIdentity = sessionSourceIdentity(input, caller);

  const role = context.roles.get(input.roleArn);
  if (role === undefined) throw accessDenied(caller.principal.arn, 'sts:AssumeRole', input.roleArn);
  authorizeAssumeRole({
    caller,
    role,
    roleArn: input.roleArn,
    tags: tags.all,
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
  });
  const durationSeconds = checkDuration(input.durationSeconds ?? DEFAULT_DURATION_SECONDS, role, caller);
  const session = issueRoleSession(context, {
    kind: 'AssumeRole',
    role,
    input,
    durationSeconds,
    tags,
    sourceIdentity,
    details: input.externalId === undefined ? {} : { externalId: input.externalId },
    issuer: { arn: caller.principal.arn, accessKeyId: caller.accessKeyId },
  });

  return [
    credentialsNode(session.credentials, session.expiresAtMs),
    ...textNode('SourceIdentity', sourceIdentity),
    assumedRoleUserNode(session),
    ...textNode('PackedPolicySize', session.packedPolicySize),
  ];
}

/** The session's tags: the caller's transitive tags first, then the passed ones; keys compared case-insensitively. */
function sessionTags(input: AssumeRoleInput, caller: Caller): SessionTags {
  const passedKeys = input.tags.map((tag) => tag.Key.toLowerCase());
  if (new Set(passedKeys).size !== passedKeys.length) {
    throw invalidParameterValue('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  }
  if (passedKeys.some((key) => key.startsWith('aws:'))) {
    throw invalidParameterValue("Tag keys starting with 'aws:' are reserved for AWS use.");
  }
  if (input.transitiveTagKeys.some((key) => !passedKeys.includes(key.toLowerCase()))) {
    throw invalidParameterValue('The specified transitive tag key must be included in the requested tags.');
  }
  const inheritedKeys = caller.transitiveTags.map((tag) => tag.Key.toLowerCase());
  if (passedKeys.some((key) => inheritedKeys.includes(key))) {
    throw invalidParameterValue(
      'One or more session tags conflict with transitive tags inherited from the calling session.',
    );
  }
  const all = [...caller.transitiveTags, ...input.tags];
  if (all.length > MAX_SESSION_TAGS) {
    throw invalidParameterValue(
      `A session can carry at most ${MAX_SESSION_TAGS} session tags, inherited ones included.`,
    );
  }
  const transitiveKeys = new Set([
    ...inheritedKeys,
    ...input.transitiveTagKeys.map((key) => key.toLowerCase()),
  ]);
  return { all, transitive: all.filter((tag) => transitiveKeys.has(tag.Key.toLowerCase())) };
}

/** A source identity, once set, stays with every session of the chain and cannot be changed. */
function sessionSourceIdentity(input: AssumeRoleInput, caller: Caller): string | undefined {
  if (caller.sourceIdentity === undefined) return input.sourceIdentity;
  if (input.sourceIdentity !== undefined && input.sourceIdentity !== caller.sourceIdentity) {
    throw validationError('The source identity is already set for this assume role session');
  }
  return caller.sourceIdentity;
}

function checkDuration(requested: number, role: EmulatedRole, caller: Caller): number {
  checkRoleMaxSession(requested, role);
  if (caller.principal.kind === 'assumed-role' && requested > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  return requested;
}
