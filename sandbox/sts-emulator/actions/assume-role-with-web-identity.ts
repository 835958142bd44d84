/**
 * AssumeRoleWithWebIdentity as STS runs it for an OpenID Connect ID token: unsigned (the token is the credential),
 * model constraints, the token verified against the account's OIDC provider for its `iss` (signature by the issuer's
 * JWKS, audience, expiry), session tags and source identity from its claims, the role's web-identity trust policy,
 * the role's maximum session (no role-chaining cap: no role session asks), the session policy and its packed size;
 * then a new role session the emulator will recognise.
 */
import type { Caller } from '../../query-protocol/authenticate';
import type { QueryParams } from '../../query-protocol/form';
import { textNode, type XmlNode } from '../../query-protocol/xml';
import { invalidParameterValue, notAuthorizedToPerform } from '../errors';
import { parseAssumeRoleWithWebIdentityInput } from '../validation';
import { tokenSourceIdentity, tokenTags } from '../web-identity-claims';
import { verifyWebIdentityToken } from '../web-identity-token';
import { authorizeWebIdentity } from '../web-identity-trust';
import { type ActionContext, credentialsNode } from './action-context';
import { assumedRoleUserNode, checkRoleMaxSession, issueRoleSession } from './role-session';

const ACTION = 'sts:AssumeRoleWithWebIdentity';
const DEFAULT_DURATION_SECONDS = 3600;

/**
 * Runs AssumeRoleWithWebIdentity; returns the `<AssumeRoleWithWebIdentityResult>` content or throws a `QueryError`.
 * A signed request has been authenticated, but who signed it does not matter: the token alone names the caller.
 */
export async function assumeRoleWithWebIdentity(
  params: QueryParams,
  _caller: Caller | undefined,
  context: ActionContext,
): Promise<XmlNode[]> {
  const input = parseAssumeRoleWithWebIdentityInput(params);
  // ProviderId names an OAuth 2.0 provider (Login with Amazon, Facebook), whose access tokens the emulator cannot
  // verify; for an OIDC ID token it must not be sent. Refused rather than ignored.
  if (input.providerId) {
    throw invalidParameterValue(
      'ProviderId (OAuth 2.0 access tokens) is not supported by the STS emulator; send an OpenID Connect ID token without it.',
    );
  }
  const nowMs = context.now();
  const identity = await verifyWebIdentityToken(input.webIdentityToken, { ...context, nowMs });
  const tags = tokenTags(identity.payload);
  const sourceIdentity = tokenSourceIdentity(identity.payload);

  const role = context.roles.get(input.roleArn);
  // STS says the same whether the role is missing or its trust refuses.
  if (role === undefined) throw notAuthorizedToPerform(ACTION);
  await authorizeWebIdentity({
    role,
    roleArn: input.roleArn,
    accountId: context.accountId,
    provider: identity.provider,
    subject: identity.subject,
    audience: identity.audience,
    roleSessionName: input.roleSessionName,
    tags: tags.all,
    transitiveTags: tags.transitive,
    ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    nowMs,
  });
  const durationSeconds = input.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  checkRoleMaxSession(durationSeconds, role);
  const session = issueRoleSession(context, {
    kind: 'AssumeRoleWithWebIdentity',
    role,
    input,
    durationSeconds,
    tags,
    sourceIdentity,
    details: {
      provider: identity.provider.arn,
      audience: identity.audience,
      subjectFromWebIdentityToken: identity.subject,
    },
    // No access key asks for a web-identity session: the provider vouches for it.
    issuer: { arn: identity.provider.arn, accessKeyId: '' },
  });

  return [
    credentialsNode(session.credentials, session.expiresAtMs),
    { name: 'SubjectFromWebIdentityToken', text: identity.subject },
    assumedRoleUserNode(session),
    ...textNode('PackedPolicySize', session.packedPolicySize),
    // Real STS answers the provider's ARN here for OIDC tokens (its documentation says the `iss`).
    { name: 'Provider', text: identity.provider.arn },
    { name: 'Audience', text: identity.audience },
    ...textNode('SourceIdentity', sourceIdentity),
  ];
}
