/**
 * Revokes live sessions through IAM: merges the revocation into the tenant access role's `CredvendRevocations` policy
 * (read back exactly, pruned, size-checked beside the role's other inline policies) and writes it with
 * `PutRolePolicy`, or deletes it once nothing is left to deny. The role's other policies are only read.
 */
import {
  DeleteRolePolicyCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  parseRevocationPolicy,
  policyChars,
  REVOCATION_POLICY_NAME,
  type Revocation,
  revocationPolicy,
  withRevocation,
} from '../lib/policies/revocation-policy';
import type { PolicyJson } from '../lib/policies/tenant-access-policy';

/** Where the revocations live and how long sessions can last. */
export interface IamSessionRevokerOptions {
  /** The tenant access role's name. */
  readonly roleName: string;
  /** The longest session the deployment can issue, in seconds: entries older than that are pruned. */
  readonly maxSessionSeconds: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What a revocation did to the role policy. */
export interface RevocationOutcome {
  /** The revocations the role's policy holds now. */
  readonly revocations: readonly Revocation[];
  /** Characters of the revocation policy now (IAM's count, without whitespace). */
  readonly policyChars: number;
}

/** A `SessionRevoker` over IAM's role-policy calls. */
export class IamSessionRevoker {
  private readonly now: () => number;

  constructor(
    private readonly iam: IAMClient,
    private readonly options: IamSessionRevokerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Adds `revocation` to the role's revocation policy. Throws `RevocationPolicyError` (with what to do) when the
   * policy holds statements credvend did not write or would outgrow the role's inline-policy limit.
   */
  async revoke(revocation: Revocation): Promise<RevocationOutcome> {
    const { current, otherPolicyChars } = await this.readPolicies();
    const next = withRevocation(current, revocation, {
      nowMs: this.now(),
      maxSessionSeconds: this.options.maxSessionSeconds,
      otherPolicyChars,
    });
    const policy = revocationPolicy(next);
    if (policy === undefined) {
      // The new entry was already moot (every session it names has expired): nothing needs denying.
      if (current.length > 0) {
        await this.iam.send(
          new DeleteRolePolicyCommand({
            RoleName: this.options.roleName,
            PolicyName: REVOCATION_POLICY_NAME,
          }),
        );
      }
      return { revocations: [], policyChars: 0 };
    }
    await this.iam.send(
      new PutRolePolicyCommand({
        RoleName: this.options.roleName,
        PolicyName: REVOCATION_POLICY_NAME,
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    return { revocations: next, policyChars: policyChars(policy) };
  }

  /** The revocations on the role and the size of its other inline policies. */
  private async readPolicies(): Promise<{ current: Revocation[]; otherPolicyChars: number }> {
    let current: Revocation[] = [];
    let otherPolicyChars = 0;
    for (const name of await this.policyNames()) {
      const { PolicyDocument } = await this.iam.send(
        new GetRolePolicyCommand({ RoleName: this.options.roleName, PolicyName: name }),
      );
      // IAM returns policy documents URL-encoded.
      const document = JSON.parse(decodeURIComponent(PolicyDocument ?? '{}')) as PolicyJson;
      if (name === REVOCATION_POLICY_NAME) current = parseRevocationPolicy(document);
      else otherPolicyChars += policyChars(document);
    }
    return { current, otherPolicyChars };
  }

  private async policyNames(): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await this.iam.send(
        new ListRolePoliciesCommand({ RoleName: this.options.roleName, ...(marker && { Marker: marker }) }),
      );
      names.push(...(page.PolicyNames ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker !== undefined);
    return names;
  }
}
