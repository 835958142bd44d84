/**
 * The grammar of identity-style policy documents (session policies, inline policies of a role), as STS and IAM check
 * it before they accept one: the problems behind `MalformedPolicyDocument`, in AWS's wording.
 */

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

/**
 * Why `policy` is not an identity-style policy document (a session policy, a role's inline policy) that STS and IAM
 * would accept, in AWS's wording; undefined when it is one.
 */
export function identityPolicyProblem(policy: string): string | undefined {
  try {
    checkDocument(policy);
    return undefined;
  } catch (error) {
    if (error instanceof GrammarProblem) return error.message;
    throw error;
  }
}

class GrammarProblem extends Error {}

function checkDocument(policy: string): void {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw new GrammarProblem(SYNTAX_ERROR);
  }
  if (!isObject(document) || Object.keys(document).some((key) => !TOP_LEVEL.has(key))) {
    throw new GrammarProblem(SYNTAX_ERROR);
  }
  if ('Version' in document && !VERSIONS.has(String(document.Version))) {
    throw new GrammarProblem('The policy must contain a valid version string');
  }
  if (!('Statement' in document)) throw new GrammarProblem('Missing required field Statement');
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  for (const statement of statements) checkStatement(statement);
}

function checkStatement(statement: unknown): void {
  if (!isObject(statement) || Object.keys(statement).some((key) => !STATEMENT_KEYS.has(key))) {
    throw new GrammarProblem(SYNTAX_ERROR);
  }
  if (!('Effect' in statement)) throw new GrammarProblem('Missing required field Effect');
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new GrammarProblem(`Invalid effect: ${String(statement.Effect)}`);
  }
  if ('Principal' in statement || 'NotPrincipal' in statement) {
    throw new GrammarProblem('Policy document should not specify a principal.');
  }
  const actions = exactlyOne(statement, 'Action', 'NotAction', 'Policy statement must contain actions.');
  if (actions.some((action) => !ACTION.test(action))) {
    throw new GrammarProblem('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  }
  const resources = exactlyOne(
    statement,
    'Resource',
    'NotResource',
    'Policy statement must contain resources.',
  );
  const notArn = resources.find((resource) => resource !== '*' && !resource.startsWith('arn:'));
  if (notArn !== undefined) throw new GrammarProblem(`Resource ${notArn} must be in ARN format or "*".`);
  if (
    'Condition' in statement &&
    !(isObject(statement.Condition) && Object.values(statement.Condition).every(isObject))
  ) {
    throw new GrammarProblem(SYNTAX_ERROR);
  }
}

function exactlyOne(statement: Json, key: string, notKey: string, missing: string): string[] {
  if (key in statement === notKey in statement) throw new GrammarProblem(missing);
  const values = stringList(statement[key in statement ? key : notKey]);
  if (values === undefined) throw new GrammarProblem(SYNTAX_ERROR);
  return values;
}
