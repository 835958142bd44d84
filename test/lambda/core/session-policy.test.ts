import { PolicyTooLargeError } from '../../../lambda/core/errors';
import { buildSessionPolicy, escapePolicyText, partitionOf } from '../../../lambda/core/session-policy';
import { DATA_BUCKET } from './fixtures';

describe('buildSessionPolicy', () => {
  it('allows the object actions of the granted levels under the prefix, and listing only below it', () => {
    const policy = JSON.parse(
      buildSessionPolicy([{ bucket: DATA_BUCKET, prefix: 'tenants/acme/', access: ['read', 'list'] }]),
    );
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
          Resource: 'arn:aws:s3:::credvend-data/tenants/acme/*',
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::credvend-data',
          Condition: { StringLike: { 's3:prefix': ['tenants/acme/*'] } },
        },
      ],
    });
  });

  it('shares a statement between grants with the same actions', () => {
    const policy = JSON.parse(
      buildSessionPolicy([
        { bucket: DATA_BUCKET, prefix: 'tenants/acme/a/', access: ['write'] },
        { bucket: DATA_BUCKET, prefix: 'tenants/acme/b/', access: ['write'] },
      ]),
    );
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Resource).toEqual([
      'arn:aws:s3:::credvend-data/tenants/acme/a/*',
      'arn:aws:s3:::credvend-data/tenants/acme/b/*',
    ]);
  });

  it('is an explicit Deny, never an empty policy, when nothing is granted', () => {
    expect(JSON.parse(buildSessionPolicy([]))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
    });
  });

  it('escapes policy metacharacters that reach it, so that they only match themselves', () => {
    const policy = buildSessionPolicy([{ bucket: DATA_BUCKET, prefix: 'tenants/a*b?$/', access: ['read'] }]);
    expect(JSON.parse(policy).Statement[0].Resource).toBe(
      'arn:aws:s3:::credvend-data/tenants/a${*}b${?}${$}/*',
    );
  });

  it('uses the partition of the region', () => {
    const policy = buildSessionPolicy(
      [{ bucket: DATA_BUCKET, prefix: 'tenants/acme/', access: ['read'] }],
      'aws-cn',
    );
    expect(policy).toContain('arn:aws-cn:s3:::credvend-data/tenants/acme/*');
  });

  it('refuses a scope whose policy would exceed 2048 characters', () => {
    const grants = Array.from({ length: 10 }, (_, i) => ({
      bucket: DATA_BUCKET,
      prefix: `tenants/acme/${'x'.repeat(150)}${i}/`,
      access: ['read' as const, 'list' as const],
    }));
    const call = () => buildSessionPolicy(grants);
    expect(call).toThrow(PolicyTooLargeError);
    expect(call).toThrow(
      /^The requested scope needs a session policy of \d+ characters; STS accepts at most 2048\./,
    );
  });
});

describe('escapePolicyText', () => {
  it('turns *, ? and $ into policy variables and leaves other text alone', () => {
    expect(escapePolicyText('a*b?c$d/e')).toBe('a${*}b${?}c${$}d/e');
  });
});

describe('partitionOf', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('maps %s to %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
