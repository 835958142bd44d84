/** The `CredentialIssuer` on STS AssumeRole: regional clients reused, one deadline per call, STS errors mapped to ours. */
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  type AssumeRoleCommandOutput,
  type STSClient,
} from '@aws-sdk/client-sts';
import { IssuerRejectedError, type VendingError } from '../core/errors';
import type { IssuedCredentials, SessionPlan } from '../core/model';
import type { CredentialIssuer } from '../core/ports';
import {
  checkDeadlineMs,
  createStsClient,
  type RegionalClientOptions,
  type RegionalClients,
  regionalClients,
  sendWithDeadline,
} from './aws-clients';
import { describeStsCall, ISSUER_REJECTED_MESSAGE, mapStsFailure, toIssuedCredentials } from './sts-outcomes';

/**
 * The Lambda assumes the tenant access role with its own execution-role credentials: that is role chaining,
 * and STS caps a chained session at one hour whatever the role's MaxSessionDuration says.
 */
export const ROLE_CHAINING_MAX_SESSION_SECONDS = 3600;

/**
 * Options of `StsCredentialIssuer`; every one has a production default. The default client factory is
 * `createStsClient` (a keep-alive `STSClient` on the regional endpoint); `maxAttempts` counts per AssumeRole.
 */
export interface StsCredentialIssuerOptions extends RegionalClientOptions<STSClient> {
  /** Overall deadline of one `issue`, retries and backoff included. @default 6000 */
  readonly deadlineMs?: number;
}

const DEFAULT_DEADLINE_MS = 6000;
const ROLE_CHAINING_LIMIT = /role chaining|1 hour session limit/i;

/** Issues tenant credentials with STS AssumeRole (role-chaining mode: sessions of at most one hour). */
export class StsCredentialIssuer implements CredentialIssuer {
  /** Role chaining: see `ROLE_CHAINING_MAX_SESSION_SECONDS`. */
  readonly maxSessionSeconds = ROLE_CHAINING_MAX_SESSION_SECONDS;
  private readonly clients: RegionalClients<STSClient>;
  private readonly deadlineMs: number;

  constructor(options: StsCredentialIssuerOptions = {}) {
    this.deadlineMs = checkDeadlineMs(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    this.clients = regionalClients(options, createStsClient);
  }

  /** Calls AssumeRole for `plan` in `plan.region`; throws a `VendingError` for every failure a caller should see. */
  async issue(plan: SessionPlan): Promise<IssuedCredentials> {
    // Without a Policy, STS would hand out everything the role allows: never let that happen by accident.
    if (plan.policy.trim() === '') {
      throw new Error(`refusing to call AssumeRole for tenant ${plan.tenantId} without a session policy`);
    }
    if (plan.durationSeconds > this.maxSessionSeconds) {
      throw new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, {
        detail: `${describeStsCall('AssumeRole', plan)}: DurationSeconds ${plan.durationSeconds} exceeds the ${this.maxSessionSeconds} s cap of STS role chaining; not sent`,
      });
    }
    const client = this.clients.get(plan.region);
    const command = new AssumeRoleCommand(toAssumeRoleInput(plan));
    let output: AssumeRoleCommandOutput;
    try {
      output = await sendWithDeadline(this.deadlineMs, (abortSignal) =>
        client.send(command, { abortSignal }),
      );
    } catch (error) {
      throw mapStsError(error, plan);
    }
    return toIssuedCredentials(output, 'AssumeRole', plan);
  }

  /** Closes every client's keep-alive sockets (local sandbox shutdown, tests). */
  destroy(): void {
    this.clients.destroy();
  }
}

/** The AssumeRole request for a plan: exactly these fields, `ExternalId` only when the tenant has one. */
export function toAssumeRoleInput(plan: SessionPlan): AssumeRoleCommandInput {
  return {
    RoleArn: plan.roleArn,
    RoleSessionName: plan.roleSessionName,
    DurationSeconds: plan.durationSeconds,
    Policy: plan.policy,
    Tags: plan.tags.map((t) => ({ Key: t.key, Value: t.value })),
    TransitiveTagKeys: [...plan.transitiveTagKeys],
    SourceIdentity: plan.sourceIdentity,
    ...(plan.externalId === undefined ? {} : { ExternalId: plan.externalId }),
  };
}

/** Maps an AssumeRole failure to the error hierarchy (see `mapStsFailure`). */
export function mapStsError(error: unknown, plan: SessionPlan): VendingError | Error {
  return mapStsFailure(error, 'AssumeRole', plan, ({ name, message, detail }) =>
    name === 'ValidationError' && ROLE_CHAINING_LIMIT.test(message)
      ? new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, {
          cause: error,
          detail: `${detail} (DurationSeconds ${plan.durationSeconds} is above the 1 hour role-chaining cap; the tenant record or the planner let it through)`,
        })
      : undefined,
  );
}
