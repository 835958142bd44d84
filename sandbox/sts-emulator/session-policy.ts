/**
 * Session policies: the grammar check behind `MalformedPolicyDocument` (shared with IAM's inline policies), and an
 * estimate of STS's packed (compressed binary) size of policy plus tags behind `PackedPolicySize` and
 * `PackedPolicyTooLarge`.
 */
import { deflateRawSync } from 'node:zlib';
import { identityPolicyProblem } from '../account/policy-grammar';
import { malformedPolicyDocument } from '../query-protocol/errors';
import type { SessionTag } from './types';

/** Throws `MalformedPolicyDocument` unless `policy` is an identity-style policy document STS would accept. */
export function checkSessionPolicy(policy: string): void {
  const problem = identityPolicyProblem(policy);
  if (problem !== undefined) throw malformedPolicyDocument(problem);
}

/** The budget the packed form is measured against; `PackedPolicySize` is the share of it in percent. */
export const PACKED_BUDGET_BYTES = 2048;

/**
 * Estimated `PackedPolicySize` in percent. STS's binary format is not public; the estimate compresses what STS
 * packs — the minified policy, the policy ARNs and every `key=value` tag (keys lower-cased; transitivity does
 * not count, as AWS documents) — with raw DEFLATE (level 9) and relates it to a 2048-byte budget:
 * `ceil(100 * deflateRaw(policy ␀ arns… ␀ key␀value…) / 2048)`. Like AWS, session tags with long random values
 * fill it much faster than a long but repetitive policy. Call after `checkSessionPolicy`.
 */
export function packedPolicySize(input: {
  policy?: string;
  policyArns: readonly string[];
  tags: readonly SessionTag[];
}): number {
  const parts = [
    input.policy === undefined ? '' : JSON.stringify(JSON.parse(input.policy)),
    ...input.policyArns,
    ...input.tags.map((tag) => `${tag.Key.toLowerCase()}\u0000${tag.Value}`),
  ];
  const packedBytes = deflateRawSync(Buffer.from(parts.join('\u0000'), 'utf8'), { level: 9 }).length;
  return Math.ceil((packedBytes * 100) / PACKED_BUDGET_BYTES);
}
