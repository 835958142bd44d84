/**
 * GetSessionToken: temporary credentials that keep an IAM user's identity (900–129600 s, default 43200; one hour
 * at most for the account root). Session credentials may not call it.
 */
import type { Caller } from '../../query-protocol/authenticate';
import { accessDeniedBecause } from '../../query-protocol/errors';
import type { QueryParams } from '../../query-protocol/form';
import type { XmlNode } from '../../query-protocol/xml';
import { invalidParameterValue } from '../errors';
import { parseGetSessionTokenInput } from '../validation';
import { type ActionContext, credentialsNode } from './action-context';

const ROOT_MAX_SECONDS = 3600;

export function getSessionToken(params: QueryParams, caller: Caller, context: ActionContext): XmlNode[] {
  const input = parseGetSessionTokenInput(params);
  if (caller.session !== undefined || caller.principal.kind === 'assumed-role') {
    throw accessDeniedBecause('Cannot call GetSessionToken with session credentials');
  }
  if (input.mfa)
    throw invalidParameterValue('MFA (SerialNumber, TokenCode) is not supported by the STS emulator.');
  const durationSeconds =
    caller.principal.kind === 'root'
      ? Math.min(input.durationSeconds, ROOT_MAX_SECONDS)
      : input.durationSeconds;

  const { credentials, expiresAtMs } = context.sessions.issue({
    record: {
      kind: 'GetSessionToken',
      arn: caller.principal.arn,
      userId: caller.userId,
      accountId: caller.principal.accountId,
      policyArns: [],
      tags: [],
      transitiveTagKeys: [],
    },
    durationSeconds,
    issuer: { arn: caller.principal.arn, accessKeyId: caller.accessKeyId },
    principal: caller.principal,
    transitiveTags: [],
  });
  return [credentialsNode(credentials, expiresAtMs)];
}
