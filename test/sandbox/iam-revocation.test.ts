/**
 * Revocation through the IAM front, end to end: a deny put on the tenant access role with the real `IAMClient`, as
 * `credvend-admin --local tenants revoke` puts it, stops the live sessions of that tenant at their next S3 request
 * (the account judges every request by the role's policies as they stand), leaves other tenants alone, and lifts
 * when the policy is deleted.
 */
import { DeleteRolePolicyCommand, type IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { TENANT_ROLE_NAME } from '../../sandbox/account/local-account';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { failureOf } from '../support/async';
import { revokeTenantSessions } from '../support/revocation';
import { sandboxIamClient, sandboxS3Client, useSandbox, vendCredentials } from './sandbox-harness';

const sandbox = useSandbox();
const POLICY_NAME = 'CredvendRevocations';

let iam: IAMClient;
let acme: S3Client;
let globex: S3Client;
beforeAll(async () => {
  iam = sandboxIamClient(sandbox());
  acme = sandboxS3Client(sandbox(), await vendCredentials(sandbox(), 'acme', 'alice'));
  globex = sandboxS3Client(sandbox(), await vendCredentials(sandbox(), 'globex', 'bob'));
});
afterAll(() => {
  for (const client of [iam, acme, globex]) client.destroy();
});

const read = (client: S3Client, key: string) =>
  client.send(new GetObjectCommand({ Bucket: LOCAL_DATA_BUCKET, Key: key }));
const readAcme = () => read(acme, 'tenants/acme/README.txt');
const readGlobex = () => read(globex, 'tenants/globex/README.txt');

describe('a revocation put through the IAM front', () => {
  it("denies acme's live session its next S3 request at once, spares globex, and lifts when deleted", async () => {
    await expect(readAcme()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });

    await iam.send(
      new PutRolePolicyCommand({
        RoleName: TENANT_ROLE_NAME,
        PolicyName: POLICY_NAME,
        PolicyDocument: JSON.stringify(revokeTenantSessions('acme', new Date(Date.now() + 1000))),
      }),
    );
    const revoked = (await failureOf(readAcme())) as Error & { $metadata?: { httpStatusCode?: number } };
    const untouched = await readGlobex();
    await iam.send(new DeleteRolePolicyCommand({ RoleName: TENANT_ROLE_NAME, PolicyName: POLICY_NAME }));

    expect([revoked.name, revoked.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(untouched.$metadata.httpStatusCode).toBe(200);
    await expect(readAcme()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });
});
