/** What every IAM action may consult, and IAM's authorization of a call on a role, made before anything is looked up. */
import type { EmulatedAccount } from '../../account/account';
import type { EmulatedRole } from '../../account/types';
import type { Caller } from '../../query-protocol/authenticate';
import type { QueryAction } from '../../query-protocol/request';
import { accessDenied, noSuchRole } from '../errors';

/** The IAM front's state: the emulated account itself, whose roles and policies it reads and changes. */
export interface IamActionContext {
  readonly account: EmulatedAccount;
}

/** An IAM action: the content of its `<ActionResult>` (none for Put/Delete), or a `QueryError` thrown. */
export type IamAction = QueryAction<IamActionContext>;

/**
 * The role `roleName` once `caller` may perform `action` (e.g. `iam:PutRolePolicy`) on its ARN. As in IAM, the
 * decision comes first and is made on the ARN alone: a caller without the permission learns nothing of whether the
 * role exists (AccessDenied either way), one with it is told `NoSuchEntity`.
 */
export async function authorizedRole(
  context: IamActionContext,
  caller: Caller,
  action: string,
  roleName: string,
): Promise<EmulatedRole> {
  const { account } = context;
  const decision = await account.authorize(
    caller.accessKeyId,
    { action, resource: account.roleArn(roleName) },
    // The front is plain HTTP on loopback: a policy that requires aws:SecureTransport does not match.
    { secure: false },
  );
  if (decision !== 'Allowed') throw accessDenied(caller.principal.arn, action, roleName, decision);
  const role = account.role(roleName);
  if (role === undefined) throw noSuchRole(roleName);
  return role;
}
