/**
 * The isolation suite's probes as real S3 requests with `@aws-sdk/client-s3`: each probe action the S3 emulator
 * implements becomes the operation that needs it, and the answer is read as allowed or AccessDenied — any other
 * answer is an error of the test, never a verdict. Probe actions the emulator answers NotImplemented are listed with
 * the command that shows it, so the list cannot silently go stale.
 */
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketAclCommand,
  GetBucketPolicyCommand,
  GetObjectAclCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../../sandbox/s3/object-store';
import { describeProbe, type Probe } from '../../isolation/probes';

/** A session's way into the emulator: an S3 client signing with its credentials, and the store behind it. */
export interface ProbeTarget {
  readonly s3: S3Client;
  readonly store: ObjectStore;
}

/** What the endpoint did with a probe. */
export type EndpointAnswer = 'Allowed' | 'AccessDenied';

/** An upload id no upload has: an allowed AbortMultipartUpload or ListParts finds no such upload. */
const MADE_UP_UPLOAD_ID = 'no-such-upload-made-up-by-the-differential-test';

/** Probe actions whose S3 operation the emulator answers 501 NotImplemented, with a command that shows it. */
export const NOT_IMPLEMENTED: Readonly<Record<string, (bucket: string, key: string) => object>> = {
  's3:GetObjectAttributes': (Bucket, Key) =>
    new GetObjectAttributesCommand({ Bucket, Key, ObjectAttributes: ['ETag'] }),
  's3:GetObjectAcl': (Bucket, Key) => new GetObjectAclCommand({ Bucket, Key }),
  's3:PutObjectAcl': (Bucket, Key) => new PutObjectAclCommand({ Bucket, Key, ACL: 'private' }),
  's3:PutObjectTagging': (Bucket, Key) =>
    new PutObjectTaggingCommand({ Bucket, Key, Tagging: { TagSet: [] } }),
  's3:ListBucketVersions': (Bucket) => new ListObjectVersionsCommand({ Bucket }),
  's3:PutBucketPolicy': (Bucket) => new PutBucketPolicyCommand({ Bucket, Policy: '{}' }),
  's3:DeleteBucket': (Bucket) => new DeleteBucketCommand({ Bucket }),
  's3:GetBucketAcl': (Bucket) => new GetBucketAclCommand({ Bucket }),
  's3:GetBucketPolicy': (Bucket) => new GetBucketPolicyCommand({ Bucket }),
  's3:ListBucketMultipartUploads': (Bucket) => new ListMultipartUploadsCommand({ Bucket }),
};

/** Probe actions sent as the S3 operation that needs them. */
export const SENT_ACTIONS: readonly string[] = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:PutObject',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:ListBucket',
  's3:ListAllMyBuckets',
];

/** An SDK call's status and error code (undefined on success), with its output on success. */
interface Outcome<T> {
  readonly status: number;
  readonly code: string | undefined;
  readonly output: T | undefined;
}

async function attempt<T extends { $metadata: { httpStatusCode?: number } }>(
  sending: Promise<T>,
): Promise<Outcome<T>> {
  try {
    const output = await sending;
    return { status: output.$metadata.httpStatusCode ?? 0, code: undefined, output };
  } catch (error) {
    if (!(error instanceof S3ServiceException)) throw error;
    return { status: error.$metadata.httpStatusCode ?? 0, code: error.name, output: undefined };
  }
}

/**
 * Reads an outcome: 403 AccessDenied is a denial, `allowed` (a status, and a code for an error answer) is the
 * answer of an allowed request; anything else throws, so that an unrelated error never counts as either.
 */
function judge(
  probe: Probe,
  outcome: Outcome<unknown>,
  allowed: { status: number; code?: string },
): EndpointAnswer {
  if (outcome.status === 403 && outcome.code === 'AccessDenied') return 'AccessDenied';
  if (outcome.status === allowed.status && outcome.code === allowed.code) return 'Allowed';
  throw new Error(
    `${describeProbe(probe)} answered ${outcome.status} ${outcome.code ?? '(success)'}; expected ` +
      `${allowed.status} ${allowed.code ?? '(success)'} if allowed or 403 AccessDenied`,
  );
}

/** The bytes a probe expects to read back from `bucket`/`key`. */
const contentOf = (bucket: string, key: string): Buffer => Buffer.from(`s3://${bucket}/${key}`, 'utf8');

/** Puts an object through the store (not through S3), so a read or delete finds one whatever the caller may do. */
async function seedObject(store: ObjectStore, bucket: string, key: string): Promise<Buffer> {
  const body = contentOf(bucket, key);
  await store.put(bucket, key, {
    contentType: 'text/plain',
    headers: {},
    userMetadata: {},
    body,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
  });
  return body;
}

async function bytesAt(store: ObjectStore, bucket: string, key: string): Promise<Buffer | undefined> {
  const info = store.head(bucket, key);
  return info === undefined ? undefined : store.read(info);
}

/** Throws unless `condition` holds: a side effect the answer implies did not happen. */
function check(condition: boolean, probe: Probe, what: string): void {
  if (!condition) throw new Error(`${describeProbe(probe)}: ${what}`);
}

/**
 * Sends `probe` as the S3 request that needs its action and reads the answer; undefined for probes the endpoint
 * cannot be asked about (non-S3 actions, and S3 operations the emulator answers NotImplemented). Checks what an
 * answer implies: an allowed read returns the object's bytes, an allowed write or delete changes the store under the
 * literal key, a denied one leaves it as it was.
 */
export async function askEndpoint(target: ProbeTarget, probe: Probe): Promise<EndpointAnswer | undefined> {
  if (!probe.action.startsWith('s3:') || probe.action in NOT_IMPLEMENTED) return undefined;
  switch (probe.kind) {
    case 'object':
      return askObject(target, probe);
    case 'list':
      if (probe.action === 's3:ListBucket') return askListing(target, probe);
      break;
    case 'other':
      if (probe.action === 's3:ListAllMyBuckets') {
        return judge(probe, await attempt(target.s3.send(new ListBucketsCommand({}))), { status: 200 });
      }
      break;
    case 'bucket':
      break;
  }
  throw new Error(`no S3 request is known for ${describeProbe(probe)}: add it here or to NOT_IMPLEMENTED`);
}

async function askListing(
  { s3 }: ProbeTarget,
  probe: Extract<Probe, { kind: 'list' }>,
): Promise<EndpointAnswer> {
  const prefix = probe.prefix === undefined ? {} : { Prefix: probe.prefix };
  const outcome = await attempt(s3.send(new ListObjectsV2Command({ Bucket: probe.bucket, ...prefix })));
  const answer = judge(probe, outcome, { status: 200 });
  const keys = (outcome.output?.Contents ?? []).map((object) => object.Key ?? '');
  const outside = keys.filter((key) => !key.startsWith(probe.prefix ?? ''));
  check(outside.length === 0, probe, `listed keys outside the prefix: ${outside.join(', ')}`);
  return answer;
}

async function askObject(
  { s3, store }: ProbeTarget,
  probe: Extract<Probe, { kind: 'object' }>,
): Promise<EndpointAnswer | undefined> {
  const { bucket, key } = probe;
  const Bucket = bucket;
  const Key = key;
  switch (probe.action) {
    case 's3:GetObject':
    case 's3:GetObjectVersion': {
      const body = await seedObject(store, bucket, key);
      const version = probe.action === 's3:GetObjectVersion' ? { VersionId: 'null' } : {};
      const outcome = await attempt(s3.send(new GetObjectCommand({ Bucket, Key, ...version })));
      const answer = judge(probe, outcome, { status: 200 });
      if (answer === 'Allowed') {
        const read = Buffer.from((await outcome.output?.Body?.transformToByteArray()) ?? []);
        check(read.equals(body), probe, `read ${JSON.stringify(read.toString())}, not the object's bytes`);
      }
      const head = await attempt(s3.send(new HeadObjectCommand({ Bucket, Key, ...version })));
      check(head.status === (answer === 'Allowed' ? 200 : 403), probe, `HeadObject answered ${head.status}`);
      return answer;
    }
    case 's3:PutObject': {
      const before = store.head(bucket, key)?.etag;
      const body = Buffer.from(`written to s3://${bucket}/${key}`, 'utf8');
      const answer = judge(probe, await attempt(s3.send(new PutObjectCommand({ Bucket, Key, Body: body }))), {
        status: 200,
      });
      if (answer === 'Allowed') {
        const held = await bytesAt(store, bucket, key);
        check(held?.equals(body) === true, probe, 'the store holds no such bytes under the literal key');
      } else {
        check(store.head(bucket, key)?.etag === before, probe, 'a denied PutObject changed the store');
      }
      return answer;
    }
    case 's3:DeleteObject':
    case 's3:DeleteObjectVersion': {
      await seedObject(store, bucket, key);
      const version = probe.action === 's3:DeleteObjectVersion' ? { VersionId: 'null' } : {};
      const outcome = await attempt(s3.send(new DeleteObjectCommand({ Bucket, Key, ...version })));
      const answer = judge(probe, outcome, { status: 204 });
      const present = store.head(bucket, key) !== undefined;
      check(present === (answer === 'AccessDenied'), probe, `the object is ${present ? '' : 'not '}there`);
      return answer;
    }
    case 's3:AbortMultipartUpload':
      return judge(
        probe,
        await attempt(s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: MADE_UP_UPLOAD_ID }))),
        { status: 404, code: 'NoSuchUpload' },
      );
    case 's3:ListMultipartUploadParts':
      return judge(
        probe,
        await attempt(s3.send(new ListPartsCommand({ Bucket, Key, UploadId: MADE_UP_UPLOAD_ID }))),
        { status: 404, code: 'NoSuchUpload' },
      );
    default:
      throw new Error(
        `no S3 request is known for ${describeProbe(probe)}: add it here or to NOT_IMPLEMENTED`,
      );
  }
}
