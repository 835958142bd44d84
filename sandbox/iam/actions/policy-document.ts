/** Policy documents as IAM takes and returns them: checked, measured against the role quota, URL-encoded on the way out. */
import { identityPolicyProblem } from '../../account/policy-grammar';
import type { PolicyJson } from '../../account/types';
import { malformedPolicyDocument } from '../../query-protocol/errors';

/**
 * The document as the account keeps it, or `MalformedPolicyDocument` when it is not a valid identity policy. The
 * account's `PolicyJson` type names Version 2012-10-17; IAM also admits 2008-10-17 or none, and so does the
 * simulator that evaluates it, so the cast is only a narrower name for what was checked.
 */
export function parsePolicyDocument(text: string): PolicyJson {
  const problem = identityPolicyProblem(text);
  if (problem !== undefined) throw malformedPolicyDocument(problem);
  return JSON.parse(text) as PolicyJson;
}

/** IAM counts a policy's size without whitespace: the characters of its minified JSON. */
export function policySize(document: PolicyJson): number {
  return JSON.stringify(document).length;
}

/**
 * A document as IAM returns it: URL-encoded (RFC 3986), for any URL decoder to turn back into JSON. The account keeps
 * parsed documents, so the text is the minified JSON: the whitespace of the document that was put does not come back.
 */
export function encodePolicyDocument(document: PolicyJson): string {
  return encodeURIComponent(JSON.stringify(document));
}
