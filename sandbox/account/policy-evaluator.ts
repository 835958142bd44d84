/**
 * IAM's decision on one request, made by the IAM policy simulator `@cloud-copilot/iam-simulate` over the real policy
 * documents: the caller's identity policies intersected with its session policy, with the request context IAM would
 * supply (principal tags, source identity, token issue time, transport, the service's own keys), and the resource's
 * own policy when it has one (a KMS key policy). The simulator is AGPL-3.0 and a devDependency: only the sandbox loads
 * it, never the Lambda bundle or the client bundle.
 */
import { anonymousPrincipal, type RequestAnalysis, runSimulation } from '@cloud-copilot/iam-simulate';
import type { Principal } from './principals';
import type { PolicyJson, SessionTag } from './types';

/** One authorization request, as IAM sees it. */
export interface IamRequest {
  /** e.g. `s3:GetObject`. */
  readonly action: string;
  /** e.g. `arn:aws:s3:::bucket/key` or `arn:aws:s3:::bucket`. */
  readonly resource: string;
  /** The service's condition keys (`s3:prefix`, `s3:delimiter`, `s3:max-keys`…); absent keys are absent. */
  readonly context?: Readonly<Record<string, string>>;
  /**
   * The resource's own policy (a KMS key policy), evaluated with the caller's policies as IAM does: a grant to the
   * caller allows on its own, a grant to the account defers to the caller's identity policies. Absent: the resource
   * has none, and only the identity side decides.
   */
  readonly resourcePolicy?: PolicyJson;
}

/** The simulator's verdict. */
export type IamDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** The kind of policy that refused a request, as AWS's access-denied messages name it. */
export type DenyingPolicy = 'identity' | 'resource' | 'session';

/** The verdict, and for a refusal which kind of policy denied the request or failed to allow it. */
export interface IamVerdict {
  readonly decision: IamDecision;
  /** Undefined when the request is allowed. */
  readonly deniedBy: DenyingPolicy | undefined;
}

/** Who asks, with what policies. */
export interface EvaluatedCaller {
  readonly caller: Principal | 'anonymous';
  /** The account the caller and the resources belong to. */
  readonly accountId: string;
  readonly identityPolicies: readonly PolicyJson[];
  /** Present for the sessions STS minted. */
  readonly session?: {
    readonly policy: string | undefined;
    readonly tags: readonly SessionTag[];
    readonly sourceIdentity: string | undefined;
    /** ISO 8601, as `aws:TokenIssueTime` carries it. */
    readonly issuedAt: string;
    readonly roleArn: string | undefined;
    readonly userId: string;
  };
}

/**
 * A character no policy pattern holds literally. The simulator reads `*` in a request's resource as a pattern over
 * resources, while S3 keys are literal; in the ARN it evaluates, a key's `*` stands as this character instead, which
 * only a policy wildcard matches. The one difference from IAM is the safe one: a policy that names a literal `*`
 * through `${*}` does not match it (credvend's prefixes cannot contain `*`).
 */
const LITERAL_STAR = '\uFFFF';

/** Evaluates `request` by `who` at `nowMs`; a request the simulator cannot evaluate is denied, never allowed. */
export async function evaluateRequest(
  who: EvaluatedCaller,
  request: IamRequest,
  clock: { readonly nowMs: number; readonly secure: boolean },
): Promise<IamDecision> {
  return (await explainRequest(who, request, clock)).decision;
}

/** `evaluateRequest`, saying which kind of policy refused a request it does not allow. */
export async function explainRequest(
  who: EvaluatedCaller,
  request: IamRequest,
  clock: { readonly nowMs: number; readonly secure: boolean },
): Promise<IamVerdict> {
  const contextVariables: Record<string, string> = {
    ...request.context,
    'aws:CurrentTime': new Date(clock.nowMs).toISOString(),
    'aws:EpochTime': String(Math.floor(clock.nowMs / 1000)),
    'aws:SecureTransport': String(clock.secure),
  };
  if (who.caller !== 'anonymous') {
    contextVariables['aws:PrincipalArn'] = who.session?.roleArn ?? who.caller.arn;
    contextVariables['aws:PrincipalAccount'] = who.accountId;
  }
  const session = who.session;
  if (session !== undefined) {
    for (const tag of session.tags) contextVariables[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
    if (session.sourceIdentity !== undefined) contextVariables['aws:SourceIdentity'] = session.sourceIdentity;
    contextVariables['aws:TokenIssueTime'] = session.issuedAt;
    contextVariables['aws:userid'] = session.userId;
  }
  const response = await runSimulation(
    {
      request: {
        principal: who.caller === 'anonymous' ? anonymousPrincipal : who.caller.arn,
        action: request.action,
        resource: { resource: request.resource.replaceAll('*', LITERAL_STAR), accountId: who.accountId },
        contextVariables,
      },
      identityPolicies: who.identityPolicies.map((policy, i) => ({ name: `policy-${i}`, policy })),
      ...(session?.policy === undefined ? {} : { sessionPolicy: JSON.parse(session.policy) }),
      ...(request.resourcePolicy === undefined ? {} : { resourcePolicy: request.resourcePolicy }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType !== 'single') return { decision: 'ImplicitlyDenied', deniedBy: 'identity' };
  const decision = response.overallResult;
  return {
    decision,
    deniedBy:
      decision === 'Allowed'
        ? undefined
        : denyingPolicy(decision, response.result.analysis, request.resourcePolicy !== undefined),
  };
}

/**
 * Which policy refused: for an explicit deny, the one holding the matching Deny; otherwise the first that failed to
 * allow, in the order IAM's messages report it (the resource policy, when there is one, then identity, then session).
 */
function denyingPolicy(
  decision: Exclude<IamDecision, 'Allowed'>,
  analysis: RequestAnalysis,
  hasResourcePolicy: boolean,
): DenyingPolicy {
  const resource = analysis.resourceAnalysis?.result;
  if (decision === 'ExplicitlyDenied') {
    if (resource === 'ExplicitlyDenied' || resource === 'DeniedForAccount') return 'resource';
    return analysis.sessionAnalysis?.result === 'ExplicitlyDenied' ? 'session' : 'identity';
  }
  if (hasResourcePolicy && resource !== 'Allowed' && resource !== 'AllowedForAccount') return 'resource';
  // A grant to the caller itself needs no identity policy; a grant to its account (or no resource policy) does.
  if (resource !== 'Allowed' && analysis.identityAnalysis?.result !== 'Allowed') return 'identity';
  return analysis.sessionAnalysis === undefined ? 'identity' : 'session';
}
