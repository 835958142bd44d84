/**
 * Session policies: the grammar checks behind `MalformedPolicyDocument`, and an estimate of STS's packed
 * (compressed binary) size of policy plus tags behind `PackedPolicySize` and `PackedPolicyTooLarge`.
 */
import { deflateRawSync } from 'node:zlib';
import { malformedPolicyDocument } from './errors';
import type { SessionTag } from './types';

const SYNTAX_ERROR = 'Syntax errors in policy.';
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or a non-empty list of strings, as Action and Resource allow. */
function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value;
  return undefined;
}

/** Throws `MalformedPolicyDocument` unless `policy` is an identity-style policy document STS would accept. */
export function checkSessionPolicy(policy: string): void {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw malformedPolicyDocument(SYNTAX_ERROR);
  }
  if (!isObject(document) || Object.keys(document).some((key) => !TOP_LEVEL.has(key))) {
    throw malformedPolicyDocument(SYNTAX_ERROR);
  }
  if ('Version' in document && !VERSIONS.has(String(document.Version))) {
    throw malformedPolicyDocument('The policy must contain a valid version string');
  }
  if (!('Statement' in document)) throw malformedPolicyDocument('Missing required field Statement');
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements) checkStatement(statement);
}

function checkStatement(statement: unknown): void {
  if (!isObject(statement) || Object.keys(statement).some((key) => !STATEMENT_KEYS.has(key))) {
    throw malformedPolicyDocument(SYNTAX_ERROR);
  }
  if (!('Effect' in statement)) throw malformedPolicyDocument('Missing required field Effect');
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw malformedPolicyDocument(`Invalid effect: ${String(statement.Effect)}`);
  }
  if ('Principal' in statement || 'NotPrincipal' in statement) {
    throw malformedPolicyDocument('Policy document should not specify a principal.');
  }
  const actions = exactlyOne(statement, 'Action', 'NotAction', 'Policy statement must contain actions.');
  if (actions.some((action) => !ACTION.test(action))) {
    throw malformedPolicyDocument(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    );
  }
  const resources = exactlyOne(
    statement,
    'Resource',
    'NotResource',
    'Policy statement must contain resources.',
  );
  const notArn = resources.find((resource) => resource !== '*' && !resource.startsWith('arn:'));
  if (notArn !== undefined) throw malformedPolicyDocument(`Resource ${notArn} must be in ARN format or "*".`);
  if (
    'Condition' in statement &&
    !(isObject(statement.Condition) && Object.values(statement.Condition).every(isObject))
  ) {
    throw malformedPolicyDocument(SYNTAX_ERROR);
  }
}

function exactlyOne(statement: Json, key: string, notKey: string, missing: string): string[] {
  if (key in statement === notKey in statement) throw malformedPolicyDocument(missing);
  const values = stringList(statement[key in statement ? key : notKey]);
  if (values === undefined) throw malformedPolicyDocument(SYNTAX_ERROR);
  return values;
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
