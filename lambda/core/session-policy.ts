/** Builds the least-privilege session policy for a set of grants: the first isolation fence. */
import { PolicyTooLargeError } from './errors';
import type { AccessLevel, Grant } from './model';

/** STS accepts at most 2048 plaintext characters of inline session policy. */
export const MAX_SESSION_POLICY_CHARS = 2048;

/** The S3 object actions each access level allows (listing is a bucket action, see below). */
export const OBJECT_ACTIONS: Readonly<Record<Exclude<AccessLevel, 'list'>, readonly string[]>> = {
  read: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  delete: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
};

/** The statement a session policy holds when nothing is granted: never "no policy", which would mean the whole role. */
export const DENY_ALL_STATEMENT = { Effect: 'Deny', Action: '*', Resource: '*' } as const;

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}

/**
 * Escapes text for use inside an IAM ARN or condition value, so that it can only match itself:
 * `*`, `?` and `$` become the policy variables `${*}`, `${?}` and `${$}`.
 */
export function escapePolicyText(text: string): string {
  return text.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The session policy JSON for `grants`, compact and deterministic. Grants with the same object actions share a
 * statement; listing is allowed on the bucket only for keys under the granted prefixes. An empty grant set yields
 * an explicit Deny. Throws `PolicyTooLargeError` above STS's size limit.
 */
export function buildSessionPolicy(grants: readonly Grant[], partition = 'aws'): string {
  const statements: Statement[] = [];
  const objectResources = new Map<string, string[]>();
  const listPrefixes = new Map<string, string[]>();
  for (const grant of grants) {
    const prefix = escapePolicyText(grant.prefix);
    const actions = actionsFor(grant.access);
    if (actions.length > 0) {
      const key = actions.join(',');
      objectResources.set(key, [
        ...(objectResources.get(key) ?? []),
        `arn:${partition}:s3:::${grant.bucket}/${prefix}*`,
      ]);
    }
    if (grant.access.includes('list')) {
      listPrefixes.set(grant.bucket, [...(listPrefixes.get(grant.bucket) ?? []), `${prefix}*`]);
    }
  }
  for (const [key, resources] of objectResources) {
    statements.push({ Effect: 'Allow', Action: unwrap(key.split(',')), Resource: unwrap(unique(resources)) });
  }
  for (const [bucket, prefixes] of listPrefixes) {
    statements.push({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: `arn:${partition}:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': unique(prefixes) } },
    });
  }
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.length > 0 ? statements : [DENY_ALL_STATEMENT],
  });
  if (policy.length > MAX_SESSION_POLICY_CHARS) {
    throw new PolicyTooLargeError(
      `The requested scope needs a session policy of ${policy.length} characters; STS accepts at most ` +
        `${MAX_SESSION_POLICY_CHARS}. Ask for fewer or broader prefixes.`,
    );
  }
  return policy;
}

function actionsFor(access: readonly AccessLevel[]): string[] {
  return (['read', 'write', 'delete'] as const)
    .filter((l) => access.includes(l))
    .flatMap((l) => OBJECT_ACTIONS[l]);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function unwrap(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : values;
}
