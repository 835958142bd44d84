/**
 * Who may assume the roles vended sessions run as: only the vend function's role, and only for a tagged, named
 * session. As plain JSON shared by the stack (the tenant access role), `credvend-admin tenants trust-policy` (a
 * tenant's own role) and the tests that evaluate both with the IAM policy simulator.
 *
 * One statement per action, each conditioned only on the keys AWS's Service Authorization Reference lists for that
 * action: `sts:AssumeRole` sees the tags, the source identity and the external id; `sts:TagSession` sees the tags
 * only; `sts:SetSourceIdentity` the source identity only. A condition on a key an action's request does not carry
 * fails, so a single statement for all three actions would refuse every vend. Every requirement is on the
 * `sts:AssumeRole` statement, which STS evaluates for every call; the other two repeat what their action can see.
 */
import { TENANT_TAG_KEY } from '../../lambda/core/session-plan';
import type { PolicyJson } from './tenant-access-policy';

/** The actions a vend asks of a trust policy. */
export const VEND_TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] as const;

type Conditions = Record<string, Record<string, string | string[]>>;

// `?*`: present and non-empty (a missing key fails StringLike).
const NAMED_SOURCE: Conditions = { StringLike: { 'sts:SourceIdentity': '?*' } };

/** The conditions of all of `parts`, operator by operator. */
function allOf(...parts: Conditions[]): Conditions {
  const merged: Conditions = {};
  for (const part of parts) {
    for (const [operator, keys] of Object.entries(part)) merged[operator] = { ...merged[operator], ...keys };
  }
  return merged;
}

/** A non-empty `tenant` tag, and no other tag key. */
const ANY_TENANT_TAG: Conditions = {
  StringLike: { [`aws:RequestTag/${TENANT_TAG_KEY}`]: '?*' },
  // ForAllValues alone passes when no tag is sent at all; the StringLike above closes that gap.
  'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG_KEY] },
};

/**
 * The three statements of a vend's trust for `principal`: the assume action (`assume`, with every requirement),
 * `sts:TagSession` (the tag conditions) and `sts:SetSourceIdentity` (a source identity).
 */
function trustStatements(
  principal: Record<string, string>,
  assume: { readonly sid: string; readonly action: string; readonly conditions: Conditions },
  tags: Conditions,
): Record<string, unknown>[] {
  const allow = (sid: string, action: string, condition: Conditions) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: action,
    Condition: condition,
  });
  return [
    allow(assume.sid, assume.action, allOf(assume.conditions, tags, NAMED_SOURCE)),
    allow('TagWithTheTenant', 'sts:TagSession', tags),
    allow('NameTheUser', 'sts:SetSourceIdentity', NAMED_SOURCE),
  ];
}

/** The assume statement of an AssumeRole trust: its external id, when the role requires one. */
const assumeRole = (externalId?: string): { sid: string; action: string; conditions: Conditions } => ({
  sid: 'AssumeForOneTenant',
  action: 'sts:AssumeRole',
  conditions: externalId === undefined ? {} : { StringEquals: { 'sts:ExternalId': externalId } },
});

/**
 * The tenant access role's trust: the vend function's role, with a non-empty `tenant` tag (and no other tag key)
 * and a source identity. Which tenant is the session policy's and the ABAC policy's business.
 */
export function tenantAccessTrustPolicy(vendRoleArn: string): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: trustStatements({ AWS: vendRoleArn }, assumeRole(), ANY_TENANT_TAG),
  };
}

/** Whose role, trusting whom. */
export interface TenantRoleTrustProps {
  /** The vend function's execution role (the stack output `VendFunctionRoleArn`). */
  readonly vendRoleArn: string;
  readonly tenantId: string;
  /** The tenant's external id, as `credvend-admin` generated it (the record's `externalId`). */
  readonly externalId: string;
}

/**
 * A tenant's own role's trust: the vend function's role, with the platform-generated external id, the session
 * tagged `tenant=<this tenant>` and a source identity, so that the role never serves another tenant's sessions.
 * `credvend-admin tenants trust-policy ID` prints it.
 */
export function tenantRoleTrustPolicy(props: TenantRoleTrustProps): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: trustStatements({ AWS: props.vendRoleArn }, assumeRole(props.externalId), {
      StringEquals: { [`aws:RequestTag/${TENANT_TAG_KEY}`]: props.tenantId },
    }),
  };
}

/** The OIDC identity credvend is in web-identity mode: its IAM provider, and what its tokens say. */
export interface WebIdentityTrustProps {
  /** The IAM OIDC provider's ARN (`arn:aws:iam::<account>:oidc-provider/<host/path>`). */
  readonly providerArn: string;
  /** The issuer URL (`iss`), `https://<host/path>`; its host and path name the provider's condition keys. */
  readonly issuer: string;
  /** The audience credvend's tokens carry (`aud`), the provider's only client id. */
  readonly audience: string;
}

/** `https://example.com/prod` → `example.com/prod`: how IAM names an OIDC provider's condition keys. */
export function oidcConditionKeyPrefix(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/**
 * The tenant access role's trust in web-identity mode: tokens of credvend's own issuer only, with its audience, a
 * non-empty `tenant` tag (and no other tag key) and a source identity, all three from claims credvend signed. The
 * same statement shape as the role-chaining trust: `sts:AssumeRoleWithWebIdentity` sees the token's keys, the tags
 * and the source identity; `sts:TagSession` the tags; `sts:SetSourceIdentity` the source identity.
 */
export function webIdentityTrustPolicy(props: WebIdentityTrustProps): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: trustStatements(
      { Federated: props.providerArn },
      {
        sid: 'AssumeWithCredvendTokens',
        action: 'sts:AssumeRoleWithWebIdentity',
        conditions: { StringEquals: { [`${oidcConditionKeyPrefix(props.issuer)}:aud`]: props.audience } },
      },
      ANY_TENANT_TAG,
    ),
  };
}
