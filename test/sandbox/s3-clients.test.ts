/**
 * The sandbox's S3 front with clients nobody here wrote: the AWS CLI, boto3 and the JS SDK's `S3Client` (with
 * `@aws-sdk/lib-storage` for multipart), each getting acme's credentials through the container-credentials
 * mechanism, show tenant isolation end to end; presigned URLs; and the banner's S3 commands pasted into bash.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { fromHttp } from '@aws-sdk/credential-providers';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { TENANT_ROLE_NAME } from '../../sandbox/account/local-account';
import { renderBanner } from '../../sandbox/banner';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { failureOf } from '../support/async';
import { revokeTenantSessions } from '../support/revocation';
import { PROJECT_ROOT, runCommand } from './child-process';
import { devToken, sandboxS3Client, useSandbox, vendCredentials } from './sandbox-harness';

const sandbox = useSandbox();
const BUCKET = LOCAL_DATA_BUCKET;
const AWS_CLI = '/usr/bin/aws';
const PYTHON = '/usr/bin/python3';
const MULTIPART_BYTES = 20 * 1024 * 1024;

let dir: string;
let small: string;
let large: string;
let token: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credvend-s3-'));
  small = join(dir, 'small.txt');
  writeFileSync(small, `hello from ${randomBytes(8).toString('hex')}\n`);
  large = join(dir, 'large.bin');
  writeFileSync(large, randomBytes(MULTIPART_BYTES));
  token = devToken(sandbox(), 'acme', 'alice');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child environment whose only AWS credentials are acme's, fetched through the container-credentials variables. */
function containerEnv(): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: dir,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${sandbox().apiUrl}/v1/credentials/container`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: `Bearer ${token}`,
    AWS_DEFAULT_REGION: 'eu-west-1',
  };
}

const s3Uri = (key: string) => `s3://${BUCKET}/${key}`;

describe('the AWS CLI with container credentials', () => {
  const present = existsSync(AWS_CLI);
  if (!present)
    process.stdout.write(
      `${AWS_CLI} not installed: the AWS CLI S3 tests are skipped (.ci/run installs it)\n`,
    );
  const cliIt = present ? it : it.skip;
  const aws = (command: string, ...args: string[]) =>
    runCommand(
      AWS_CLI,
      [
        's3',
        command,
        ...args,
        '--endpoint-url',
        sandbox().s3Url,
        ...(command === 'ls' ? [] : ['--only-show-errors']),
      ],
      containerEnv(),
    );

  cliIt(
    "copies a file into acme's uploads and back byte-identical, and lists it under tenants/acme/",
    async () => {
      const back = join(dir, 'cli-small.txt');

      expect((await aws('cp', small, s3Uri('tenants/acme/uploads/cli.txt'))).code).toBe(0);
      expect((await aws('cp', s3Uri('tenants/acme/uploads/cli.txt'), back)).code).toBe(0);
      const listing = await aws('ls', s3Uri('tenants/acme/'), '--recursive');

      expect(readFileSync(back)).toEqual(readFileSync(small));
      expect(listing.code).toBe(0);
      expect(listing.stdout).toMatch(/ tenants\/acme\/uploads\/cli\.txt\n/);
    },
  );

  cliIt("is refused globex's prefix, reading and listing, with AccessDenied", async () => {
    const copy = await aws('cp', s3Uri('tenants/globex/README.txt'), join(dir, 'stolen.txt'));
    const listing = await aws('ls', s3Uri('tenants/globex/'));

    expect(copy.code).not.toBe(0);
    // `cp` from S3 starts with HeadObject, whose error has no body: the CLI reports the status only.
    expect(copy.stderr).toMatch(/\(403\)|AccessDenied/);
    expect(existsSync(join(dir, 'stolen.txt'))).toBe(false);
    expect(listing.code).not.toBe(0);
    expect(listing.stderr).toContain('(AccessDenied) when calling the ListObjectsV2 operation');
  });

  cliIt('round-trips 20 MB through a multipart upload byte-identical', async () => {
    const back = join(dir, 'cli-large.bin');

    expect((await aws('cp', large, s3Uri('tenants/acme/uploads/cli-large.bin'))).code).toBe(0);
    expect((await aws('cp', s3Uri('tenants/acme/uploads/cli-large.bin'), back)).code).toBe(0);

    expect(sandbox().s3.store.head(BUCKET, 'tenants/acme/uploads/cli-large.bin')?.etag).toMatch(/-3"$/);
    expect(readFileSync(back).equals(readFileSync(large))).toBe(true);
  });

  cliIt("is refused deleting from acme's read-only prefix", async () => {
    const removal = await aws('rm', s3Uri('tenants/acme/README.txt'));

    expect(removal.code).not.toBe(0);
    expect(removal.stderr).toContain('(AccessDenied) when calling the DeleteObject operation');
    expect(sandbox().s3.store.head(BUCKET, 'tenants/acme/README.txt')).toBeDefined();
  });
});

/** boto3 code that runs the acceptance steps and prints what happened as JSON. */
const BOTO3_SCRIPT = `
import json, os, sys
import boto3
from botocore.exceptions import ClientError
bucket, endpoint, small, large, back = sys.argv[1:6]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name='eu-west-1')
def code(call):
    try:
        call()
        return 'ok'
    except ClientError as error:
        return error.response['Error']['Code']
out = {}
s3.upload_file(small, bucket, 'tenants/acme/uploads/boto3.txt')
out['roundTrip'] = s3.get_object(Bucket=bucket, Key='tenants/acme/uploads/boto3.txt')['Body'].read() == open(small, 'rb').read()
out['listed'] = [o['Key'] for o in s3.list_objects_v2(Bucket=bucket, Prefix='tenants/acme/')['Contents']]
out['globexGet'] = code(lambda: s3.get_object(Bucket=bucket, Key='tenants/globex/README.txt'))
out['globexList'] = code(lambda: s3.list_objects_v2(Bucket=bucket, Prefix='tenants/globex/'))
s3.upload_file(large, bucket, 'tenants/acme/uploads/boto3-large.bin')
s3.download_file(bucket, 'tenants/acme/uploads/boto3-large.bin', back)
out['largeEtag'] = s3.head_object(Bucket=bucket, Key='tenants/acme/uploads/boto3-large.bin')['ETag']
out['readOnlyDelete'] = code(lambda: s3.delete_object(Bucket=bucket, Key='tenants/acme/README.txt'))
print(json.dumps(out))
`;

describe('boto3 with container credentials', () => {
  const present = existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/boto3');
  if (!present)
    process.stdout.write(
      "Debian's python3-boto3 not installed: the boto3 S3 test is skipped (.ci/run installs it)\n",
    );
  (present ? it : it.skip)(
    "reads and writes acme's prefix, multipart included, and is refused globex's and acme's read-only deletes",
    async () => {
      const script = join(dir, 'boto3-steps.py');
      writeFileSync(script, BOTO3_SCRIPT);
      const back = join(dir, 'boto3-large.bin');

      const result = await runCommand(
        PYTHON,
        [script, BUCKET, sandbox().s3Url, small, large, back],
        containerEnv(),
      );

      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        roundTrip: true,
        listed: expect.arrayContaining(['tenants/acme/README.txt', 'tenants/acme/uploads/boto3.txt']),
        globexGet: 'AccessDenied',
        globexList: 'AccessDenied',
        largeEtag: expect.stringMatching(/-3"$/),
        readOnlyDelete: 'AccessDenied',
      });
      expect(readFileSync(back).equals(readFileSync(large))).toBe(true);
    },
  );
});

describe("the JS SDK's S3Client with container credentials", () => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = new S3Client({
      region: 'eu-west-1',
      endpoint: sandbox().s3Url,
      forcePathStyle: true,
      credentials: fromHttp({
        awsContainerCredentialsFullUri: `${sandbox().apiUrl}/v1/credentials/container`,
        awsContainerAuthorizationToken: `Bearer ${token}`,
      }),
    });
  });
  afterAll(() => s3.destroy());

  const errorName = (promise: Promise<unknown>) => failureOf(promise).then((e) => (e as Error).name);

  it("puts and gets acme's object byte-identical (CRC32 checksums on by default) and lists it", async () => {
    const body = readFileSync(small);

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tenants/acme/uploads/js.txt', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tenants/acme/uploads/js.txt' }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'tenants/acme/' }));

    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(body);
    expect(got.ChecksumCRC32).toBeDefined();
    expect(listed.Contents?.map((o) => o.Key)).toContain('tenants/acme/uploads/js.txt');
  });

  it("is refused globex's prefix with AccessDenied", async () => {
    expect(
      await errorName(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tenants/globex/README.txt' }))),
    ).toBe('AccessDenied');
    expect(
      await errorName(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'tenants/globex/' }))),
    ).toBe('AccessDenied');
    expect(
      await errorName(
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tenants/globex/x.txt', Body: 'x' })),
      ),
    ).toBe('AccessDenied');
  });

  it('round-trips 20 MB through lib-storage multipart byte-identical', async () => {
    const body = readFileSync(large);

    await new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: 'tenants/acme/uploads/js-large.bin', Body: body },
      partSize: 8 * 1024 * 1024,
    }).done();
    const got = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'tenants/acme/uploads/js-large.bin' }),
    );

    expect(got.ETag).toMatch(/-3"$/);
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
  });

  it("is refused deleting from acme's read-only prefix", async () => {
    expect(
      await errorName(s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'tenants/acme/README.txt' }))),
    ).toBe('AccessDenied');
  });

  it("stops working at once when a deny on acme's sessions issued before now is put on the role", async () => {
    const read = () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tenants/acme/README.txt' }));
    await read();
    const account = sandbox().account;
    account.putRolePolicy(
      TENANT_ROLE_NAME,
      'RevokeAcmeSessions',
      revokeTenantSessions('acme', new Date(Date.now() + 1000)),
    );
    try {
      expect(await errorName(read())).toBe('AccessDenied');
    } finally {
      account.deleteRolePolicy(TENANT_ROLE_NAME, 'RevokeAcmeSessions');
    }
    await expect(read()).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
  });
});

describe('presigned URLs made from acme credentials', () => {
  let s3: S3Client;
  beforeAll(async () => {
    const credentials = await vendCredentials(sandbox(), 'acme', 'alice');
    s3 = sandboxS3Client(sandbox(), credentials);
  });
  afterAll(() => s3.destroy());

  const presign = (key: string, expiresIn: number) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn });
  const codeOf = async (response: Response) => /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];

  it("fetch acme's object with no credentials of their own", async () => {
    const response = await fetch(await presign('tenants/acme/README.txt', 60));

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      (
        await sandbox().s3.store.read(sandbox().s3.store.head(BUCKET, 'tenants/acme/README.txt') ?? never())
      )?.toString(),
    );
  });

  it('are refused once they expire', async () => {
    const url = await presign('tenants/acme/README.txt', 1);
    expect((await fetch(url)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await fetch(url);

    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(
      /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/,
    );
  });

  it("are refused for globex's object", async () => {
    const response = await fetch(await presign('tenants/globex/README.txt', 60));

    expect(response.status).toBe(403);
    expect(await codeOf(response)).toBe('AccessDenied');
  });
});

describe("the banner's S3 commands pasted into bash", () => {
  (existsSync(AWS_CLI) ? it : it.skip)(
    "copy into acme's uploads and list it, and are refused globex's prefix with AccessDenied",
    async () => {
      const banner = renderBanner(sandbox(), PROJECT_ROOT).split('\n');
      const tryIt = banner.slice(banner.indexOf('Try it:') + 1);
      const lines = tryIt
        .slice(0, tryIt.indexOf(''))
        .map((line) => line.trim())
        .filter((line) => !line.startsWith('#') && !line.startsWith('curl'));
      // The token command runs in the project (as the banner means it); the rest in a scratch directory.
      const script = lines
        .map((line) => `${line} 2>&1; echo "__rc=$?"${line.startsWith('TOKEN=') ? `; cd "${dir}"` : ''}`)
        .join('\n');

      const result = await runCommand('bash', ['-c', `cd "${PROJECT_ROOT}"\n${script}`], {
        // Node.js and npm for the token command; the AWS CLI from Debian's package.
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: dir,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      });
      const steps = result.stdout.split(/__rc=(\d+)\n/);
      if (steps.length < 3) throw new Error(`bash printed: ${result.stdout}${result.stderr}`);

      // TOKEN=…, acme_aws() {…}, sts get-caller-identity, echo, cp, ls, cp into globex.
      const codes = steps.filter((_, i) => i % 2 === 1);
      expect(codes).toEqual(['0', '0', '0', '0', '0', '0', '1']);
      expect(steps[10]).toMatch(/ tenants\/acme\/uploads\/hello\.txt\n/);
      expect(steps[12]).toContain('(AccessDenied) when calling the PutObject operation');
    },
  );
});

function never(): never {
  throw new Error('the seeded object is missing');
}
