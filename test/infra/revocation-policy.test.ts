/** The revocation policy: one deny per entry, read back exactly, merged and pruned, refused with advice when full. */
import {
  MAX_ROLE_INLINE_POLICY_CHARS,
  parseRevocationPolicy,
  pruneRevocations,
  type Revocation,
  RevocationPolicyError,
  revocationPolicy,
  withRevocation,
} from '../../lib/policies/revocation-policy';

const HOUR = 3600;
const at = (iso: string) => Date.parse(iso);
const clock = { nowMs: at('2026-12-01T12:00:00Z'), maxSessionSeconds: HOUR, otherPolicyChars: 600 };

describe('revocationPolicy', () => {
  it('denies everything to the tenant, or to one user of it, for tokens issued before the time', () => {
    expect(
      revocationPolicy([
        { tenantId: 'acme', before: '2026-12-01T12:00:00Z' },
        { tenantId: 'globex', sourceIdentity: 'bob', before: '2026-12-01T11:30:00Z' },
      ]),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/tenant': 'acme' },
            DateLessThan: { 'aws:TokenIssueTime': '2026-12-01T12:00:00Z' },
          },
        },
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/tenant': 'globex', 'aws:SourceIdentity': 'bob' },
            DateLessThan: { 'aws:TokenIssueTime': '2026-12-01T11:30:00Z' },
          },
        },
      ],
    });
  });

  it('is no policy at all when nothing is revoked', () => {
    expect(revocationPolicy([])).toBeUndefined();
  });
});

describe('parseRevocationPolicy', () => {
  it('reads back exactly what revocationPolicy wrote, through a JSON round trip', () => {
    const revocations: Revocation[] = [
      { tenantId: 'acme', before: '2026-12-01T12:00:00Z' },
      { tenantId: 'acme', sourceIdentity: 'alice', before: '2026-12-01T12:30:00Z' },
    ];

    expect(parseRevocationPolicy(JSON.parse(JSON.stringify(revocationPolicy(revocations))))).toEqual(
      revocations,
    );
  });

  it.each([
    ['a statement added by hand', { Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }],
    [
      'a widened statement',
      {
        Statement: [
          {
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:PrincipalTag/tenant': 'acme' },
              DateLessThan: { 'aws:TokenIssueTime': '2026-12-01T12:00:00Z' },
              Bool: { 'aws:SecureTransport': 'true' },
            },
          },
        ],
      },
    ],
    ['no statements', {}],
  ])('refuses %s, saying how to recover', (_, document) => {
    expect(() => parseRevocationPolicy(document)).toThrow(RevocationPolicyError);
    expect(() => parseRevocationPolicy(document)).toThrow(/cannot be read back .* remove the statements/);
  });
});

describe('pruneRevocations', () => {
  it('drops entries once every session issued before them has expired anyway', () => {
    const kept = pruneRevocations(
      [
        { tenantId: 'acme', before: '2026-12-01T10:59:59Z' },
        { tenantId: 'globex', before: '2026-12-01T11:00:01Z' },
      ],
      clock,
    );

    expect(kept).toEqual([{ tenantId: 'globex', before: '2026-12-01T11:00:01Z' }]);
  });

  it("keeps the latest entry per tenant and user, and lets a tenant-wide entry cover its users' earlier ones", () => {
    const kept = pruneRevocations(
      [
        { tenantId: 'acme', sourceIdentity: 'alice', before: '2026-12-01T11:10:00Z' },
        { tenantId: 'acme', sourceIdentity: 'alice', before: '2026-12-01T11:20:00Z' },
        { tenantId: 'acme', before: '2026-12-01T11:30:00Z' },
        { tenantId: 'acme', sourceIdentity: 'bob', before: '2026-12-01T11:40:00Z' },
      ],
      clock,
    );

    expect(kept).toEqual([
      { tenantId: 'acme', before: '2026-12-01T11:30:00Z' },
      { tenantId: 'acme', sourceIdentity: 'bob', before: '2026-12-01T11:40:00Z' },
    ]);
  });
});

describe('withRevocation', () => {
  it('adds an entry, pruning the rest', () => {
    const next = withRevocation(
      [{ tenantId: 'old', before: '2026-12-01T09:00:00Z' }],
      { tenantId: 'acme', before: '2026-12-01T12:00:00Z' },
      clock,
    );

    expect(next).toEqual([{ tenantId: 'acme', before: '2026-12-01T12:00:00Z' }]);
  });

  it('refuses a time that is not whole seconds in UTC', () => {
    expect(() => withRevocation([], { tenantId: 'acme', before: '2026-12-01T12:00:00.500Z' }, clock)).toThrow(
      /whole seconds/,
    );
  });

  it("refuses an entry that would not fit beside the role's other policies, naming what to do and when", () => {
    const many: Revocation[] = Array.from({ length: 80 }, (_, i) => ({
      tenantId: 'acme',
      sourceIdentity: `user-${i}`,
      before: '2026-12-01T11:30:00Z',
    }));

    const attempt = () =>
      withRevocation(
        many,
        { tenantId: 'acme', sourceIdentity: 'one-more', before: '2026-12-01T12:00:00Z' },
        clock,
      );

    expect(attempt).toThrow(RevocationPolicyError);
    expect(attempt).toThrow(
      new RegExp(
        `over IAM's ${MAX_ROLE_INLINE_POLICY_CHARS} .*revoke the whole tenant .*2026-12-01T12:30:00.000Z`,
      ),
    );
  });
});
