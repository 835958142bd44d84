/**
 * What every role-assuming action (AssumeRole, AssumeRoleWithWebIdentity) does alike once the trust allowed it: the
 * role's maximum session, the session policy's grammar and packed size, and the new role session with its
 * `<AssumedRoleUser>`.
 */
import { assumedRoleArn, type Principal, uniqueId } from '../../account/principals';
import type { MintedCredentials, NewSession } from '../../account/sessions';
import { validationError } from '../../query-protocol/errors';
import type { XmlNode } from '../../query-protocol/xml';
import { packedPolicyTooLarge } from '../errors';
import { checkSessionPolicy, packedPolicySize } from '../session-policy';
import type { EmulatedRole, SessionTag } from '../types';
import type { RoleSessionInput } from '../validation';
import type { ActionContext } from './action-context';

/** IAM's default MaxSessionDuration of a role. */
const DEFAULT_MAX_SESSION_DURATION_SECONDS = 3600;

/** Throws STS's `ValidationError` when `requested` exceeds the role's MaxSessionDuration. */
export function checkRoleMaxSession(requested: number, role: EmulatedRole): void {
  if (requested > (role.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS)) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
}

/**
 * Checks the session policy's grammar (`MalformedPolicyDocument`) and the packed size of policy, policy ARNs and
 * tags (`PackedPolicyTooLarge` above 100%); returns `PackedPolicySize`, undefined when nothing was packed.
 */
function checkPackedPolicy(input: {
  readonly policy?: string;
  readonly policyArns: readonly string[];
  readonly tags: readonly SessionTag[];
}): number | undefined {
  if (input.policy !== undefined) checkSessionPolicy(input.policy);
  const packs = input.policy !== undefined || input.policyArns.length > 0 || input.tags.length > 0;
  const packed = packs ? packedPolicySize(input) : undefined;
  if (packed !== undefined && packed > 100) throw packedPolicyTooLarge(packed);
  return packed;
}

/** A new session's tags: all of them, and those that pass on to the sessions it assumes. */
export interface SessionTags {
  readonly all: readonly SessionTag[];
  readonly transitive: readonly SessionTag[];
}

/** A role session to issue: the record's role-specific fields, everything else derived here. */
export interface RoleSessionRequest {
  readonly kind: 'AssumeRole' | 'AssumeRoleWithWebIdentity';
  readonly role: EmulatedRole;
  /** The checked request: the role's ARN, the session name, its policies (its duration is `durationSeconds`). */
  readonly input: RoleSessionInput;
  readonly durationSeconds: number;
  readonly tags: SessionTags;
  readonly sourceIdentity?: string;
  /** The action's own record fields (external id; provider, audience, subject). */
  readonly details: Pick<
    NewSession['record'],
    'externalId' | 'provider' | 'audience' | 'subjectFromWebIdentityToken'
  >;
  readonly issuer: NewSession['issuer'];
}

/** A new role session's credentials, ARN and unique id, and the packed size of its policies. */
export interface IssuedRoleSession {
  readonly credentials: MintedCredentials;
  readonly expiresAtMs: number;
  readonly arn: string;
  readonly userId: string;
  /** `PackedPolicySize`; undefined when nothing was packed. */
  readonly packedPolicySize?: number;
}

/**
 * Checks the session policy and its packed size (see `checkPackedPolicy`), then issues
 * `arn:aws:sts::<account>:assumed-role/<role>/<session>`, unique id `AROA…:<session>`.
 */
export function issueRoleSession(context: ActionContext, request: RoleSessionRequest): IssuedRoleSession {
  const { role, input, tags, sourceIdentity } = request;
  const { roleSessionName } = input;
  const packedPolicySize = checkPackedPolicy({ ...input, tags: tags.all });
  const arn = assumedRoleArn(context.accountId, role.roleName, roleSessionName);
  const userId = `${uniqueId('AROA', context.accountId, role.roleName)}:${roleSessionName}`;
  const principal: Principal = {
    kind: 'assumed-role',
    arn,
    accountId: context.accountId,
    roleName: role.roleName,
    sessionName: roleSessionName,
  };
  const { credentials, expiresAtMs } = context.sessions.issue({
    record: {
      kind: request.kind,
      arn,
      userId,
      accountId: context.accountId,
      roleArn: input.roleArn,
      roleName: role.roleName,
      roleSessionName,
      ...(input.policy === undefined ? {} : { policy: input.policy }),
      policyArns: input.policyArns,
      tags: tags.all,
      transitiveTagKeys: tags.transitive.map((tag) => tag.Key),
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      ...request.details,
      ...(packedPolicySize === undefined ? {} : { packedPolicySize }),
    },
    durationSeconds: request.durationSeconds,
    issuer: request.issuer,
    principal,
    transitiveTags: tags.transitive,
  });
  return {
    credentials,
    expiresAtMs,
    arn,
    userId,
    ...(packedPolicySize === undefined ? {} : { packedPolicySize }),
  };
}

/** The `<AssumedRoleUser>` element of a new role session. */
export function assumedRoleUserNode(session: IssuedRoleSession): XmlNode {
  return {
    name: 'AssumedRoleUser',
    children: [
      { name: 'AssumedRoleId', text: session.userId },
      { name: 'Arn', text: session.arn },
    ],
  };
}
