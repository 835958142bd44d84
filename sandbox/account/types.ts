/** The emulated account's data: roles with their trust and permission policies, credentials, sessions. */
import type { PolicyJson } from '../../lib/policies/tenant-access-policy';

export type { PolicyJson };

/** How a role's trust policy is emulated: who may assume it and with which session attributes. */
export interface RoleTrust {
  /**
   * Principals allowed to assume the role (its trust policy's `Principal.AWS`): a role ARN admits every
   * assumed-role session of that role, a user or session ARN admits exactly that principal,
   * `arn:aws:iam::<account>:root` (or the bare account id) admits every principal of the account, `*` anyone.
   */
  readonly principals: readonly string[];
  /** Tag keys that every session must carry (`aws:RequestTag/<key>` conditions); grants `sts:TagSession`. */
  readonly requireTags?: readonly string[];
  /**
   * Grants `sts:TagSession` for these keys only (`aws:TagKeys`); `'*'` admits any key. When absent, any key is
   * admitted if `requireTags` is set, and tagging is refused otherwise.
   */
  readonly allowTagKeys?: readonly string[];
  /** Grants `sts:SetSourceIdentity` and refuses sessions without a source identity. */
  readonly requireSourceIdentity?: boolean;
  /** Grants `sts:SetSourceIdentity` without requiring it. */
  readonly allowSourceIdentity?: boolean;
  /** The `sts:ExternalId` the caller must pass. */
  readonly externalId?: string;
  /**
   * The trust policy statements for web identity (`Principal.Federated` naming one of the account's OIDC providers,
   * e.g. `webIdentityTrustPolicy` of lib/policies/trust-policies.ts), kept as IAM keeps them: AssumeRoleWithWebIdentity
   * evaluates this document with the IAM policy simulator, and GetRole shows its statements after the AssumeRole ones.
   * The fields above concern AssumeRole only; a role trusted through web identity alone has `principals: []`.
   */
  readonly webIdentity?: PolicyJson;
}

/** An IAM role that the emulator can hand out sessions of; its ARN is `arn:aws:iam::<account>:role/<name>`. */
export interface EmulatedRole {
  readonly roleName: string;
  /** The role's MaxSessionDuration, 3600–43200. @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  readonly trust: RoleTrust;
  /** The role's inline permission policies by name, as IAM keeps them (`PutRolePolicy` adds more later). */
  readonly policies?: Readonly<Record<string, PolicyJson>>;
}

/**
 * An IAM OpenID Connect identity provider of the account (`AWS::IAM::OIDCProvider`); its ARN is
 * `arn:aws:iam::<account>:oidc-provider/<host[:port]/path>`.
 */
export interface EmulatedOidcProvider {
  /**
   * The issuer URL, exactly as its tokens' `iss` claim states it: `https://<host>[/path]` (no port, query or
   * fragment, as IAM takes it), or `http://<loopback host>:<port>[/path]` (the sandbox's own issuer). Only a loopback
   * http issuer can really be verified: the emulator fetches nothing from anywhere else.
   */
  readonly url: string;
  /** The client ids (audiences) its tokens may carry in `aud`: at most 100, each 1–255 characters. */
  readonly clientIds: readonly string[];
}

/** Long-term (or pre-issued) credentials the emulator accepts, and the principal they authenticate as. */
export interface BaseCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /**
   * The caller's ARN, e.g. `arn:aws:sts::000000000000:assumed-role/credvend-vend-function/local` (a Lambda's
   * execution-role session: AssumeRole from it is role chaining) or `arn:aws:iam::000000000000:user/dev`.
   */
  readonly principalArn: string;
  /**
   * The inline identity policies of the IAM user `principalArn` names, by policy name: what the user may do (e.g.
   * the sandbox operator's `iam:PutRolePolicy` on the tenant access role). Only IAM users carry policies here; a
   * user given several access keys has the policies of all of its entries. @default none: the user may do nothing
   */
  readonly policies?: Readonly<Record<string, PolicyJson>>;
}

/** The credentials of an issued session. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** A session tag, shaped like the SDK's `Tag`. */
export interface SessionTag {
  readonly Key: string;
  readonly Value: string;
}

/** What the emulator remembers of a session it issued; never its secret access key or session token. */
export interface SessionRecord {
  readonly accessKeyId: string;
  /**
   * `AssumeRole` and `AssumeRoleWithWebIdentity` sessions are role sessions; `GetSessionToken` sessions keep their
   * user's identity.
   */
  readonly kind: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetSessionToken';
  /** The session's principal: `arn:aws:sts::<account>:assumed-role/<role>/<session>` or the user's ARN. */
  readonly arn: string;
  /** `AROA…:<session>` for role sessions, the user's id otherwise. */
  readonly userId: string;
  readonly accountId: string;
  readonly roleArn?: string;
  readonly roleName?: string;
  readonly roleSessionName?: string;
  /** The inline session policy as it was passed. */
  readonly policy?: string;
  readonly policyArns: readonly string[];
  /** Every session tag: the ones passed and the transitive ones inherited from the caller's session. */
  readonly tags: readonly SessionTag[];
  /** Keys of `tags` that pass on to sessions that this one assumes. */
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity?: string;
  readonly externalId?: string;
  /** Web-identity sessions: the OIDC provider's ARN (STS's `Provider`). */
  readonly provider?: string;
  /** Web-identity sessions: the token's audience, one of the provider's client ids (STS's `Audience`). */
  readonly audience?: string;
  /** Web-identity sessions: the token's `sub` (STS's `SubjectFromWebIdentityToken`). */
  readonly subjectFromWebIdentityToken?: string;
  readonly packedPolicySize?: number;
  readonly durationSeconds: number;
  /** ISO 8601, second precision. */
  readonly issuedAt: string;
  readonly expiration: string;
  /** Whether the session had expired by the emulator's clock when this record was read. */
  readonly expired: boolean;
  /**
   * The ARN and access key id of the principal that asked for the session. For a web-identity session: the OIDC
   * provider's ARN and an empty key id (no access key asks for one; the call is unsigned).
   */
  readonly issuerArn: string;
  readonly issuerAccessKeyId: string;
}
