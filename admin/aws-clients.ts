/** The AWS clients `credvend-admin` builds for a deployment: the tenant table's document client, and who is calling. */
import { userInfo } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsSettings } from './deployment';

/** A document client on the deployment's DynamoDB (its endpoint and credentials when set; `destroy()` when done). */
export function createDocumentClient(aws: AwsSettings): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: aws.region,
    ...(aws.dynamoDbEndpoint !== undefined && { endpoint: aws.dynamoDbEndpoint }),
    ...(aws.credentials !== undefined && { credentials: aws.credentials }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** How long the actor lookup may take before the OS user name is used instead. */
const CALLER_LOOKUP_MS = 3000;

/**
 * Who is making changes: the caller's ARN from STS GetCallerIdentity when STS answers (the sandbox's STS does), else
 * the OS user name (`user:<name>`).
 */
export async function resolveActor(aws: AwsSettings): Promise<string> {
  const sts = new STSClient({
    region: aws.region,
    maxAttempts: 1,
    ...(aws.stsEndpoint !== undefined && { endpoint: aws.stsEndpoint }),
    ...(aws.credentials !== undefined && { credentials: aws.credentials }),
  });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(CALLER_LOOKUP_MS),
    });
    if (Arn !== undefined) return Arn;
  } catch {
    // No credentials, no network, no permission: the OS user is the best we know.
  } finally {
    sts.destroy();
  }
  return `user:${osUserName()}`;
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
