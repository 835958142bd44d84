/**
 * The one AWS account the sandbox emulates: its roles (trust and permission policies), the credentials it knows
 * (long-term ones with their users' policies, and the sessions STS mints), and the IAM decision on every request made
 * with them. The STS, S3 and IAM fronts are thin protocol layers over this object; none keeps state of its own about
 * identities.
 */
import { buildOidcProviders, checkWebIdentityTrust, type OidcProvider } from './oidc-providers';
import { explainRequest, type IamDecision, type IamRequest, type IamVerdict } from './policy-evaluator';
import { type Principal, parsePrincipalArn, roleArn } from './principals';
import { isoSeconds, type MintedCredentials, SessionStore, type StoredSession } from './sessions';
import { type KmsKeyOptions, KmsKeys } from './signing-keys';
import type { BaseCredentials, EmulatedOidcProvider, EmulatedRole, PolicyJson } from './types';

/** Long-term credentials with their principal already parsed. */
export interface KnownCredentials {
  readonly secretAccessKey: string;
  readonly principal: Principal;
}

/** What a front needs to verify a signature made with an access key id. */
export interface SigningKey {
  readonly secretAccessKey: string;
  /** The session token the key must travel with; undefined for long-term credentials (which must send none). */
  readonly sessionToken: string | undefined;
  /** When a session's credentials stop working; undefined for long-term credentials. */
  readonly expiresAtMs: number | undefined;
}

/** Options of an emulated account. */
export interface AccountOptions {
  /** The account id. @default '000000000000' */
  readonly accountId?: string;
  readonly baseCredentials: readonly BaseCredentials[];
  readonly roles: readonly EmulatedRole[];
  /** The IAM OIDC providers that roles' web-identity trust may name. @default none */
  readonly oidcProviders?: readonly EmulatedOidcProvider[];
  /** The account's clock in epoch milliseconds (issue and expiry times, request-date skew). */
  readonly now?: () => number;
  /** Sessions kept; when full, expired ones go first, then the oldest (down to 90%). @default 100000 */
  readonly maxSessions?: number;
  /** Told about every session's credentials as they are minted (the test suite's leak scan learns the secrets so). */
  readonly onSessionMinted?: (credentials: MintedCredentials) => void;
  /** The account's KMS signing keys, each with a new key pair. @default none */
  readonly signingKeys?: readonly KmsKeyOptions[];
}

const DEFAULT_ACCOUNT_ID = '000000000000';
const DEFAULT_MAX_SESSIONS = 100_000;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM's bounds of a role's MaxSessionDuration. */
const MIN_ROLE_MAX_SESSION = 3600;
const MAX_ROLE_MAX_SESSION = 43200;

/** The emulated account; throws on construction when an option could not work. */
export class EmulatedAccount {
  readonly accountId: string;
  readonly now: () => number;
  readonly sessions: SessionStore;
  /** Roles by role ARN. */
  readonly roles: ReadonlyMap<string, EmulatedRole>;
  /** IAM OIDC providers by issuer URL (a token's `iss` names its provider exactly). */
  readonly oidcProviders: ReadonlyMap<string, OidcProvider>;
  /** Long-term credentials by access key id. */
  readonly baseCredentials: ReadonlyMap<string, KnownCredentials>;
  /** When the account, and with it each of its roles, came to be (IAM's `CreateDate`), ISO 8601 to the second. */
  readonly createdAt: string;
  /** The account's KMS keys (the KMS front signs with them; their key policies take part in IAM's decision). */
  readonly keys: KmsKeys;
  /** Each role's inline permission policies, by role name then policy name. */
  private readonly rolePolicies = new Map<string, Map<string, PolicyJson>>();
  /** Each IAM user's inline policies, by user ARN then policy name. */
  private readonly userPolicies: ReadonlyMap<string, ReadonlyMap<string, PolicyJson>>;

  constructor(options: AccountOptions) {
    this.accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    if (!/^\d{12}$/.test(this.accountId)) {
      throw new Error(`emulated account: accountId must be 12 digits, got '${this.accountId}'`);
    }
    const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!(Number.isInteger(maxSessions) && maxSessions > 0)) {
      throw new Error(`emulated account: maxSessions must be a positive integer, got ${maxSessions}`);
    }
    this.now = options.now ?? Date.now;
    this.sessions = new SessionStore(maxSessions, this.now, options.onSessionMinted);
    this.roles = buildRoles(options.roles, this.accountId);
    this.oidcProviders = buildOidcProviders(options.oidcProviders ?? [], this.accountId);
    checkWebIdentityTrust(options.roles, this.oidcProviders);
    this.baseCredentials = buildBaseCredentials(options.baseCredentials);
    this.userPolicies = buildUserPolicies(options.baseCredentials);
    this.createdAt = isoSeconds(this.now());
    this.keys = new KmsKeys(this.accountId, this.now, options.signingKeys);
    for (const role of options.roles) {
      this.rolePolicies.set(role.roleName, new Map(Object.entries(role.policies ?? {})));
    }
  }

  /** The ARN of one of the account's roles. */
  roleArn(roleName: string): string {
    return roleArn(this.accountId, roleName);
  }

  /** The role named `roleName`, or undefined when the account has none of that name. */
  role(roleName: string): EmulatedRole | undefined {
    return this.roles.get(this.roleArn(roleName));
  }

  /** Adds or replaces an inline policy of a role (IAM `PutRolePolicy`); it applies to live sessions at once. */
  putRolePolicy(roleName: string, policyName: string, document: PolicyJson): void {
    this.policiesOf(roleName).set(policyName, document);
  }

  /** Removes an inline policy of a role (IAM `DeleteRolePolicy`); false when the role had no such policy. */
  deleteRolePolicy(roleName: string, policyName: string): boolean {
    return this.policiesOf(roleName).delete(policyName);
  }

  /** One inline policy of a role (IAM `GetRolePolicy`), or undefined when the role has none of that name. */
  getRolePolicy(roleName: string, policyName: string): PolicyJson | undefined {
    return this.policiesOf(roleName).get(policyName);
  }

  /** A role's inline policies by name, as they stand now. */
  listRolePolicies(roleName: string): ReadonlyMap<string, PolicyJson> {
    return this.policiesOf(roleName);
  }

  /** The key a signature by `accessKeyId` must be made with, or undefined when the account knows no such key. */
  signingKey(accessKeyId: string): SigningKey | undefined {
    const base = this.baseCredentials.get(accessKeyId);
    if (base !== undefined) {
      return { secretAccessKey: base.secretAccessKey, sessionToken: undefined, expiresAtMs: undefined };
    }
    const session = this.sessions.get(accessKeyId);
    return session === undefined
      ? undefined
      : {
          secretAccessKey: session.secretAccessKey,
          sessionToken: session.sessionToken,
          expiresAtMs: session.expiresAtMs,
        };
  }

  /**
   * IAM's decision on a request signed with `accessKeyId` (undefined: an anonymous request): the identity policies
   * of the caller's role as they stand now, intersected with the session's policy, with the session's tags, source
   * identity and issue time as context. Evaluated on every call: a deny added to the role takes effect at once.
   */
  authorize(
    accessKeyId: string | undefined,
    request: IamRequest,
    transport: { readonly secure: boolean },
  ): Promise<IamDecision> {
    return this.explainAuthorization(accessKeyId, request, transport).then((verdict) => verdict.decision);
  }

  /** `authorize`, saying which kind of policy refused a request it does not allow (for AWS's access-denied text). */
  explainAuthorization(
    accessKeyId: string | undefined,
    request: IamRequest,
    transport: { readonly secure: boolean },
  ): Promise<IamVerdict> {
    const nowMs = this.now();
    if (accessKeyId === undefined) {
      return explainRequest(
        { caller: 'anonymous', accountId: this.accountId, identityPolicies: [] },
        request,
        {
          nowMs,
          secure: transport.secure,
        },
      );
    }
    const session = this.sessions.get(accessKeyId);
    const caller =
      session === undefined ? this.baseCredentials.get(accessKeyId)?.principal : session.principal;
    if (caller === undefined) return Promise.resolve({ decision: 'ImplicitlyDenied', deniedBy: 'identity' });
    return explainRequest(
      {
        caller,
        accountId: this.accountId,
        identityPolicies: this.identityPoliciesOf(caller),
        ...(session === undefined ? {} : { session: sessionContext(session) }),
      },
      request,
      { nowMs, secure: transport.secure },
    );
  }

  private identityPoliciesOf(caller: Principal): PolicyJson[] {
    switch (caller.kind) {
      case 'assumed-role':
        return [...(this.rolePolicies.get(caller.roleName)?.values() ?? [])];
      case 'user':
        return [...(this.userPolicies.get(caller.arn)?.values() ?? [])];
      case 'root':
        // The emulation gives root no policies: it may do nothing (AWS's root may do almost anything).
        return [];
    }
  }

  private policiesOf(roleName: string): Map<string, PolicyJson> {
    const policies = this.rolePolicies.get(roleName);
    if (policies === undefined) {
      throw new Error(`emulated account: no role named '${roleName}' in account ${this.accountId}`);
    }
    return policies;
  }
}

/** What the IAM decision needs of a session. */
function sessionContext(session: StoredSession) {
  return {
    policy: session.record.policy,
    tags: session.record.tags,
    sourceIdentity: session.record.sourceIdentity,
    issuedAt: session.record.issuedAt,
    roleArn: session.record.roleArn,
    userId: session.record.userId,
  };
}

function buildRoles(roles: readonly EmulatedRole[], accountId: string): ReadonlyMap<string, EmulatedRole> {
  const byArn = new Map<string, EmulatedRole>();
  for (const role of roles) {
    if (!ROLE_NAME.test(role.roleName)) {
      throw new Error(
        `emulated account: invalid role name '${role.roleName}' (1-64 characters of [\\w+=,.@-])`,
      );
    }
    const max = role.maxSessionDurationSeconds;
    if (
      max !== undefined &&
      !(Number.isInteger(max) && max >= MIN_ROLE_MAX_SESSION && max <= MAX_ROLE_MAX_SESSION)
    ) {
      throw new Error(
        `emulated account: role '${role.roleName}' maxSessionDurationSeconds must be an integer within 3600..43200, got ${max}`,
      );
    }
    const arn = roleArn(accountId, role.roleName);
    if (byArn.has(arn)) throw new Error(`emulated account: role '${role.roleName}' is defined twice`);
    byArn.set(arn, role);
  }
  return byArn;
}

function buildUserPolicies(
  credentials: readonly BaseCredentials[],
): ReadonlyMap<string, ReadonlyMap<string, PolicyJson>> {
  const byUser = new Map<string, Map<string, PolicyJson>>();
  for (const entry of credentials) {
    if (entry.policies === undefined) continue;
    if (parsePrincipalArn(entry.principalArn)?.kind !== 'user') {
      throw new Error(
        `emulated account: only IAM users carry policies in base credentials, not '${entry.principalArn}'`,
      );
    }
    const policies = byUser.get(entry.principalArn) ?? new Map<string, PolicyJson>();
    for (const [name, policy] of Object.entries(entry.policies)) {
      if (policies.has(name)) {
        throw new Error(`emulated account: user '${entry.principalArn}' has two policies named '${name}'`);
      }
      policies.set(name, policy);
    }
    byUser.set(entry.principalArn, policies);
  }
  return byUser;
}

function buildBaseCredentials(
  credentials: readonly BaseCredentials[],
): ReadonlyMap<string, KnownCredentials> {
  const byKey = new Map<string, KnownCredentials>();
  for (const entry of credentials) {
    const principal = parsePrincipalArn(entry.principalArn);
    if (principal === undefined) {
      throw new Error(
        `emulated account: principalArn '${entry.principalArn}' is not a root, IAM user or assumed-role session ARN`,
      );
    }
    if (!/^[A-Z0-9]{16,128}$/.test(entry.accessKeyId) || entry.secretAccessKey.length === 0) {
      throw new Error(
        `emulated account: base credentials need an access key id of 16-128 uppercase alphanumerics and a secret (${entry.accessKeyId})`,
      );
    }
    if (byKey.has(entry.accessKeyId)) {
      throw new Error(`emulated account: access key id ${entry.accessKeyId} is configured twice`);
    }
    byKey.set(entry.accessKeyId, { secretAccessKey: entry.secretAccessKey, principal });
  }
  return byKey;
}
