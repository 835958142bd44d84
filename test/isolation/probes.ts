/**
 * Probes: the requests a tenant's session might try. Built from the prefixes in play, they cover the granted
 * prefix, below it, its parent and siblings, look-alikes that merely start with the same characters, every other
 * tenant's root, the same keys in other buckets, listing with many `s3:prefix` values, and non-S3 actions.
 */
import { OBJECT_ACTIONS } from '../../lambda/core/session-policy';
import { ACCOUNT_ID, type PolicyDocument, TENANT_ACCESS_ROLE_ARN } from '../support/iam-harness';
import { ALL_OBJECT_ACTIONS } from './oracle';

/** One request a session might make. */
export type Probe =
  | { readonly kind: 'object'; readonly action: string; readonly bucket: string; readonly key: string }
  /** A listing request; `prefix` undefined means the request carries no `s3:prefix`. */
  | { readonly kind: 'list'; readonly action: string; readonly bucket: string; readonly prefix?: string }
  | { readonly kind: 'bucket'; readonly action: string; readonly bucket: string }
  | {
      readonly kind: 'other';
      readonly action: string;
      readonly resource: string;
      readonly resourcePolicy?: PolicyDocument;
    };

/** Object actions to probe: all we grant (by our table and by the builder's), and some we never grant. */
export const OBJECT_PROBE_ACTIONS: readonly string[] = [
  ...new Set([
    ...ALL_OBJECT_ACTIONS,
    ...Object.values(OBJECT_ACTIONS).flat(),
    's3:PutObjectAcl',
    's3:GetObjectAcl',
    's3:PutObjectTagging',
  ]),
];

/** Bucket actions that take `s3:prefix`: listing (granted) and listing versions (never granted). */
export const LIST_PROBE_ACTIONS: readonly string[] = ['s3:ListBucket', 's3:ListBucketVersions'];

/** Bucket actions we never grant. */
export const BUCKET_PROBE_ACTIONS: readonly string[] = [
  's3:PutBucketPolicy',
  's3:DeleteBucket',
  's3:GetBucketAcl',
  's3:GetBucketPolicy',
  's3:ListBucketMultipartUploads',
];

/** A KMS key's default key policy: the account's IAM policies decide, as they do for S3 in the same account. */
const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

/** Requests outside S3 that no tenant session may make. */
export const NON_S3_PROBES: readonly Probe[] = [
  { kind: 'other', action: 'iam:PassRole', resource: TENANT_ACCESS_ROLE_ARN },
  { kind: 'other', action: 'sts:AssumeRole', resource: TENANT_ACCESS_ROLE_ARN },
  {
    kind: 'other',
    action: 'dynamodb:GetItem',
    resource: `arn:aws:dynamodb:eu-west-1:${ACCOUNT_ID}:table/credvend-tenants`,
  },
  {
    kind: 'other',
    action: 'kms:Decrypt',
    resource: `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    resourcePolicy: DEFAULT_KEY_POLICY,
  },
  { kind: 'other', action: 's3:ListAllMyBuckets', resource: '*' },
];

/** What the probes are built from. */
export interface ProbeSite {
  /** Every bucket to probe: the data buckets and buckets outside the deployment. */
  readonly buckets: readonly string[];
  /** The session's tenant. */
  readonly caller: string;
  /** Every tenant id in the deployment, the caller included. */
  readonly tenantIds: readonly string[];
  /** Renders a tenant's root prefix. */
  readonly rootOf: (tenantId: string) => string;
  /** Prefixes in play besides the roots: granted, requested, narrowed (each ends in `/`). */
  readonly prefixes: readonly string[];
}

/** The parent of a prefix (`a/b/` → `a/`, `a/` → ``). */
function parentOf(prefix: string): string {
  return prefix.replace(/[^/]*\/$/, '');
}

/** What a prefix's policy metacharacters would match if a policy left them unescaped. */
export function expandMetacharacters(prefix: string, caller: string): string {
  return prefix.replaceAll('${aws:PrincipalTag/tenant}', caller).replaceAll('*', 'zz').replaceAll('?', 'q');
}

/** Prefix-like strings around one prefix: itself, below, above, beside, look-alikes, and its meta expansion. */
function around(prefix: string, caller: string): string[] {
  const bare = prefix.slice(0, -1);
  const parent = parentOf(prefix);
  return [
    prefix,
    `${prefix}sub/`,
    bare,
    `${bare}x/`,
    `${bare}-x/`,
    parent,
    `${parent}sibling/`,
    expandMetacharacters(prefix, caller),
  ];
}

/** The `s3:prefix` values and object keys to probe at a site. */
function locations(site: ProbeSite): { listPrefixes: string[]; keys: string[] } {
  const callerRoot = site.rootOf(site.caller);
  const others = site.tenantIds.filter((id) => id !== site.caller);
  const anchors = [callerRoot, ...others.map(site.rootOf), ...site.prefixes];
  const dotDot = others.flatMap((other) => [
    `${callerRoot}../${other}/`,
    `${site.rootOf(other)}../${site.caller}/`,
  ]);
  const listPrefixes = [...new Set(['', ...anchors.flatMap((p) => around(p, site.caller)), ...dotDot])];
  const keys = new Set<string>();
  for (const p of listPrefixes) {
    if (p !== '' && !p.endsWith('/')) keys.add(p);
    else keys.add(`${p}f.txt`);
  }
  for (const p of anchors) keys.add(p);
  // The simulator reads `*` in a request resource as a pattern; literal `*` is probed through `s3:prefix` only.
  return { listPrefixes, keys: [...keys].filter((k) => !k.includes('*')) };
}

/** Every probe at a site: object actions on every key of every bucket, listing, bucket actions, non-S3 actions. */
export function probesAt(site: ProbeSite): Probe[] {
  const { listPrefixes, keys } = locations(site);
  const probes: Probe[] = [];
  for (const bucket of site.buckets) {
    for (const key of keys) {
      for (const action of OBJECT_PROBE_ACTIONS) probes.push({ kind: 'object', action, bucket, key });
    }
    for (const action of LIST_PROBE_ACTIONS) {
      probes.push({ kind: 'list', action, bucket });
      for (const prefix of listPrefixes) probes.push({ kind: 'list', action, bucket, prefix });
    }
    for (const action of BUCKET_PROBE_ACTIONS) probes.push({ kind: 'bucket', action, bucket });
  }
  return [...probes, ...NON_S3_PROBES];
}

/** The request a probe makes, for the harness. */
export function probeRequest(probe: Probe): {
  action: string;
  resource: string;
  context?: Record<string, string>;
  resourcePolicy?: PolicyDocument;
} {
  switch (probe.kind) {
    case 'object':
      return { action: probe.action, resource: `arn:aws:s3:::${probe.bucket}/${probe.key}` };
    case 'list':
      return {
        action: probe.action,
        resource: `arn:aws:s3:::${probe.bucket}`,
        ...(probe.prefix === undefined ? {} : { context: { 's3:prefix': probe.prefix } }),
      };
    case 'bucket':
      return { action: probe.action, resource: `arn:aws:s3:::${probe.bucket}` };
    case 'other':
      return {
        action: probe.action,
        resource: probe.resource,
        ...(probe.resourcePolicy === undefined ? {} : { resourcePolicy: probe.resourcePolicy }),
      };
  }
}

/** A probe in one line, for failure messages. */
export function describeProbe(probe: Probe): string {
  switch (probe.kind) {
    case 'object':
      return `${probe.action} s3://${probe.bucket}/${probe.key}`;
    case 'list':
      return `${probe.action} s3://${probe.bucket} ${probe.prefix === undefined ? '(no s3:prefix)' : `s3:prefix=${JSON.stringify(probe.prefix)}`}`;
    case 'bucket':
      return `${probe.action} s3://${probe.bucket}`;
    case 'other':
      return `${probe.action} ${probe.resource}`;
  }
}
