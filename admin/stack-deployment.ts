/** A deployment from a credvend stack's outputs (`--stack NAME`), read with CloudFormation DescribeStacks. */
import { type CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { checkDeployment, type Deployment, type RawDeployment, type SettingNames } from './deployment';
import { AwsCallError, InvalidDeploymentError, StackNotFoundError } from './errors';

/** The stack output holding each setting (`lib/credvend-stack.ts` declares them; an infra test keeps both in step). */
export const STACK_OUTPUT_NAMES = {
  tableName: 'TenantTableName',
  tenantRoleArn: 'TenantAccessRoleArn',
  dataBuckets: 'DataBucketNames',
  prefixTemplate: 'TenantPrefixTemplate',
  regions: 'AllowedRegions',
  maxSessionSeconds: 'MaxSessionSeconds',
  tenantRoles: 'TenantRoles',
  vendRoleArn: 'VendFunctionRoleArn',
} as const satisfies Omit<SettingNames, 'region'>;

/** The output naming how the function obtains sessions. */
export const SESSION_MODE_OUTPUT = 'SessionMode';
/** The session modes this version of the tool knows. */
export const SESSION_MODES = ['role-chaining', 'web-identity'] as const;
/** How the deployment's function obtains sessions. */
export type SessionMode = (typeof SESSION_MODES)[number];

/**
 * The deployment of stack `stackName` in the client's region. Throws `StackNotFoundError` when there is no such
 * stack, `InvalidDeploymentError` naming every output that is missing or invalid (a stack deployed by an older
 * credvend lacks some: deploy again), `AwsCallError` when CloudFormation cannot be asked.
 */
export async function deploymentFromStack(
  stackName: string,
  client: CloudFormationClient,
): Promise<Deployment> {
  const region = await clientRegion(client, stackName);
  const stack = await describeStack(stackName, client, region);
  const outputs = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const source = `stack ${stackName} (${region})`;
  const raw: Record<string, string> = { region };
  for (const [setting, output] of Object.entries(STACK_OUTPUT_NAMES)) {
    const value = outputs.get(output);
    if (value !== undefined) raw[setting] = value;
  }
  const missing = [...Object.values(STACK_OUTPUT_NAMES), SESSION_MODE_OUTPUT].filter((o) => !outputs.has(o));
  const mode = outputs.get(SESSION_MODE_OUTPUT);
  const modeProblem =
    mode !== undefined && !(SESSION_MODES as readonly string[]).includes(mode)
      ? [
          `${SESSION_MODE_OUTPUT}: "${mode}" is a session mode this credvend-admin does not know (${SESSION_MODES.join(', ')}): update credvend-admin`,
        ]
      : [];
  if (missing.length > 0) {
    throw new InvalidDeploymentError(source, [
      `the stack has no output ${missing.join(', ')}: deploy it with this version of credvend (cdk deploy), or give the deployment flags instead of --stack`,
      ...modeProblem,
    ]);
  }
  if (modeProblem.length > 0) throw new InvalidDeploymentError(source, modeProblem);
  const deployment = checkDeployment(
    raw as RawDeployment,
    { ...STACK_OUTPUT_NAMES, region: '--region' },
    source,
  );
  return { ...deployment, sessionMode: mode as SessionMode };
}

async function clientRegion(client: CloudFormationClient, stackName: string): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new InvalidDeploymentError(`stack ${stackName}`, [
      '--region: required (or AWS_REGION, or a region in your AWS profile): the region the stack is deployed in',
    ]);
  }
}

async function describeStack(
  stackName: string,
  client: CloudFormationClient,
  region: string,
): Promise<Stack> {
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (stack !== undefined) return stack;
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : '';
    // CloudFormation answers a missing stack with a generic ValidationError.
    if (e.name === 'ValidationError' && /does not exist/i.test(message)) {
      throw notFound(stackName, region, error);
    }
    throw new AwsCallError(
      `CloudFormation DescribeStacks for ${stackName} in ${region} failed (${String(e.name)}: ${message}); ` +
        'check your AWS credentials and their permission cloudformation:DescribeStacks',
      { cause: error },
    );
  }
  throw notFound(stackName, region);
}

function notFound(stackName: string, region: string, cause?: unknown): StackNotFoundError {
  return new StackNotFoundError(
    `there is no stack ${stackName} in ${region}: check --stack, and --region (or AWS_REGION)`,
    cause === undefined ? undefined : { cause },
  );
}
