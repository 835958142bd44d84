/** A role deny that revokes one tenant's live sessions issued before a time, as the console's AWSRevokeOlderSessions does for a whole role. */
import type { PolicyJson } from '../../lib/policies/tenant-access-policy';

/** Denies everything to sessions tagged `tenant` whose token was issued before `before`. */
export function revokeTenantSessions(tenant: string, before: Date): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          DateLessThan: { 'aws:TokenIssueTime': before.toISOString() },
          StringEquals: { 'aws:PrincipalTag/tenant': tenant },
        },
      },
    ],
  };
}
