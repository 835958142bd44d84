/**
 * IAM's request parameters for role policies against the IAM API model's constraints (names, documents, paging),
 * reported as IAM reports them: one `ValidationError` naming every violation.
 */
import { Constraints, type Pattern, POLICY_DOCUMENT, parseInteger } from '../query-protocol/constraints';
import type { QueryParams } from '../query-protocol/form';

const ENTITY_NAME: Pattern = { test: /^[\w+=,.@-]+$/, display: '[\\w+=,.@-]+' };
const MARKER: Pattern = { test: /^[\u0020-\u00FF]+$/, display: '[\\u0020-\\u00FF]+' };

/** IAM lists 100 items unless told otherwise, and at most 1000. */
const DEFAULT_MAX_ITEMS = 100;
const MAX_MAX_ITEMS = 1000;
/** IAM accepts policy documents of up to 131,072 characters (the per-role quota is checked afterwards). */
const MAX_POLICY_DOCUMENT = 131_072;

export interface RoleInput {
  readonly roleName: string;
}

export interface RolePolicyInput extends RoleInput {
  readonly policyName: string;
}

export interface PutRolePolicyInput extends RolePolicyInput {
  readonly policyDocument: string;
}

export interface ListRolePoliciesInput extends RoleInput {
  readonly marker?: string;
  readonly maxItems: number;
}

/** `GetRole`. */
export function parseRoleInput(params: QueryParams): RoleInput {
  const check = new Constraints();
  const roleName = checkRoleName(check, params);
  check.throwIfAny();
  return { roleName };
}

/** `GetRolePolicy`, `DeleteRolePolicy`. */
export function parseRolePolicyInput(params: QueryParams): RolePolicyInput {
  const check = new Constraints();
  const roleName = checkRoleName(check, params);
  const policyName = checkPolicyName(check, params);
  check.throwIfAny();
  return { roleName, policyName };
}

/** `PutRolePolicy`. */
export function parsePutRolePolicyInput(params: QueryParams): PutRolePolicyInput {
  const check = new Constraints();
  const roleName = checkRoleName(check, params);
  const policyName = checkPolicyName(check, params);
  const policyDocument = params.get('PolicyDocument');
  check.string('policyDocument', policyDocument, {
    min: 1,
    max: MAX_POLICY_DOCUMENT,
    pattern: POLICY_DOCUMENT,
    required: true,
  });
  check.throwIfAny();
  return { roleName, policyName, policyDocument: policyDocument ?? '' };
}

/** `ListRolePolicies`; a `MaxItems` that is not an integer is `MalformedInput`. */
export function parseListRolePoliciesInput(params: QueryParams): ListRolePoliciesInput {
  const maxItems = parseInteger(params.get('MaxItems'));
  const marker = params.get('Marker');
  const check = new Constraints();
  const roleName = checkRoleName(check, params);
  check.string('marker', marker, { min: 1, max: 320, pattern: MARKER });
  check.range('maxItems', maxItems, 1, MAX_MAX_ITEMS);
  check.throwIfAny();
  return {
    roleName,
    ...(marker === undefined ? {} : { marker }),
    maxItems: maxItems ?? DEFAULT_MAX_ITEMS,
  };
}

function checkRoleName(check: Constraints, params: QueryParams): string {
  const roleName = params.get('RoleName');
  check.string('roleName', roleName, { min: 1, max: 64, pattern: ENTITY_NAME, required: true });
  return roleName ?? '';
}

function checkPolicyName(check: Constraints, params: QueryParams): string {
  const policyName = params.get('PolicyName');
  check.string('policyName', policyName, { min: 1, max: 128, pattern: ENTITY_NAME, required: true });
  return policyName ?? '';
}
