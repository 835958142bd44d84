/**
 * Evaluates real IAM policy documents with `@cloud-copilot/iam-simulate` (AGPL-3.0, a test-only devDependency:
 * never import this file from `lambda/` or `lib/`), and models the tenant access role's policy as deployed.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { OBJECT_ACTIONS } from '../../lambda/core/session-policy';

/** The account the simulated principal and resources live in (same account: no bucket policy needed). */
export const ACCOUNT_ID = '123456789012';

/** The role vended sessions assume, and the session principal the simulator evaluates requests for. */
export const TENANT_ACCESS_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/credvend-tenant-access`;
export const SESSION_PRINCIPAL_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/credvend-tenant-access/session`;

/** An IAM policy document as JSON. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Record<string, unknown>[];
}

/** The simulator's verdict: allowed, or which kind of denial. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One request to evaluate. */
export interface EvaluationInput {
  /** The policies attached to the role (identity policies). */
  readonly identityPolicies: readonly PolicyDocument[];
  /** The session policy passed to AssumeRole, as a document or as the JSON string sent to STS. */
  readonly sessionPolicy?: PolicyDocument | string;
  /** Session tags; each becomes the context key `aws:PrincipalTag/<key>`. */
  readonly principalTags: Readonly<Record<string, string>>;
  readonly action: string;
  /** A literal resource ARN (or `*` for the actions that only take `*`). */
  readonly resource: string;
  /** Request context keys such as `s3:prefix`; a key that is absent is absent from the request. */
  readonly context?: Readonly<Record<string, string>>;
  /** The resource's own policy (a KMS key policy, a bucket policy), if any. */
  readonly resourcePolicy?: PolicyDocument;
}

/** The policy that lets a role do anything: the base of "session policy alone" evaluations. */
export const ALLOW_EVERYTHING_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** Where the tenant access role's policy lets a session reach. */
export interface TenantAccessRoleModel {
  /** The buckets holding tenant data. */
  readonly dataBuckets: readonly string[];
  /** Where a tenant's data lives, `{tenant}` standing for the tenant id, e.g. `tenants/{tenant}/`. */
  readonly prefixTemplate: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/**
 * The tenant access role's permissions policy as it is meant to be deployed: every object action any access
 * level grants, under `<template with ${aws:PrincipalTag/tenant}>*` of each data bucket, and `s3:ListBucket` on each
 * data bucket for `s3:prefix` values under that prefix. This is the test-side model of
 * `lib/constructs/tenant-access-role.ts`, rendered as CDK renders it (a single action or resource is a string), so
 * that infra tests can assert that the synthesized role's policy equals it once ARN tokens are resolved.
 */
export function tenantAccessRolePolicy(model: TenantAccessRoleModel): PolicyDocument {
  const partition = model.partition ?? 'aws';
  const prefix = model.prefixTemplate.replaceAll('{tenant}', '${aws:PrincipalTag/tenant}');
  const objectActions = [...new Set(Object.values(OBJECT_ACTIONS).flat())];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TenantObjects',
        Effect: 'Allow',
        Action: unwrap(objectActions),
        Resource: unwrap(model.dataBuckets.map((bucket) => `arn:${partition}:s3:::${bucket}/${prefix}*`)),
      },
      {
        Sid: 'TenantListing',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: unwrap(model.dataBuckets.map((bucket) => `arn:${partition}:s3:::${bucket}`)),
        Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      },
    ],
  };
}

/** A one-element list as its element, as CDK and STS documents write it. */
function unwrap(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] as string) : values;
}

/**
 * Evaluates one request by the session principal against the given policies and answers the simulator's verdict.
 * Throws when the simulator cannot evaluate the request as asked (an invalid policy or action, a resource it would
 * read as a pattern, a context key it would drop), so that a mistake in a test never reads as "denied".
 */
export async function evaluate(input: EvaluationInput): Promise<Decision> {
  const contextVariables: Record<string, string> = { ...input.context };
  for (const [key, value] of Object.entries(input.principalTags)) {
    contextVariables[`aws:PrincipalTag/${key}`] = value;
  }
  const sessionPolicy =
    typeof input.sessionPolicy === 'string' ? JSON.parse(input.sessionPolicy) : input.sessionPolicy;
  const response = await runSimulation(
    {
      request: {
        principal: SESSION_PRINCIPAL_ARN,
        action: input.action,
        resource: { resource: input.resource, accountId: ACCOUNT_ID },
        contextVariables,
      },
      identityPolicies: input.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy })),
      ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
      ...(input.resourcePolicy === undefined ? {} : { resourcePolicy: input.resourcePolicy }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: 'Strict' },
  );
  const what = `${input.action} on ${input.resource}`;
  if (response.resultType === 'error') {
    throw new Error(`The simulator could not evaluate ${what}: ${JSON.stringify(response.errors)}`);
  }
  if (response.resultType === 'wildcard') {
    // S3 keys are literal, but the simulator reads `*` in a request resource as a pattern over resources.
    throw new Error(`The simulator read the resource of ${what} as a pattern; probe literal resources only.`);
  }
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new Error(`The simulator ignored the context keys ${ignored.join(', ')} of ${what}.`);
  }
  return response.overallResult;
}
