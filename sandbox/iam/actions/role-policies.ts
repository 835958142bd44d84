/**
 * The inline policies of a role: PutRolePolicy (checked against the identity-policy grammar and the role's
 * 10,240-character quota), GetRolePolicy, DeleteRolePolicy and ListRolePolicies (sorted by name, paged by `Marker`).
 * Every change goes straight into the account, so the next request of a live session is judged by it.
 */
import type { Caller } from '../../query-protocol/authenticate';
import type { QueryParams } from '../../query-protocol/form';
import type { XmlNode } from '../../query-protocol/xml';
import { invalidInput, noSuchRolePolicy, rolePolicySizeExceeded } from '../errors';
import { parseListRolePoliciesInput, parsePutRolePolicyInput, parseRolePolicyInput } from '../validation';
import { authorizedRole, type IamActionContext } from './action-context';
import { encodePolicyDocument, parsePolicyDocument, policySize } from './policy-document';

/** IAM's quota: the inline policies of one role together, whitespace not counted. */
export const ROLE_POLICY_SIZE_LIMIT = 10_240;

/** Adds or replaces the policy; its size and those of the role's other policies must stay within the quota. */
export async function putRolePolicy(
  params: QueryParams,
  caller: Caller,
  context: IamActionContext,
): Promise<undefined> {
  const input = parsePutRolePolicyInput(params);
  const role = await authorizedRole(context, caller, 'iam:PutRolePolicy', input.roleName);
  const document = parsePolicyDocument(input.policyDocument);
  const { account } = context;
  let total = policySize(document);
  for (const [name, other] of account.listRolePolicies(role.roleName)) {
    if (name !== input.policyName) total += policySize(other);
  }
  if (total > ROLE_POLICY_SIZE_LIMIT) throw rolePolicySizeExceeded(role.roleName, ROLE_POLICY_SIZE_LIMIT);
  account.putRolePolicy(role.roleName, input.policyName, document);
  return undefined;
}

export async function getRolePolicy(
  params: QueryParams,
  caller: Caller,
  context: IamActionContext,
): Promise<XmlNode[]> {
  const input = parseRolePolicyInput(params);
  const role = await authorizedRole(context, caller, 'iam:GetRolePolicy', input.roleName);
  const document = context.account.getRolePolicy(role.roleName, input.policyName);
  if (document === undefined) throw noSuchRolePolicy(input.policyName);
  return [
    { name: 'RoleName', text: role.roleName },
    { name: 'PolicyName', text: input.policyName },
    { name: 'PolicyDocument', text: encodePolicyDocument(document) },
  ];
}

export async function deleteRolePolicy(
  params: QueryParams,
  caller: Caller,
  context: IamActionContext,
): Promise<undefined> {
  const input = parseRolePolicyInput(params);
  const role = await authorizedRole(context, caller, 'iam:DeleteRolePolicy', input.roleName);
  if (!context.account.deleteRolePolicy(role.roleName, input.policyName)) {
    throw noSuchRolePolicy(input.policyName);
  }
  return undefined;
}

/**
 * A page of the role's policy names in ASCII order. The marker is opaque to callers (the last name returned,
 * base64url-encoded); a page resumes after it, so policies put or deleted between pages never repeat a name.
 */
export async function listRolePolicies(
  params: QueryParams,
  caller: Caller,
  context: IamActionContext,
): Promise<XmlNode[]> {
  const input = parseListRolePoliciesInput(params);
  const role = await authorizedRole(context, caller, 'iam:ListRolePolicies', input.roleName);
  const after = input.marker === undefined ? undefined : decodeMarker(input.marker);
  const names = [...context.account.listRolePolicies(role.roleName).keys()]
    .sort()
    .filter((name) => after === undefined || name > after);
  const page = names.slice(0, input.maxItems);
  const truncated = names.length > page.length;
  const last = page.at(-1);
  return [
    { name: 'PolicyNames', children: page.map((name) => ({ name: 'member', text: name })) },
    { name: 'IsTruncated', text: String(truncated) },
    ...(truncated && last !== undefined ? [{ name: 'Marker', text: encodeMarker(last) }] : []),
  ];
}

function encodeMarker(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

/** The name a marker resumes after; `InvalidInput` for a string this front did not hand out. */
function decodeMarker(marker: string): string {
  const name = Buffer.from(marker, 'base64url').toString('utf8');
  if (name === '' || encodeMarker(name) !== marker) throw invalidInput('Invalid Marker.');
  return name;
}
