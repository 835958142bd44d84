/**
 * AssumeRole as STS runs it: model constraints, session tags and source identity (inherited along a role
 * chain), the role's trust policy, duration limits (role maximum, then the 1-hour role-chaining cap), the
 * session policy and its packed size; then a new session whose credentials the emulator will recognise.
 */
import { assumedRoleArn, type Principal, uniqueId } from '../../account/principals';
import type { Caller } from '../../query-protocol/authenticate';
import { accessDeniedBecause, validationError } from '../../query-protocol/errors';
import type { QueryParams } from '../../query-protocol/form';
import { textNode, type XmlNode } from '../../query-protocol/xml';
import { accessDenied, invalidParameterValue, packedPolicyTooLarge } from '../errors';
import { checkSessionPolicy, packedPolicySize } from '../session-policy';
import { authorizeAssumeRole } from '../trust';
import type { EmulatedRole, SessionTag } from '../types';
import { type AssumeRoleInput, parseAssumeRoleInput } from '../validation';
import { type ActionContext, credentialsNode } from './action-context';

const DEFAULT_DURATION_SECONDS = 3600;
const DEFAULT_MAX_SESSION_DURATION_SECONDS = 3600;
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

  if (input.policy !== undefined) checkSessionPolicy(input.policy);
  const packs = input.policy !== undefined || input.policyArns.length > 0 || tags.all.length > 0;
  const packed = packs ? packedPolicySize({ ...input, tags: tags.all }) : undefined;
  if (packed !== undefined && packed > 100) throw packedPolicyTooLarge(packed);

  const arn = assumedRoleArn(context.accountId, role.roleName, input.roleSessionName);
  const userId = `${uniqueId('AROA', context.accountId, role.roleName)}:${input.roleSessionName}`;
  const principal: Principal = {
    kind: 'assumed-role',
    arn,
    accountId: context.accountId,
    roleName: role.roleName,
    sessionName: input.roleSessionName,
  };
  const { credentials, expiresAtMs } = context.sessions.issue({
    record: {
      kind: 'AssumeRole',
      arn,
      userId,
      accountId: context.accountId,
      roleArn: input.roleArn,
      roleName: role.roleName,
      roleSessionName: input.roleSessionName,
      ...(input.policy === undefined ? {} : { policy: input.policy }),
      policyArns: input.policyArns,
      tags: tags.all,
      transitiveTagKeys: tags.transitive.map((tag) => tag.Key),
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      ...(input.externalId === undefined ? {} : { externalId: input.externalId }),
      ...(packed === undefined ? {} : { packedPolicySize: packed }),
    },
    durationSeconds,
    issuer: { arn: caller.principal.arn, accessKeyId: caller.accessKeyId },
    principal,
    transitiveTags: tags.transitive,
  });

  return [
    credentialsNode(credentials, expiresAtMs),
    ...textNode('SourceIdentity', sourceIdentity),
    {
      name: 'AssumedRoleUser',
      children: [
        { name: 'AssumedRoleId', text: userId },
        { name: 'Arn', text: arn },
      ],
    },
    ...textNode('PackedPolicySize', packed),
  ];
}

/** The session's tags: the caller's transitive tags first, then the passed ones; keys compared case-insensitively. */
function sessionTags(
  input: AssumeRoleInput,
  caller: Caller,
): { all: SessionTag[]; transitive: SessionTag[] } {
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
  if (requested > (role.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS)) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  if (caller.principal.kind === 'assumed-role' && requested > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  return requested;
}
