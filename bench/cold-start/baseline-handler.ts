/** The cold-start baseline: a function that only loads @aws-sdk/client-sts and makes the same AssumeRole call. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

const client = new STSClient({ region: process.env.AWS_REGION, endpoint: process.env.STS_ENDPOINT });

export async function handler(): Promise<{ statusCode: number; body: string }> {
  const output = await client.send(
    new AssumeRoleCommand(JSON.parse(process.env.BASELINE_ASSUME_ROLE_INPUT ?? '{}')),
  );
  return { statusCode: 200, body: JSON.stringify({ accessKeyId: output.Credentials?.AccessKeyId }) };
}
