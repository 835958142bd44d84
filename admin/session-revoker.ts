/**
 * The IAM side of a revocation, as the library sees it: a port (`SessionRevoker`) that makes live sessions of a tenant
 * (or of one user) issued before a time stop working, and the factory the CLI takes its revoker from.
 */

import { IAMClient } from '@aws-sdk/client-iam';
import type { Revocation } from '../lib/policies/revocation-policy';
import type { Deployment } from './deployment';
import { IamSessionRevoker } from './iam-session-revoker';

/**
 * Denies the sessions `revocation` names, on the role they assumed (the tenant access role's `CredvendRevocations`
 * policy). Must be done, or throw, before the tenant record is changed: `TenantAdmin` calls it first. Throws
 * `RevocationPolicyError` (from `lib/policies/revocation-policy`) with what to do when the policy cannot take it.
 */
export interface SessionRevoker {
  /** Resolves once the deny is in place; what it resolves with (e.g. the policy's new state) is not used. */
  revoke(revocation: Revocation): Promise<unknown>;
}

/**
 * The revoker of `deployment` for the CLI: IAM's role-policy calls on the tenant access role (the sandbox's IAM front
 * with `--local`), one client per revocation so that a CLI run leaves no socket open.
 */
export function createSessionRevoker(deployment: Deployment): SessionRevoker {
  const roleName = deployment.tenantRoleArn.split('/').pop() ?? '';
  const { aws } = deployment;
  return {
    revoke: async (revocation) => {
      const iam = new IAMClient({
        region: aws.region,
        ...(aws.iamEndpoint !== undefined && { endpoint: aws.iamEndpoint }),
        ...(aws.credentials !== undefined && { credentials: aws.credentials }),
      });
      try {
        return await new IamSessionRevoker(iam, {
          roleName,
          maxSessionSeconds: deployment.maxSessionSeconds,
        }).revoke(revocation);
      } finally {
        iam.destroy();
      }
    },
  };
}
