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
import { webIdentityTrustPolicy } from '../../lib/policies/trust-policies';
import { EmulatedAccount } from './account';
import { oidcProviderArn } from './oidc-providers';
import type { MintedCredentials } from './sessions';
import type { BaseCredentials, EmulatedOidcProvider, EmulatedRole, PolicyJson } from './types';

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

/** credvend's own OIDC identity in web-identity mode: the issuer URL its tokens carry in `iss`, and their `aud`. */
export interface LocalWebIdentity {
  /** e.g. `http://127.0.0.1:3000`, the local API. */
  readonly issuer: string;
  readonly audience: string;
}

/** The account's IAM OIDC provider for `identity`: its issuer URL, with the audience as the only client id. */
export function localOidcProvider(identity: LocalWebIdentity): EmulatedOidcProvider {
  return { url: identity.issuer, clientIds: [identity.audience] };
}

/**
 * The tenant access role as the stack deploys it in web-identity mode: trusted by `identity`'s OIDC provider only,
 * through the same `webIdentityTrustPolicy` (the audience, a `tenant` tag and nothing else, a source identity, all
 * from the token's claims), sessions of up to `maxSessionDurationSeconds` (12 hours by default), and the same
 * permissions as `tenantAccessRole`. The account must hold `localOidcProvider(identity)`.
 */
export function webIdentityTenantAccessRole(
  dataBuckets: readonly string[],
  identity: LocalWebIdentity,
  maxSessionDurationSeconds = 43200,
): EmulatedRole {
  return {
    ...tenantAccessRole(dataBuckets),
    maxSessionDurationSeconds,
    trust: {
      principals: [],
      webIdentity: webIdentityTrustPolicy({
        providerArn: oidcProviderArn(LOCAL_ACCOUNT_ID, identity.issuer),
        issuer: identity.issuer,
        audience: identity.audience,
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

/** The sandbox's web-identity mode: credvend's issuer, and the tenant access role's session cap. */
export interface LocalWebIdentityMode extends LocalWebIdentity {
  /** The tenant access role's MaxSessionDuration. @default 43200 */
  readonly maxSessionDurationSeconds?: number;
}

/** The key policy the stack gives the signing key, in effect: only the vend function's role may sign with it. */
export function signingKeyPolicy(): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'VendFunctionSigns',
        Effect: 'Allow',
        Principal: { AWS: VEND_FUNCTION_ROLE_ARN },
        Action: ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign'],
        Resource: '*',
      },
    ],
  };
}

/**
 * The sandbox's account: the tenant access role over `dataBuckets`, the vend function's credentials, and the
 * operator's when given. With `webIdentity`, the role is the web-identity one, the account holds credvend's OIDC
 * provider, and one ECC_NIST_P256 signing key (the function's `SIGNING_KEY_IDS`) that only the function may use.
 */
export function createLocalAccount(options: {
  readonly dataBuckets: readonly string[];
  readonly functionCredentials: BaseCredentials;
  readonly operatorCredentials?: BaseCredentials;
  readonly onSessionMinted?: (credentials: MintedCredentials) => void;
  readonly webIdentity?: LocalWebIdentityMode;
  /** The region of the signing key. @default 'eu-west-1' */
  readonly region?: string;
}): EmulatedAccount {
  const { webIdentity } = options;
  return new EmulatedAccount({
    accountId: LOCAL_ACCOUNT_ID,
    baseCredentials: [
      options.functionCredentials,
      ...(options.operatorCredentials === undefined ? [] : [options.operatorCredentials]),
    ],
    roles: [
      webIdentity === undefined
        ? tenantAccessRole(options.dataBuckets)
        : webIdentityTenantAccessRole(
            options.dataBuckets,
            webIdentity,
            webIdentity.maxSessionDurationSeconds,
          ),
    ],
    ...(webIdentity !== undefined && {
      oidcProviders: [localOidcProvider(webIdentity)],
      signingKeys: [
        {
          region: options.region ?? 'eu-west-1',
          keySpec: 'ECC_NIST_P256',
          policy: signingKeyPolicy(),
          description: 'credvend web-identity token signing key (sandbox)',
        },
      ],
    }),
    ...(options.onSessionMinted && { onSessionMinted: options.onSessionMinted }),
  });
}
