/**
 * The session attributes a web identity token carries: session tags in `https://aws.amazon.com/tags`
 * (`principal_tags`, each value a one-element list, and `transitive_tag_keys`) and the source identity in
 * `https://aws.amazon.com/source_identity`, held to the limits STS holds the AssumeRole parameters to.
 */
import { Constraints } from '../query-protocol/constraints';
import { validationError } from '../query-protocol/errors';
import type { SessionTag } from './types';
import { SESSION_NAME, TAG_KEY, TAG_VALUE } from './validation';

export const TAGS_CLAIM = 'https://aws.amazon.com/tags';
export const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

/** STS: at most 50 session tags; keys 1–128, values 0–256 characters. */
const MAX_TAGS = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

/** The session tags a token asks for. */
export interface TokenTags {
  readonly all: readonly SessionTag[];
  readonly transitive: readonly SessionTag[];
}

/**
 * The tags of the token's tags claim (none when absent). A claim STS could not take — not shaped as above, a key or
 * value out of bounds, a key twice (case-insensitively), a reserved `aws:` key, a transitive key that is not a tag —
 * is the `ValidationError` "Unable to validate tags" STS answers.
 */
export function tokenTags(payload: Readonly<Record<string, unknown>>): TokenTags {
  const claim = payload[TAGS_CLAIM];
  if (claim === undefined) return { all: [], transitive: [] };
  const unusable = validationError('Unable to validate tags');
  if (!isObject(claim) || !isObject(claim.principal_tags)) throw unusable;
  const all: SessionTag[] = [];
  for (const [key, values] of Object.entries(claim.principal_tags)) {
    const value = Array.isArray(values) && values.length === 1 ? values[0] : undefined;
    if (typeof value !== 'string' || !tagFits(key, value)) throw unusable;
    all.push({ Key: key, Value: value });
  }
  const keys = all.map((tag) => tag.Key.toLowerCase());
  if (all.length > MAX_TAGS || new Set(keys).size !== keys.length) throw unusable;

  const transitiveKeys = claim.transitive_tag_keys ?? [];
  if (!Array.isArray(transitiveKeys) || transitiveKeys.some((key) => typeof key !== 'string')) throw unusable;
  const transitive = new Set(transitiveKeys.map((key: string) => key.toLowerCase()));
  if ([...transitive].some((key) => !keys.includes(key))) throw unusable;
  return { all, transitive: all.filter((tag) => transitive.has(tag.Key.toLowerCase())) };
}

function tagFits(key: string, value: string): boolean {
  const keyLength = [...key].length;
  return (
    keyLength >= 1 &&
    keyLength <= MAX_KEY_LENGTH &&
    TAG_KEY.test.test(key) &&
    !key.toLowerCase().startsWith('aws:') &&
    [...value].length <= MAX_VALUE_LENGTH &&
    TAG_VALUE.test.test(value)
  );
}

/**
 * The source identity of the token's claim (undefined when absent): 2–64 characters of `[\w+=,.@-]`, which also
 * keeps out the reserved `aws:` prefix; anything else is STS's constraint `ValidationError`.
 */
export function tokenSourceIdentity(payload: Readonly<Record<string, unknown>>): string | undefined {
  const claim = payload[SOURCE_IDENTITY_CLAIM];
  if (claim === undefined) return undefined;
  const check = new Constraints();
  check.string('sourceIdentity', typeof claim === 'string' ? claim : JSON.stringify(claim), {
    min: 2,
    max: 64,
    pattern: SESSION_NAME,
  });
  check.throwIfAny();
  return String(claim);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
