/** `trustPolicyDocument`: a role's emulated trust said as IAM's trust policy, stating only what the STS front checks. */
import { trustPolicyDocument } from '../../../sandbox/account/trust-document';

const FUNCTION_ROLE = 'arn:aws:iam::000000000000:role/credvend-vend-function';

describe('trustPolicyDocument', () => {
  it('allows only sts:AssumeRole to the trusted principals when the trust asks nothing more', () => {
    expect(trustPolicyDocument({ principals: [FUNCTION_ROLE] })).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AssumeRole', Effect: 'Allow', Principal: { AWS: FUNCTION_ROLE }, Action: 'sts:AssumeRole' },
      ],
    });
  });

  it('states an external id, required tags and a required source identity as conditions of sts:AssumeRole', () => {
    const [assume] = trustPolicyDocument({
      principals: [FUNCTION_ROLE],
      externalId: 'ext-123',
      requireTags: ['tenant', 'team'],
      requireSourceIdentity: true,
    }).Statement;

    expect(assume).toMatchObject({
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'sts:ExternalId': 'ext-123' },
        Null: {
          'aws:RequestTag/tenant': 'false',
          'aws:RequestTag/team': 'false',
          'sts:SourceIdentity': 'false',
        },
      },
    });
  });

  it('grants sts:TagSession for the admitted keys, any key, or not at all, as the STS front admits tags', () => {
    const tagSession = (trust: Parameters<typeof trustPolicyDocument>[0]) =>
      trustPolicyDocument(trust).Statement.find((statement) => statement.Action === 'sts:TagSession');

    expect(tagSession({ principals: ['*'] })).toBeUndefined();
    expect(tagSession({ principals: ['*'], requireTags: ['tenant'] })).not.toHaveProperty('Condition');
    expect(tagSession({ principals: ['*'], allowTagKeys: ['*'] })).not.toHaveProperty('Condition');
    expect(tagSession({ principals: ['*'], requireTags: ['tenant'], allowTagKeys: ['team'] })).toMatchObject({
      Condition: { 'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': ['team', 'tenant'] } },
    });
  });

  it('grants sts:SetSourceIdentity when a source identity is allowed, and writes a bare account id as its root', () => {
    const document = trustPolicyDocument({
      principals: ['000000000000', FUNCTION_ROLE],
      allowSourceIdentity: true,
    });

    expect(document.Statement).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole' }),
      {
        Sid: 'SetSourceIdentity',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::000000000000:root', FUNCTION_ROLE] },
        Action: 'sts:SetSourceIdentity',
      },
    ]);
  });
});
