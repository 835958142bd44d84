/**
 * The `CredentialIssuer` on STS AssumeRoleWithWebIdentity (web-identity mode): for each STS call the function mints
 * a short-lived token as its own OIDC issuer, has the `TokenSigner` (KMS) sign it, and sends it unsigned to the
 * regional STS endpoint. Not role chaining, so sessions reach the tenant access role's MaxSessionDuration (12 h).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  type AssumeRoleWithWebIdentityCommandOutput,
  ExpiredTokenException,
  IDPCommunicationErrorException,
  IDPRejectedClaimException,
  InvalidIdentityTokenException,
  type STSClient,
} from '@aws-sdk/client-sts';
import {
  IssuerRejectedError,
  TenantMisconfiguredError,
  UpstreamUnavailableError,
  type VendingError,
} from '../core/errors';
import type { IssuedCredentials, SessionPlan } from '../core/model';
import { jwksUri } from '../core/oidc-issuer';
import type { CredentialIssuer, TokenSigner } from '../core/ports';
import { STS_MAX_DURATION_SECONDS, STS_MIN_DURATION_SECONDS } from '../core/tenant-record';
import {
  type TokenIssuerSettings,
  type WebIdentityClaims,
  webIdentityClaims,
} from '../core/web-identity-token';
import {
  checkDeadlineMs,
  createUnsignedStsClient,
  DeadlineExceededError,
  type RegionalClientOptions,
  type RegionalClients,
  regionalClients,
  sendWithDeadline,
} from './aws-clients';
import {
  deadlineFailure,
  describeStsCall,
  ISSUER_REJECTED_MESSAGE,
  ISSUER_RETRY_AFTER_SECONDS,
  ISSUER_UNAVAILABLE_MESSAGE,
  mapStsFailure,
  type SpecificStsMapping,
  toIssuedCredentials,
} from './sts-outcomes';

const ACTION = 'AssumeRoleWithWebIdentity';
const DEFAULT_DEADLINE_MS = 6000;
const DEFAULT_IDP_ATTEMPTS = 3;
const DEFAULT_IDP_RETRY_DELAY_MS = 200;
const MAX_SESSION_DURATION = /MaxSessionDuration/i;

/** Options of `StsWebIdentityCredentialIssuer`; the security-relevant ones are required. */
export interface StsWebIdentityCredentialIssuerOptions
  extends TokenIssuerSettings,
    Omit<RegionalClientOptions<STSClient>, 'credentials'> {
  /** Signs the tokens (`KmsTokenSigner`). */
  readonly signer: TokenSigner;
  /** The tenant access role's MaxSessionDuration (`MAX_SESSION_SECONDS`, 900-43200): the longest session asked for. */
  readonly maxSessionSeconds: number;
  /**
   * Builds the client of one region; called at most once per region. It must not sign the call.
   * @default a keep-alive unsigned `STSClient` on the regional endpoint (see `createUnsignedStsClient`)
   */
  readonly clientFactory?: (region: string) => STSClient;
  /** Overall deadline of one `issue`: signing, STS, retries and backoff included. @default 6000 */
  readonly deadlineMs?: number;
  /**
   * STS calls per `issue` while STS answers IDPCommunicationError (it could not fetch our JWKS: AWS says retry; the
   * SDK does not), each with a fresh token, the first included. @default 3
   */
  readonly idpAttempts?: number;
  /** Pause before such a retry. @default 200 */
  readonly idpRetryDelayMs?: number;
  /** The clock, in milliseconds (the tokens' `iat`). @default Date.now */
  readonly now?: () => number;
  /** A fresh token id (`jti`). @default crypto.randomUUID */
  readonly newTokenId?: () => string;
}

/** Issues tenant credentials with STS AssumeRoleWithWebIdentity and a token credvend signed itself. */
export class StsWebIdentityCredentialIssuer implements CredentialIssuer {
  readonly maxSessionSeconds: number;
  private readonly signer: TokenSigner;
  private readonly settings: TokenIssuerSettings;
  private readonly clients: RegionalClients<STSClient>;
  private readonly deadlineMs: number;
  private readonly idpAttempts: number;
  private readonly idpRetryDelayMs: number;
  private readonly now: () => number;
  private readonly newTokenId: () => string;

  constructor(options: StsWebIdentityCredentialIssuerOptions) {
    if (
      !Number.isInteger(options.maxSessionSeconds) ||
      options.maxSessionSeconds < STS_MIN_DURATION_SECONDS ||
      options.maxSessionSeconds > STS_MAX_DURATION_SECONDS
    ) {
      throw new RangeError(
        `maxSessionSeconds must be a whole number from ${STS_MIN_DURATION_SECONDS} to ${STS_MAX_DURATION_SECONDS}, got ${options.maxSessionSeconds}`,
      );
    }
    const idpAttempts = options.idpAttempts ?? DEFAULT_IDP_ATTEMPTS;
    if (!Number.isInteger(idpAttempts) || idpAttempts < 1) {
      throw new RangeError(`idpAttempts must be a positive whole number, got ${idpAttempts}`);
    }
    this.maxSessionSeconds = options.maxSessionSeconds;
    this.signer = options.signer;
    this.settings = { issuer: options.issuer, audience: options.audience };
    this.deadlineMs = checkDeadlineMs(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
    this.idpAttempts = idpAttempts;
    this.idpRetryDelayMs = options.idpRetryDelayMs ?? DEFAULT_IDP_RETRY_DELAY_MS;
    this.now = options.now ?? Date.now;
    this.newTokenId = options.newTokenId ?? randomUUID;
    this.clients = regionalClients(options, createUnsignedStsClient);
  }

  /** Signs a token for `plan` and exchanges it in `plan.region`; throws a `VendingError` for every failure a caller should see. */
  async issue(plan: SessionPlan): Promise<IssuedCredentials> {
    // Without a Policy, STS would hand out everything the role allows: never let that happen by accident.
    if (plan.policy.trim() === '') {
      throw new Error(`refusing to call ${ACTION} for tenant ${plan.tenantId} without a session policy`);
    }
    if (plan.externalId !== undefined) {
      // The call has no ExternalId; dropping it silently would change what the tenant's role was set up to require.
      throw new TenantMisconfiguredError(
        "This tenant's configuration is invalid; the platform team has to correct it.",
        {
          detail: `tenant ${plan.tenantId}: its own role ${plan.roleArn} comes with an external id, which ${ACTION} cannot send and credvend does not drop; web-identity mode refuses tenant-owned roles (such a role would have to trust credvend's OIDC provider instead); not sent`,
        },
      );
    }
    if (plan.durationSeconds > this.maxSessionSeconds) {
      throw new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, {
        detail: `${describeStsCall(ACTION, plan)}: DurationSeconds ${plan.durationSeconds} exceeds MAX_SESSION_SECONDS ${this.maxSessionSeconds} (the role's MaxSessionDuration); not sent`,
      });
    }
    const client = this.clients.get(plan.region);
    let output: AssumeRoleWithWebIdentityCommandOutput;
    try {
      output = await sendWithDeadline(this.deadlineMs, (abortSignal) =>
        this.exchange(client, plan, abortSignal),
      );
    } catch (error) {
      if (error instanceof DeadlineExceededError) {
        throw deadlineFailure(ACTION, plan, error, `signing and STS ${ACTION}`);
      }
      throw error;
    }
    return toIssuedCredentials(output, ACTION, plan);
  }

  /** Closes every client's keep-alive sockets (local sandbox shutdown, tests). */
  destroy(): void {
    this.clients.destroy();
  }

  /** One token per STS call; IDPCommunicationError is retried with a fresh token while attempts remain. */
  private async exchange(
    client: STSClient,
    plan: SessionPlan,
    abortSignal: AbortSignal,
  ): Promise<AssumeRoleWithWebIdentityCommandOutput> {
    for (let attempt = 1; ; attempt++) {
      const claims = webIdentityClaims(plan, this.settings, this.now(), this.newTokenId());
      // The signer maps its own failures (KMS throttling, outages, key problems).
      const token = await this.signer.sign(claims, { abortSignal });
      try {
        return await client.send(
          new AssumeRoleWithWebIdentityCommand(toAssumeRoleWithWebIdentityInput(plan, token)),
          {
            abortSignal,
          },
        );
      } catch (error) {
        if (
          error instanceof IDPCommunicationErrorException &&
          attempt < this.idpAttempts &&
          !abortSignal.aborted
        ) {
          await sleep(this.idpRetryDelayMs * attempt, undefined, { signal: abortSignal });
          continue;
        }
        throw mapWebIdentityError(error, plan, { claims, nowMs: this.now(), attempts: attempt });
      }
    }
  }
}

/** The AssumeRoleWithWebIdentity request for a plan: exactly these fields (tags and source identity are in the token). */
export function toAssumeRoleWithWebIdentityInput(
  plan: SessionPlan,
  webIdentityToken: string,
): AssumeRoleWithWebIdentityCommandInput {
  return {
    RoleArn: plan.roleArn,
    RoleSessionName: plan.roleSessionName,
    WebIdentityToken: webIdentityToken,
    Policy: plan.policy,
    DurationSeconds: plan.durationSeconds,
  };
}

/** What the mapping knows about the token STS judged. */
export interface WebIdentityCallContext {
  readonly claims: WebIdentityClaims;
  /** The function's clock when the answer came. */
  readonly nowMs: number;
  /** STS calls made for this issue. */
  readonly attempts: number;
}

/**
 * Maps an AssumeRoleWithWebIdentity failure to the error hierarchy (see `mapStsFailure`); refusals of the token
 * say in the audit detail what the platform team should check.
 */
export function mapWebIdentityError(
  error: unknown,
  plan: SessionPlan,
  context: WebIdentityCallContext,
): VendingError | Error {
  const { claims } = context;
  const rejected = (detail: string) =>
    new IssuerRejectedError(ISSUER_REJECTED_MESSAGE, { cause: error, detail });
  const specific: SpecificStsMapping = ({ detail, name, message }) => {
    if (error instanceof IDPCommunicationErrorException) {
      return new UpstreamUnavailableError(ISSUER_UNAVAILABLE_MESSAGE, {
        cause: error,
        detail: `${detail} (STS could not fetch ${jwksUri(claims.iss)}; ${context.attempts} call(s) made)`,
        retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
      });
    }
    if (error instanceof ExpiredTokenException)
      return rejected(`${detail} (${expiryDiagnosis(claims, context.nowMs)})`);
    if (error instanceof InvalidIdentityTokenException) {
      return rejected(
        `${detail} (check that an IAM OIDC provider for ${claims.iss} exists and that ${jwksUri(claims.iss)} serves the signing key)`,
      );
    }
    if (error instanceof IDPRejectedClaimException) {
      return rejected(
        `${detail} (the IAM OIDC provider for ${claims.iss} must list client id ${claims.aud})`,
      );
    }
    if (name === 'ValidationError' && MAX_SESSION_DURATION.test(message)) {
      return rejected(
        `${detail} (DurationSeconds ${plan.durationSeconds}: MAX_SESSION_SECONDS is above the role's MaxSessionDuration)`,
      );
    }
    return undefined;
  };
  return mapStsFailure(error, ACTION, plan, specific);
}

/**
 * Why STS may have found a fresh token expired. If the token is still valid by the function's clock, the clocks
 * disagree; if it is not, the token outlived its life on our side, which is a bug of ours.
 */
export function expiryDiagnosis(claims: Pick<WebIdentityClaims, 'iat' | 'exp'>, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const times = `iat ${claims.iat}, exp ${claims.exp}, function clock ${now}`;
  if (now < claims.exp) {
    return `clock problem: the token has ${claims.exp - now} s left by the function's clock, so the function's clock is at least that far behind STS's; ${times}`;
  }
  return `bug of ours: by the function's own clock the token expired ${now - claims.exp} s ago (a token must be minted fresh for each STS call); ${times}`;
}
