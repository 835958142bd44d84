/**
 * credvend as its own OIDC issuer (web-identity mode): the KMS key the vend function signs its tokens with, and the
 * IAM OIDC provider through which STS trusts those tokens (AssumeRoleWithWebIdentity).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  type IRole,
  OidcProviderNative,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { type CfnKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import type { WebIdentityTrustProps } from '../policies/trust-policies';
import { DEFAULT_WEB_IDENTITY_AUDIENCE, PRIMARY_SIGNING_KEY } from '../session-mode';

/**
 * The logical ID of the signing key, pinned: a replaced key is a new key pair, so a refactoring must not swap it
 * under live tokens and cached JWKS (and a retained old key would linger, billed, trusted by nothing). The primary
 * key has this one; a key named `k2` has `WebIdentitySigningKeyK2`.
 */
export const SIGNING_KEY_LOGICAL_ID = 'WebIdentitySigningKey';

/** The pinned logical ID of the signing key named `name`. */
export function signingKeyLogicalId(name: string): string {
  return name === PRIMARY_SIGNING_KEY
    ? SIGNING_KEY_LOGICAL_ID
    : `${SIGNING_KEY_LOGICAL_ID}${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** What the signer may do with the key: sign tokens, and read the public key it publishes in the JWKS. */
export const SIGNER_ACTIONS = ['kms:Sign', 'kms:GetPublicKey'] as const;

/**
 * What the account (through IAM policies) may do with the key: manage it, never use it. CDK's default key policy
 * gives the account `kms:*`, which would let any principal with a broad IAM policy sign tokens, i.e. mint sessions
 * for any tenant. So no Sign, Verify or GetPublicKey, and no CreateGrant (a grant could hand out Sign). The rotation
 * reads and writes are there for CloudFormation's key handler; asymmetric keys have no rotation anyway.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ListKeyPolicies',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
] as const;

/** Properties of {@link WebIdentity}. */
export interface WebIdentityProps {
  /**
   * The issuer URL (`iss`): https, no trailing slash; the API stage that serves the discovery document and JWKS.
   */
  readonly issuer: string;
  /**
   * The audience of the tokens (`aud`), the provider's only client id.
   * @default 'credvend'
   */
  readonly audience?: string;
  /** The only principal that may sign with the keys: the vend function's role. */
  readonly signer: IRole;
  /**
   * The signing keys by name, the one that signs first; all are published in the JWKS (two during a rotation).
   * @default ['primary']
   */
  readonly signingKeys?: readonly string[];
  /**
   * What serves the discovery document and the JWKS (the API stage and its discovery methods with their invoke
   * permissions). The provider waits for them: without a thumbprint IAM fetches the issuer's discovery document and
   * its JWKS host's certificate when the provider is created.
   */
  readonly publishedBy: readonly IConstruct[];
}

/** The signing key and the IAM OIDC provider of credvend's own issuer. */
export class WebIdentity extends Construct {
  /** The ECC P-256 key that signs (ES256 tokens): the first of `signingKeys`. */
  public readonly signingKey: Key;
  /** Every published key, the signing one first. */
  public readonly signingKeys: readonly Key[];
  /** The IAM OIDC provider for the issuer URL. */
  public readonly provider: OidcProviderNative;
  /** The issuer URL (`iss`). */
  public readonly issuer: string;
  /** The audience (`aud`). */
  public readonly audience: string;

  constructor(scope: Construct, id: string, props: WebIdentityProps) {
    super(scope, id);
    this.issuer = props.issuer;
    this.audience = props.audience ?? DEFAULT_WEB_IDENTITY_AUDIENCE;

    this.signingKeys = (props.signingKeys ?? [PRIMARY_SIGNING_KEY]).map((name) =>
      this.createSigningKey(name, props),
    );
    const [signingKey] = this.signingKeys;
    if (signingKey === undefined) throw new Error('WebIdentity needs at least one signing key');
    this.signingKey = signingKey;
    // The key policy alone would do; the identity policy says in the role what the role may do.
    props.signer.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SignWebIdentityTokens',
        actions: [...SIGNER_ACTIONS],
        resources: this.signingKeys.map((key) => key.keyArn),
      }),
    );

    // No thumbprint: IAM verifies the JWKS host's certificate against public CAs (API Gateway's is one of them).
    this.provider = new OidcProviderNative(this, 'Provider', {
      url: props.issuer,
      clientIds: [this.audience],
    });
    this.provider.node.addDependency(...props.publishedBy);
  }

  /** `SIGNING_KEY_IDS`: the key ARNs, the first signs, all are published in the JWKS. */
  public get signingKeyArns(): readonly string[] {
    return this.signingKeys.map((key) => key.keyArn);
  }

  /** The ECC P-256 key named `name`, with its pinned logical ID, that only the signer may use. */
  private createSigningKey(name: string, props: WebIdentityProps): Key {
    const key = new Key(this, name === PRIMARY_SIGNING_KEY ? 'SigningKey' : `SigningKey-${name}`, {
      description: `credvend: signs the vend function's own OIDC tokens (issuer ${props.issuer}, key ${name})`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // An explicit policy, so CDK adds no `kms:*` for the account: signing stays the signer's alone.
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AdministerWithoutUsing',
            principals: [new AccountRootPrincipal()],
            actions: [...KEY_ADMIN_ACTIONS],
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'SignTokens',
            principals: [props.signer],
            actions: [...SIGNER_ACTIONS],
            resources: ['*'],
          }),
        ],
      }),
      // Retained, and a month to change one's mind after a deletion is scheduled: a deleted key is gone for good.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    (key.node.defaultChild as CfnKey).overrideLogicalId(signingKeyLogicalId(name));
    return key;
  }

  /** What the tenant access role's trust policy needs: the provider, the issuer and the audience. */
  public get trust(): WebIdentityTrustProps {
    return {
      providerArn: this.provider.oidcProviderArn,
      issuer: this.issuer,
      audience: this.audience,
    };
  }
}
