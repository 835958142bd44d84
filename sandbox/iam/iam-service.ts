/**
 * IAM as a query-protocol service: its version, namespace and signing name, and the role-policy actions that
 * `credvend-admin` calls. Every other IAM action is refused with a message naming it.
 */
import type { QueryContext, QueryService } from '../query-protocol/request';
import type { IamAction, IamActionContext } from './actions/action-context';
import { getRole } from './actions/get-role';
import { deleteRolePolicy, getRolePolicy, listRolePolicies, putRolePolicy } from './actions/role-policies';
import { serviceFailure } from './errors';

export const IAM_VERSION = '2010-05-08';

/** Everything an IAM request may consult. */
export type IamContext = QueryContext<IamActionContext>;

export const IAM_SERVICE: QueryService<IamActionContext> = {
  frontName: 'IAM emulator',
  signingName: 'iam',
  version: IAM_VERSION,
  namespace: `https://iam.amazonaws.com/doc/${IAM_VERSION}/`,
  actions: new Map<string, IamAction>([
    ['GetRole', getRole],
    ['GetRolePolicy', getRolePolicy],
    ['PutRolePolicy', putRolePolicy],
    ['DeleteRolePolicy', deleteRolePolicy],
    ['ListRolePolicies', listRolePolicies],
  ]),
  // IAM has some 170 actions; naming them all would add nothing a developer needs: any other one is refused so.
  notImplemented: () => true,
  internalError: serviceFailure,
};
