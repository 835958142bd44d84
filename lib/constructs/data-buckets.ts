/** Where tenant data lives: a bucket created for the deployment, or existing buckets named by configuration. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Pinned logical IDs of the buckets this construct creates (stateful: a new ID would mean a new, empty bucket). */
export const DATA_BUCKET_LOGICAL_ID = 'DataBucket';
export const ACCESS_LOG_BUCKET_LOGICAL_ID = 'DataAccessLogBucket';

/** Properties of {@link DataBuckets}. */
export interface DataBucketsProps {
  /**
   * Names of existing buckets to serve instead of creating one. Their owners keep managing encryption, logging
   * and policies; the stack only grants the tenant access role its tenant-prefixed share of them.
   * @default - one data bucket (and its access-log bucket) is created
   */
  readonly existingBucketNames?: readonly string[];
  /**
   * Origins allowed to call S3 from a browser with vended credentials (CORS on the created bucket only).
   * @default - no CORS rule
   */
  readonly corsOrigins?: readonly string[];
}

/** The data buckets that tenant credentials reach (each tenant only under its own prefix). */
export class DataBuckets extends Construct {
  /** Every data bucket, created or imported. */
  public readonly buckets: readonly IBucket[];
  /** The bucket this construct created; undefined when existing buckets are used. */
  public readonly createdBucket?: Bucket;
  /** The bucket receiving the created bucket's server access logs; undefined when existing buckets are used. */
  public readonly accessLogBucket?: Bucket;

  constructor(scope: Construct, id: string, props: DataBucketsProps = {}) {
    super(scope, id);
    const existing = props.existingBucketNames ?? [];
    if (existing.length > 0) {
      this.buckets = existing.map((name, index) => Bucket.fromBucketName(this, `Existing${index}`, name));
      return;
    }

    this.accessLogBucket = new Bucket(this, 'AccessLogBucket', {
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.accessLogBucket.node.defaultChild as CfnBucket).overrideLogicalId(ACCESS_LOG_BUCKET_LOGICAL_ID);

    const origins = props.corsOrigins ?? [];
    this.createdBucket = new Bucket(this, 'Bucket', {
      // SSE-S3, not SSE-KMS: vended sessions carry a session policy that grants S3 actions only, so objects under
      // a KMS key would be unreadable with them (kms:Decrypt would be outside every session policy).
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      ...(origins.length > 0 && {
        cors: [
          {
            allowedOrigins: [...origins],
            allowedMethods: [
              HttpMethods.GET,
              HttpMethods.HEAD,
              HttpMethods.PUT,
              HttpMethods.POST,
              HttpMethods.DELETE,
            ],
            allowedHeaders: ['*'],
            exposedHeaders: ['ETag', 'x-amz-version-id'],
            maxAge: 3000,
          },
        ],
      }),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.createdBucket.node.defaultChild as CfnBucket).overrideLogicalId(DATA_BUCKET_LOGICAL_ID);
    this.buckets = [this.createdBucket];
  }

  /** The bucket names, as the function's `DATA_BUCKETS` lists them. */
  public get bucketNames(): string[] {
    return this.buckets.map((bucket) => bucket.bucketName);
  }
}
