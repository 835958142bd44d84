/**
 * The AWS account the sandbox emulates: the tenant access role with the trust and permission policies the stack
 * deploys, the vend function's own principal whose credentials the local API signs with (so that every vend is role
 * chaining exactly as it is from Lambda), and the operator, an IAM user allowed exactly the role-policy calls that
 * `credvend-admin` makes on the tenant access role.
 */
import { randomBytes } from 'node:crypto';
import { TENANT_TAG_KEY } from '../../lambda/core/session-plan';
import { operatorPolicy } from '../../lib/policies/operator-policy';
import { DEFAULT_PREFIX_TEMPLATE, tenantAccessPolicy } from '../../lib/policies/tenant-access-policy';
import { EmulatedAccount } from './account';
import type { MintedCredentials } from './sessions';
import type { BaseCredentials, EmulatedRole } from './types';

/** The emulated account id (the documentation account of the AWS examples is 123456789012; all zeros is "local"). */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** The shared role every vended session assumes (`TENANT_ROLE_ARN`). */
export const TENANT_ROLE_NAME = 'credvend-tenant-access';
export const LOCAL_TENANT_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${TENANT_ROLE_NAME}`;
/** The vend function's execution role, the only principal the tenant access role trusts. */
export const VEND_FUNCTION_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/credvend-vend-function`;
/** The session of that role the local API runs as: an assumed role, so its AssumeRole calls are role chaining. */
export const VEND_FUNCTION_PRINCIPAL_ARN = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/credvend-vend-function/local`;
/** Where tenant data lives in the sandbox, as in a default deployment (`TENANT_PREFIX_TEMPLATE`). */
export const LOCAL_PREFIX_TEMPLATE = DEFAULT_PREFIX_TEMPLATE;
/** The name of the tenant access role's permission policy, as the stack names it. */
export const TENANT_DATA_POLICY_NAME = 'TenantData';

/**
 * The tenant access role as the stack deploys it (lib/constructs/tenant-access-role.ts) for `dataBuckets`: trusted by
 * the vend function's role only, every session tagged `tenant` (and nothing else) and named by a source identity;
 * sessions of at most one hour; its permissions built by the same `tenantAccessPolicy` the construct deploys.
 */
export function tenantAccessRole(dataBuckets: readonly string[]): EmulatedRole {
  return {
    roleName: TENANT_ROLE_NAME,
    maxSessionDurationSeconds: 3600,
    trust: {
      principals: [VEND_FUNCTION_ROLE_ARN],
      requireTags: [TENANT_TAG_KEY],
      allowTagKeys: [TENANT_TAG_KEY],
      requireSourceIdentity: true,
    },
    policies: {
      [TENANT_DATA_POLICY_NAME]: tenantAccessPolicy({
        bucketArns: dataBuckets.map((bucket) => `arn:aws:s3:::${bucket}`),
        prefixTemplate: LOCAL_PREFIX_TEMPLATE,
      }),
    },
  };
}

/** The IAM user that operates the sandbox's tenants (`credvend-admin --local` signs its IAM calls as it). */
export const OPERATOR_USER_NAME = 'credvend-operator';
export const OPERATOR_PRINCIPAL_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${OPERATOR_USER_NAME}`;
/** The name of the operator's policy. */
export const OPERATOR_POLICY_NAME = 'CredvendOperator';
/** Fresh credentials for the vend function's principal: random per start, known only to this process. */
export function vendFunctionCredentials(): BaseCredentials {
  return { ...randomLongTermKey(), principalArn: VEND_FUNCTION_PRINCIPAL_ARN };
}

/** Fresh credentials for the operator, with its policy: random per start, known only to this process. */
export function operatorCredentials(): BaseCredentials {
  return {
    ...randomLongTermKey(),
    principalArn: OPERATOR_PRINCIPAL_ARN,
    policies: { [OPERATOR_POLICY_NAME]: operatorPolicy({ tenantRoleArn: LOCAL_TENANT_ROLE_ARN }) },
  };
}

function randomLongTermKey(): { accessKeyId: string; secretAccessKey: string } {
  return {
    // AKIA + 16: the shape of a long-term key id, so the emulator never mistakes it for one of its ASIA sessions.
    accessKeyId: `AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

/**
 * The sandbox's account: the tenant access role over `dataBuckets`, the vend function's credentials, and the
 * operator's when given.
 */
export function createLocalAccount(options: {
  readonly dataBuckets: readonly string[];
  readonly functionCredentials: BaseCredentials;
  readonly operatorCredentials?: BaseCredentials;
  readonly onSessionMinted?: (credentials: MintedCredentials) => void;
}): EmulatedAccount {
  return new EmulatedAccount({
    accountId: LOCAL_ACCOUNT_ID,
    baseCredentials: [
      options.functionCredentials,
      ...(options.operatorCredentials === undefined ? [] : [options.operatorCredentials]),
    ],
    roles: [tenantAccessRole(options.dataBuckets)],
    ...(options.onSessionMinted && { onSessionMinted: options.onSessionMinted }),
  });
}
