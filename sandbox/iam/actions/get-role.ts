/** GetRole: a role's name, ids, maximum session duration and trust policy (URL-encoded, as IAM returns it). */
import { uniqueId } from '../../account/principals';
import { trustPolicyDocument } from '../../account/trust-document';
import type { Caller } from '../../query-protocol/authenticate';
import type { QueryParams } from '../../query-protocol/form';
import type { XmlNode } from '../../query-protocol/xml';
import { parseRoleInput } from '../validation';
import { authorizedRole, type IamActionContext } from './action-context';
import { encodePolicyDocument } from './policy-document';

/** IAM's default MaxSessionDuration of a role. */
const DEFAULT_MAX_SESSION_SECONDS = 3600;

export async function getRole(
  params: QueryParams,
  caller: Caller,
  context: IamActionContext,
): Promise<XmlNode[]> {
  const { roleName } = parseRoleInput(params);
  const role = await authorizedRole(context, caller, 'iam:GetRole', roleName);
  const { account } = context;
  return [
    {
      name: 'Role',
      children: [
        // The emulated roles have no path.
        { name: 'Path', text: '/' },
        { name: 'RoleName', text: role.roleName },
        { name: 'RoleId', text: uniqueId('AROA', account.accountId, role.roleName) },
        { name: 'Arn', text: account.roleArn(role.roleName) },
        { name: 'CreateDate', text: account.createdAt },
        { name: 'AssumeRolePolicyDocument', text: encodePolicyDocument(trustPolicyDocument(role.trust)) },
        {
          name: 'MaxSessionDuration',
          text: String(role.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS),
        },
      ],
    },
  ];
}
