/**
 * The account's IAM OIDC identity providers (`AWS::IAM::OIDCProvider`): issuer URL, client ids and the ARN IAM names
 * them by; and the check, when the account is built, that a role's web-identity trust is a trust policy over them.
 */
import { isIP } from 'node:net';
import { oidcConditionKeyPrefix } from '../../lib/policies/trust-policies';
import { trustPolicyDocument } from './trust-document';
import type { EmulatedOidcProvider, EmulatedRole } from './types';

/** A provider as the account holds it. */
export interface OidcProvider {
  /** The issuer URL; a token's `iss` must equal it exactly. */
  readonly url: string;
  readonly clientIds: readonly string[];
  /** `arn:aws:iam::<account>:oidc-provider/<conditionKeyPrefix>`. */
  readonly arn: string;
  /** `<host[:port]/path>`: how IAM names the provider in its ARN and its condition keys (`<prefix>:aud`, `:sub`). */
  readonly conditionKeyPrefix: string;
}

/** IAM's default quota of OIDC providers per account, and of client ids per provider. */
const MAX_PROVIDERS = 100;
const MAX_CLIENT_IDS = 100;
const MAX_CLIENT_ID_LENGTH = 255;
/** The actions a web-identity trust policy may grant. */
const TRUST_ACTIONS: ReadonlySet<string> = new Set([
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
]);

/** `arn:aws:iam::<account>:oidc-provider/<host[:port]/path>`: the URL without its scheme, as IAM names it. */
export function oidcProviderArn(accountId: string, url: string): string {
  return `arn:aws:iam::${accountId}:oidc-provider/${oidcConditionKeyPrefix(url)}`;
}

/** The providers by URL; throws on a provider IAM (or the sandbox's loopback rule) would not take. */
export function buildOidcProviders(
  providers: readonly EmulatedOidcProvider[],
  accountId: string,
): ReadonlyMap<string, OidcProvider> {
  if (providers.length > MAX_PROVIDERS) {
    throw new Error(`emulated account: at most ${MAX_PROVIDERS} OIDC providers, got ${providers.length}`);
  }
  const byUrl = new Map<string, OidcProvider>();
  const arns = new Set<string>();
  for (const provider of providers) {
    const problem = urlProblem(provider.url) ?? clientIdsProblem(provider.clientIds);
    if (problem !== undefined) {
      throw new Error(`emulated account: OIDC provider '${provider.url}': ${problem}`);
    }
    const arn = oidcProviderArn(accountId, provider.url);
    if (arns.has(arn)) throw new Error(`emulated account: OIDC provider ${arn} is defined twice`);
    arns.add(arn);
    byUrl.set(provider.url, {
      url: provider.url,
      clientIds: [...provider.clientIds],
      arn,
      conditionKeyPrefix: oidcConditionKeyPrefix(provider.url),
    });
  }
  return byUrl;
}

function urlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    return 'a query or fragment is not allowed';
  }
  if (url.username !== '' || url.password !== '') return 'credentials in the URL are not allowed';
  if (url.protocol === 'https:') {
    // IAM's model: "The URL should not contain a port number."
    return url.port === '' && !/^https:\/\/[^/]*:/.test(raw) ? undefined : 'an https URL may not name a port';
  }
  if (url.protocol === 'http:') {
    return isLoopbackHostname(url.hostname)
      ? undefined
      : 'http is allowed only on a loopback host (IAM takes https only)';
  }
  return 'the URL must begin with https:// (or http:// on a loopback host)';
}

function clientIdsProblem(clientIds: readonly string[]): string | undefined {
  if (clientIds.length > MAX_CLIENT_IDS) return `at most ${MAX_CLIENT_IDS} client ids`;
  if (clientIds.some((id) => id.length === 0 || id.length > MAX_CLIENT_ID_LENGTH)) {
    return `client ids must have 1-${MAX_CLIENT_ID_LENGTH} characters`;
  }
  if (new Set(clientIds).size !== clientIds.length) return 'a client id is listed twice';
  return undefined;
}

/** Whether a URL's hostname is a loopback one: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/**
 * Throws unless every role's web-identity trust is a trust policy over the account's providers: statements with an
 * `Effect`, a `Principal` that is `Federated` provider ARNs only, actions among AssumeRoleWithWebIdentity, TagSession
 * and SetSourceIdentity, conditions shaped as IAM takes them, and statement ids unique in the role's whole trust.
 */
export function checkWebIdentityTrust(
  roles: readonly EmulatedRole[],
  providers: ReadonlyMap<string, OidcProvider>,
): void {
  const providerArns = new Set([...providers.values()].map((provider) => provider.arn));
  for (const role of roles) {
    if (role.trust.webIdentity === undefined) continue;
    const problem = trustProblem(role, providerArns);
    if (problem !== undefined) {
      throw new Error(`emulated account: role '${role.roleName}' web-identity trust: ${problem}`);
    }
  }
}

function trustProblem(role: EmulatedRole, providerArns: ReadonlySet<string>): string | undefined {
  const statements = role.trust.webIdentity?.Statement ?? [];
  if (statements.length === 0) return 'it has no statement';
  for (const statement of statements) {
    const problem = statementProblem(statement, providerArns);
    if (problem !== undefined) return problem;
  }
  const sids = trustPolicyDocument(role.trust)
    .Statement.map((statement) => statement.Sid)
    .filter((sid) => sid !== undefined);
  return new Set(sids).size === sids.length ? undefined : 'statement ids must be unique in the trust policy';
}

function statementProblem(
  statement: Readonly<Record<string, unknown>>,
  providerArns: ReadonlySet<string>,
): string | undefined {
  const allowed = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Condition']);
  const extra = Object.keys(statement).find((key) => !allowed.has(key));
  if (extra !== undefined) return `'${extra}' is not supported in a web-identity trust statement`;
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') return 'Effect must be Allow or Deny';
  const principal = statement.Principal;
  const federated = isObject(principal) ? stringList(principal.Federated) : undefined;
  if (!isObject(principal) || Object.keys(principal).length !== 1 || federated === undefined) {
    return 'Principal must be { Federated: <OIDC provider ARN(s)> }';
  }
  const unknown = federated.find((arn) => !providerArns.has(arn));
  if (unknown !== undefined) return `the account has no OIDC provider ${unknown}`;
  const actions = stringList(statement.Action);
  if (actions === undefined || actions.some((action) => !TRUST_ACTIONS.has(action))) {
    return `Action must be among ${[...TRUST_ACTIONS].join(', ')}`;
  }
  const condition = statement.Condition;
  if (condition !== undefined && !(isObject(condition) && Object.values(condition).every(isObject))) {
    return 'Condition must map operators to key/value objects';
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return value;
  }
  return undefined;
}
