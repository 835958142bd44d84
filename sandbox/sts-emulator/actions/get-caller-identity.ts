/** GetCallerIdentity: the ARN, unique id and account of whoever signed the request; needs no permission. */
import type { Caller } from '../../query-protocol/authenticate';
import type { QueryParams } from '../../query-protocol/form';
import type { XmlNode } from '../../query-protocol/xml';
import type { ActionContext } from './action-context';

/**
 * For base credentials, their configured principal; for an issued role session,
 * `arn:aws:sts::<account>:assumed-role/<role>/<session>` with `UserId` `AROA…:<session>`.
 */
export function getCallerIdentity(_params: QueryParams, caller: Caller, _context: ActionContext): XmlNode[] {
  return [
    { name: 'Arn', text: caller.principal.arn },
    { name: 'UserId', text: caller.userId },
    { name: 'Account', text: caller.principal.accountId },
  ];
}
