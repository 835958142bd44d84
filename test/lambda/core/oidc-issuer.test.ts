/** credvend as an OIDC issuer: the issuer URL rule, signing-key references, and the documents it publishes. */
import {
  issuerUrlProblem,
  jwksDocument,
  jwksUri,
  openIdConfiguration,
  type PublicJwk,
  parseSigningKeyRef,
} from '../../../lambda/core/oidc-issuer';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('issuerUrlProblem', () => {
  it.each([
    'https://credvend.example.com',
    'https://abcdef1234.execute-api.eu-west-1.amazonaws.com/prod',
    'https://auth.example.com/credvend/v1',
    'http://127.0.0.1:3000',
    'http://localhost:8080/local',
    'http://[::1]:3000',
  ])('accepts %s', (url) => {
    expect(issuerUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ['a trailing slash', 'https://credvend.example.com/'],
    ['a trailing slash after a path', 'https://credvend.example.com/prod/'],
    ['plain http on a public host', 'http://credvend.example.com'],
    ['a port on https (IAM refuses it)', 'https://credvend.example.com:8443'],
    ['the default port written out', 'https://credvend.example.com:443'],
    ['a query', 'https://credvend.example.com/prod?stage=1'],
    ['a fragment', 'https://credvend.example.com/prod#x'],
    ['credentials', 'https://user:pw@credvend.example.com'],
    ['an upper-case host (IAM compares iss exactly)', 'https://Credvend.example.com'],
    ['another scheme', 'ftp://credvend.example.com'],
    ['no URL at all', 'credvend.example.com'],
    ['an empty value', ''],
    ['an http look-alike of loopback', 'http://127.0.0.1.example.com'],
  ])('refuses %s', (_, url) => {
    expect(issuerUrlProblem(url)).toMatch(/^must be an https URL without port, query or trailing slash/);
  });

  it("refuses an issuer longer than IAM's 255 characters", () => {
    expect(issuerUrlProblem(`https://credvend.example.com/${'p'.repeat(240)}`)).toBe(
      "must be at most 255 characters (IAM's limit)",
    );
  });
});

describe('parseSigningKeyRef', () => {
  it('reads a key id: the kid is the id, the region the function’s own', () => {
    expect(parseSigningKeyRef(KEY_ID)).toStrictEqual({ keyRef: KEY_ID, keyId: KEY_ID });
  });

  it('reads a key ARN: the kid is its last part, the region its own', () => {
    const arn = `arn:aws:kms:us-east-1:123456789012:key/${KEY_ID}`;
    expect(parseSigningKeyRef(arn)).toStrictEqual({ keyRef: arn, keyId: KEY_ID, region: 'us-east-1' });
  });

  it('reads a multi-Region key and another partition', () => {
    const mrk = 'mrk-1234abcd12ab34cd56ef1234567890ab';
    expect(parseSigningKeyRef(mrk)?.keyId).toBe(mrk);
    expect(parseSigningKeyRef(`arn:aws-cn:kms:cn-north-1:123456789012:key/${KEY_ID}`)).toMatchObject({
      keyId: KEY_ID,
      region: 'cn-north-1',
    });
  });

  it.each([
    ['an alias', 'alias/credvend-signing'],
    ['an alias ARN', 'arn:aws:kms:eu-west-1:123456789012:alias/credvend-signing'],
    ['an upper-case id', KEY_ID.toUpperCase()],
    ['a truncated id', KEY_ID.slice(0, -1)],
    ['an ARN of another service', `arn:aws:iam::123456789012:key/${KEY_ID}`],
    ['an ARN with a bad key id', 'arn:aws:kms:eu-west-1:123456789012:key/not-a-key'],
    ['an ARN with a path', `arn:aws:kms:eu-west-1:123456789012:key/x/${KEY_ID}`],
  ])('refuses %s', (_, value) => {
    expect(parseSigningKeyRef(value)).toBeUndefined();
  });
});

describe('the published documents', () => {
  const ec: PublicJwk = { kty: 'EC', kid: 'k-ec', use: 'sig', alg: 'ES256', crv: 'P-256', x: 'x', y: 'y' };
  const rsa: PublicJwk = { kty: 'RSA', kid: 'k-rsa', use: 'sig', alg: 'RS256', n: 'n', e: 'AQAB' };
  const issuer = 'https://credvend.example.com/prod';

  it('points the discovery document at the JWKS under the issuer', () => {
    expect(jwksUri(issuer)).toBe('https://credvend.example.com/prod/.well-known/jwks.json');
    expect(openIdConfiguration(issuer, [ec])).toStrictEqual({
      issuer,
      jwks_uri: 'https://credvend.example.com/prod/.well-known/jwks.json',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: [
        'iss',
        'aud',
        'sub',
        'iat',
        'exp',
        'jti',
        'https://aws.amazon.com/tags',
        'https://aws.amazon.com/source_identity',
      ],
    });
  });

  it('lists each algorithm of the keys in rotation once', () => {
    expect(openIdConfiguration(issuer, [ec, rsa, ec]).id_token_signing_alg_values_supported).toEqual([
      'ES256',
      'RS256',
    ]);
  });

  it('publishes every key in the JWKS, in order', () => {
    expect(jwksDocument([ec, rsa])).toStrictEqual({ keys: [ec, rsa] });
  });
});
