/**
 * A role's web-identity trust policy, evaluated by the IAM policy simulator as STS evaluates it for
 * AssumeRoleWithWebIdentity: `sts:AssumeRoleWithWebIdentity` always, `sts:TagSession` when the token carries tags,
 * `sts:SetSourceIdentity` when it names a source identity; the principal is the OIDC provider, the role's trust
 * policy the resource policy.
 *
 * Each action sees the context keys the Service Authorization Reference lists for it — the simulator's own data,
 * the filter its Strict mode applies — and `sts:AssumeRoleWithWebIdentity` also sees the provider's own keys
 * (`<host/path>:aud`, `:sub`). Those the reference lists only for a few named providers (accounts.google.com,
 * cognito-identity.amazonaws.com, token.actions.githubusercontent.com…), so Strict mode would drop them for any other
 * issuer and every `<issuer>:aud` condition would fail. Hence `runUnsafeSimulation` (no key filtering of its own),
 * over the keys chosen here, with the policy the account checked when it was built.
 */
import { allowedContextKeysForRequest, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { OidcProvider } from '../account/oidc-providers';
import { notAuthorizedToPerform } from './errors';
import type { EmulatedRole, SessionTag } from './types';

/** What an AssumeRoleWithWebIdentity asks of a role's trust policy. */
export interface WebIdentityTrustRequest {
  readonly role: EmulatedRole;
  readonly roleArn: string;
  readonly accountId: string;
  readonly provider: OidcProvider;
  /** The token's `sub`, and its audience that is one of the provider's client ids. */
  readonly subject: string;
  readonly audience: string;
  readonly roleSessionName: string;
  readonly tags: readonly SessionTag[];
  readonly transitiveTags: readonly SessionTag[];
  readonly sourceIdentity?: string;
  readonly nowMs: number;
}

type Context = Record<string, string | string[]>;

/**
 * Throws `AccessDenied` "Not authorized to perform <action>" for the first action the trust does not allow; a role
 * without a web-identity trust allows none.
 */
export async function authorizeWebIdentity(request: WebIdentityTrustRequest): Promise<void> {
  const actions = [
    'sts:AssumeRoleWithWebIdentity',
    ...(request.tags.length > 0 ? ['sts:TagSession'] : []),
    ...(request.sourceIdentity === undefined ? [] : ['sts:SetSourceIdentity']),
  ];
  const context = requestContext(request);
  for (const action of actions) {
    if (!(await allows(request, action, context))) throw notAuthorizedToPerform(action);
  }
}

/** Every key STS supplies for the call; `allows` keeps those each action sees. */
function requestContext(request: WebIdentityTrustRequest): Context {
  const prefix = request.provider.conditionKeyPrefix;
  const context: Context = {
    [`${prefix}:aud`]: request.audience,
    [`${prefix}:sub`]: request.subject,
    'sts:RoleSessionName': request.roleSessionName,
    'aws:CurrentTime': new Date(request.nowMs).toISOString(),
    'aws:EpochTime': String(Math.floor(request.nowMs / 1000)),
  };
  for (const tag of request.tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value;
  if (request.tags.length > 0) context['aws:TagKeys'] = request.tags.map((tag) => tag.Key);
  if (request.transitiveTags.length > 0) {
    context['sts:TransitiveTagKeys'] = request.transitiveTags.map((tag) => tag.Key);
  }
  if (request.sourceIdentity !== undefined) context['sts:SourceIdentity'] = request.sourceIdentity;
  return context;
}

async function allows(request: WebIdentityTrustRequest, action: string, context: Context): Promise<boolean> {
  const trust = request.role.trust.webIdentity;
  if (trust === undefined) return false;
  const listed = await listedKeys(action, request.roleArn);
  const providerKey = `${request.provider.conditionKeyPrefix.toLowerCase()}:`;
  const seen = Object.fromEntries(
    Object.entries(context).filter(([key]) => {
      const lower = key.toLowerCase();
      if (action === 'sts:AssumeRoleWithWebIdentity' && lower.startsWith(providerKey)) return true;
      return listed.has(lower) || variableKeyListed(lower, listed);
    }),
  );
  try {
    const verdict = runUnsafeSimulation(
      {
        request: {
          principal: request.provider.arn,
          action,
          resource: { resource: request.roleArn, accountId: request.accountId },
          contextVariables: seen,
        },
        identityPolicies: [],
        // A validated-policy envelope: the form in which the unsafe engine loads a resource policy with its name.
        resourcePolicy: { __validated: true, policyDocument: trust, metadata: { name: 'trust' }, errors: [] },
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    return verdict === 'Allowed';
  } catch {
    // A policy the simulator cannot evaluate allows nothing.
    return false;
  }
}

const listedByAction = new Map<string, Promise<ReadonlySet<string>>>();

/** The context keys the Service Authorization Reference lists for `action` on a role, lower-cased; read once. */
function listedKeys(action: string, roleArn: string): Promise<ReadonlySet<string>> {
  let listed = listedByAction.get(action);
  if (listed === undefined) {
    const [service = '', name = ''] = action.split(':');
    listed = allowedContextKeysForRequest(service, name, roleArn, false, undefined).then(
      (keys) => new Set(keys),
    );
    listedByAction.set(action, listed);
    listed.catch(() => listedByAction.delete(action));
  }
  return listed;
}

/** `aws:requesttag/tenant` is listed as `aws:requesttag/${tagkey}`: the same rule as the simulator's Strict mode. */
function variableKeyListed(lowerKey: string, listed: ReadonlySet<string>): boolean {
  const slash = lowerKey.indexOf('/');
  if (slash === -1) return false;
  const prefix = lowerKey.slice(0, slash + 1);
  return [...listed].some((key) => key.startsWith(prefix));
}
