/** Picks the deployment source the CLI was told about: `--stack`, `--local`, or the explicit flags (exactly one). */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { stateFileFrom } from '../sandbox/state-file';
import {
  DEPLOYMENT_FLAG_NAMES,
  type Deployment,
  type DeploymentFlags,
  deploymentFromFlags,
  deploymentFromStateFile,
} from './deployment';
import { InvalidInputError } from './errors';
import { deploymentFromStack } from './stack-deployment';

/** The deployment options of the CLI. */
export interface DeploymentOptions extends DeploymentFlags {
  readonly stack?: string;
  readonly local?: boolean;
}

/** What resolution reaches out to; tests replace it. */
export interface ResolveDependencies {
  /** @default process.env (for `CREDVEND_STATE_FILE`) */
  readonly env?: NodeJS.ProcessEnv;
  /** Builds the CloudFormation client for `--stack`. @default the SDK's client with its default chain */
  readonly cloudFormation?: (region: string | undefined) => CloudFormationClient;
  /** The region when `--region` is absent. @default the SDK's (AWS_REGION, the profile's region) */
  readonly defaultRegion?: () => Promise<string | undefined>;
}

const SETTING_FLAGS = [
  'table',
  'roleArn',
  'dataBuckets',
  'prefixTemplate',
  'regions',
  'maxSessionSeconds',
  'tenantRoles',
  'vendRoleArn',
] as const;

/**
 * The deployment named by `options`. Throws `InvalidInputError` unless exactly one source is given, and whatever the
 * source throws (`InvalidDeploymentError`, `StackNotFoundError`, `SandboxNotRunningError`, `AwsCallError`).
 */
export async function resolveDeployment(
  options: DeploymentOptions,
  dependencies: ResolveDependencies = {},
): Promise<Deployment> {
  const flagsGiven = SETTING_FLAGS.filter((flag) => options[flag] !== undefined);
  const sources = [
    ...(options.stack !== undefined ? ['--stack'] : []),
    ...(options.local ? ['--local'] : []),
    ...(flagsGiven.length > 0 ? [flagsGiven.map((f) => DEPLOYMENT_FLAG_NAMES[flagKey(f)]).join(', ')] : []),
  ];
  if (sources.length > 1) {
    throw new InvalidInputError(
      `name the deployment one way only: --stack NAME, --local, or the flags --table, --role-arn, --data-buckets… (got ${sources.join(' and ')})`,
    );
  }
  if (options.local) return deploymentFromStateFile(stateFileFrom(dependencies.env ?? process.env));
  if (options.stack !== undefined) {
    const client = (dependencies.cloudFormation ?? defaultCloudFormation)(options.region);
    try {
      return await deploymentFromStack(options.stack, client);
    } finally {
      client.destroy();
    }
  }
  if (flagsGiven.length === 0) {
    throw new InvalidInputError(
      'tell credvend-admin which deployment to manage: --stack NAME (a deployed credvend stack), --local (the ' +
        'running npm start sandbox), or --table, --role-arn and --data-buckets (with --regions, --region, ' +
        '--prefix-template, --max-session-seconds, --tenant-roles as needed)',
    );
  }
  const region = options.region ?? (await (dependencies.defaultRegion ?? sdkDefaultRegion)());
  return deploymentFromFlags(options, region);
}

function flagKey(flag: (typeof SETTING_FLAGS)[number]): keyof typeof DEPLOYMENT_FLAG_NAMES {
  switch (flag) {
    case 'table':
      return 'tableName';
    case 'roleArn':
      return 'tenantRoleArn';
    default:
      return flag;
  }
}

function defaultCloudFormation(region: string | undefined): CloudFormationClient {
  return new CloudFormationClient(region === undefined ? {} : { region });
}

/** The region the SDK picks by itself: `AWS_REGION`, or the profile's region in `~/.aws/config`. */
async function sdkDefaultRegion(): Promise<string | undefined> {
  const probe = new CloudFormationClient({});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}
