/** credvend's own web-identity tokens: the claims STS reads, and the JWS compact encoding. */
import { KMS_RAW_MESSAGE_MAX_BYTES } from '../../../lambda/adapters/kms-token-signer';
import { authorize } from '../../../lambda/core/authorize';
import type { Principal, SessionPlan } from '../../../lambda/core/model';
import { MAX_ISSUER_LENGTH } from '../../../lambda/core/oidc-issuer';
import { planSession } from '../../../lambda/core/session-plan';
import {
  base64url,
  compactJws,
  jwsSigningInput,
  WEB_IDENTITY_TOKEN_LIFETIME_SECONDS,
  type WebIdentityClaims,
  webIdentityClaims,
  webIdentitySubject,
} from '../../../lambda/core/web-identity-token';
import { ACME, ALICE } from './fixtures';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/credvend-tenant-access';
const SETTINGS = { issuer: 'https://credvend.example.com/prod', audience: 'credvend' };
const NOW_MS = Date.parse('2026-12-01T10:00:00Z');
const JTI = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

function planFor(principal: Principal = ALICE, tenant = ACME): SessionPlan {
  return planSession(
    { principal, tenant, requestId: 'c0ffee00-1111-2222', defaultRoleArn: ROLE_ARN },
    authorize(tenant, {}, ['eu-west-1']),
  );
}

const decode = (segment: string | undefined): unknown =>
  JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));

describe('webIdentityClaims', () => {
  it('names the issuer, the audience, the tenant and the caller, with five minutes of life', () => {
    expect(webIdentityClaims(planFor(), SETTINGS, NOW_MS, JTI)).toStrictEqual({
      iss: 'https://credvend.example.com/prod',
      aud: 'credvend',
      sub: 'acme:alice',
      iat: NOW_MS / 1000,
      exp: NOW_MS / 1000 + 300,
      jti: JTI,
      'https://aws.amazon.com/tags': {
        principal_tags: { tenant: ['acme'] },
        transitive_tag_keys: ['tenant'],
      },
      'https://aws.amazon.com/source_identity': 'alice',
    });
    expect(WEB_IDENTITY_TOKEN_LIFETIME_SECONDS).toBe(300);
  });

  it('writes iat and exp as whole seconds, never after the real instant', () => {
    const claims = webIdentityClaims(planFor(), SETTINGS, NOW_MS + 999, JTI);

    expect(claims.iat).toBe(NOW_MS / 1000);
    expect(Number.isInteger(claims.iat) && Number.isInteger(claims.exp)).toBe(true);
    expect(claims.exp - claims.iat).toBe(WEB_IDENTITY_TOKEN_LIFETIME_SECONDS);
  });

  it("takes the tags, transitive keys and source identity from the plan, not from the caller's raw subject", () => {
    const plan = planFor({ subject: 'alice@example.com/../globex', tenantId: 'acme', mfa: false });
    const claims = webIdentityClaims(
      {
        ...plan,
        tags: [
          { key: 'tenant', value: 'acme' },
          { key: 'team', value: 'blue' },
        ],
        transitiveTagKeys: ['tenant', 'team'],
      },
      SETTINGS,
      NOW_MS,
      JTI,
    );

    expect(claims['https://aws.amazon.com/tags']).toEqual({
      principal_tags: { tenant: ['acme'], team: ['blue'] },
      transitive_tag_keys: ['tenant', 'team'],
    });
    expect(claims['https://aws.amazon.com/source_identity']).toBe(plan.sourceIdentity);
    expect(plan.sourceIdentity).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(claims.sub).toBe(`acme:${plan.sourceIdentity}`);
    expect(claims.sub).not.toContain('/');
  });
});

describe('webIdentitySubject', () => {
  it('is <tenantId>:<sourceIdentity>, so a trust policy can pin a tenant with "<tenant>:*"', () => {
    expect(webIdentitySubject({ tenantId: 'globex', sourceIdentity: 'bob' })).toBe('globex:bob');
  });

  it('stays within STS limits for the longest tenant id and source identity', () => {
    const sub = webIdentitySubject({ tenantId: 'a'.repeat(48), sourceIdentity: 'b'.repeat(64) });
    expect(sub).toHaveLength(113);
    expect(sub.length).toBeLessThanOrEqual(255);
  });
});

describe('jwsSigningInput and compactJws', () => {
  const claims = webIdentityClaims(planFor(), SETTINGS, NOW_MS, JTI);

  it('encodes the header and the claims as unpadded base64url JSON', () => {
    const input = jwsSigningInput({ alg: 'ES256', kid: 'k-1', typ: 'JWT' }, claims);
    const [header, payload, ...rest] = input.split('.');

    expect(rest).toEqual([]);
    expect(input).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decode(header)).toStrictEqual({ alg: 'ES256', kid: 'k-1', typ: 'JWT' });
    expect(decode(payload)).toStrictEqual(claims);
  });

  it('appends the signature to the signing input', () => {
    const input = jwsSigningInput({ alg: 'RS256', kid: 'k-2', typ: 'JWT' }, claims);
    const signature = base64url(new Uint8Array([0xfb, 0xff, 0x00, 0x3e]));

    expect(signature).toBe('-_8APg');
    expect(compactJws(input, signature)).toBe(`${input}.-_8APg`);
  });

  it.each([
    ['an empty signature', ''],
    ['padded base64', 'AAEC=='],
    ['standard base64', 'ab+/'],
    ['a dot', 'a.b'],
  ])('refuses %s', (_, signature) => {
    expect(() => compactJws('a.b', signature)).toThrow('a JWS signature must be non-empty base64url');
  });

  it("keeps the largest possible signing input far below KMS's 4096-byte RAW limit", () => {
    // Every claim is bounded: issuer and audience by the config (255 each), tenant id 48, source identity 64.
    const worst: WebIdentityClaims = webIdentityClaims(
      {
        ...planFor(),
        tenantId: 'a'.repeat(48),
        sourceIdentity: 'b'.repeat(64),
        tags: [{ key: 'tenant', value: 'a'.repeat(48) }],
      },
      { issuer: `https://${'h'.repeat(MAX_ISSUER_LENGTH - 8)}`, audience: '~'.repeat(255) },
      Date.parse('2099-12-31T23:59:59Z'),
      JTI,
    );
    const input = jwsSigningInput({ alg: 'RS256', kid: `mrk-${'0'.repeat(32)}`, typ: 'JWT' }, worst);

    expect(Buffer.byteLength(input)).toBe(1409);
    expect(Buffer.byteLength(input)).toBeLessThan(KMS_RAW_MESSAGE_MAX_BYTES / 2);
  });
});
