/** The data bucket the stack creates (private, TLS-only, logged), and the mode that serves existing buckets. */
import { Match } from 'aws-cdk-lib/assertions';
import { ACCESS_LOG_BUCKET_LOGICAL_ID, DATA_BUCKET_LOGICAL_ID } from '../../lib/constructs/data-buckets';
import { synth } from './synth';

const BLOCK_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

describe('DataBuckets', () => {
  describe('by default', () => {
    const { stack, template, resourceOf } = synth();
    const bucket = resourceOf(stack.dataBuckets.createdBucket ?? stack);

    it('creates one data bucket and its access-log bucket, both under pinned logical IDs', () => {
      expect(Object.keys(template.findResources('AWS::S3::Bucket')).sort()).toEqual(
        [ACCESS_LOG_BUCKET_LOGICAL_ID, DATA_BUCKET_LOGICAL_ID].sort(),
      );
      expect(DATA_BUCKET_LOGICAL_ID).toBe('DataBucket');
    });

    it('blocks all public access on both buckets', () => {
      for (const resource of Object.values(template.findResources('AWS::S3::Bucket'))) {
        expect(resource.Properties.PublicAccessBlockConfiguration).toEqual(BLOCK_ALL);
      }
    });

    it('encrypts with S3-managed keys, versions objects and logs access to the log bucket', () => {
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: {
          DestinationBucketName: `<${ACCESS_LOG_BUCKET_LOGICAL_ID}>`,
          LogFilePrefix: 'data-bucket/',
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    });

    it('is retained when the stack is deleted', () => {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
    });

    it('refuses every request that is not TLS 1.2 or later', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: DATA_BUCKET_LOGICAL_ID },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: [
                { 'Fn::GetAtt': [DATA_BUCKET_LOGICAL_ID, 'Arn'] },
                { 'Fn::Join': ['', [{ 'Fn::GetAtt': [DATA_BUCKET_LOGICAL_ID, 'Arn'] }, '/*']] },
              ],
            },
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    });

    it('has no CORS rule without allowed origins', () => {
      expect(bucket.Properties.CorsConfiguration).toBeUndefined();
    });

    it('is the one bucket the function and the outputs name', () => {
      template.hasOutput('DataBucketNames', { Value: { Ref: DATA_BUCKET_LOGICAL_ID } });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DATA_BUCKETS: { Ref: DATA_BUCKET_LOGICAL_ID } }) },
      });
    });
  });

  it('lets browsers of the allowed origins use vended credentials on the created bucket (CORS)', () => {
    const { stack, resourceOf } = synth({ allowedOrigins: ['https://app.example.com'] });
    expect(resourceOf(stack.dataBuckets.createdBucket ?? stack).Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: ['https://app.example.com'],
          AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag', 'x-amz-version-id'],
          MaxAge: 3000,
        },
      ],
    });
  });

  describe('with existing buckets', () => {
    const { stack, template } = synth({ dataBucketNames: ['acme-data-eu', 'acme-data-us'] });

    it('creates no bucket', () => {
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.resourceCountIs('AWS::S3::BucketPolicy', 0);
      expect(stack.dataBuckets.createdBucket).toBeUndefined();
    });

    it('names the existing buckets to the function and in the outputs', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DATA_BUCKETS: 'acme-data-eu,acme-data-us' }) },
      });
      template.hasOutput('DataBucketNames', { Value: 'acme-data-eu,acme-data-us' });
    });
  });
});
