/**
 * The revocation statement under the isolation suite: a revocation policy on the tenant access role denies exactly
 * the sessions of its tenant (and, for one user, of that source identity) issued before its time, and changes nothing
 * for every other session, in each fence set-up, on examples and on generated deployments, sessions and revocations.
 * `CREDVEND_REVOCATION_RUNS` sets the generated cases per set-up.
 */
import fc from 'fast-check';
import { buildSessionPolicy } from '../../lambda/core/session-policy';
import { type Revocation, revocationPolicy } from '../../lib/policies/revocation-policy';
import {
  ALLOW_EVERYTHING_POLICY,
  type Decision,
  evaluate,
  type PolicyDocument,
  tenantAccessRolePolicy,
} from '../support/iam-harness';
import { SET_UPS, type SetUp } from './isolation-checker';
import { expectedDecision, roleEntitlements, scopeEntitlements } from './oracle';
import { describeProbe, type Probe, probeRequest, probesAt } from './probes';
import { probeSite, rootOf, type Scenario, scenarioArbitrary, sessionScope } from './scenario';

const RUNS = Number(process.env.CREDVEND_REVOCATION_RUNS ?? 150);
const SEED = 20261201;
const PROBES_PER_CASE = 6;
/** When the evaluated session's token was issued. */
const ISSUED_AT = '2026-12-01T12:00:00Z';
const USERS = ['alice', 'bob'] as const;

/** The evaluated session: the scenario's caller, one of its users, issued at `ISSUED_AT`. */
interface Session {
  readonly scenario: Scenario;
  readonly sourceIdentity: string;
}

/** Whether the oracle (plain comparisons, no IAM) counts the session as revoked. */
function revoked(session: Session, revocations: readonly Revocation[]): boolean {
  return revocations.some(
    (r) =>
      r.tenantId === session.scenario.caller &&
      (r.sourceIdentity === undefined || r.sourceIdentity === session.sourceIdentity) &&
      Date.parse(ISSUED_AT) < Date.parse(r.before),
  );
}

/** The simulator's verdict and the oracle's on one probe, with the revocation policy on the role. */
async function verdicts(setUp: SetUp, session: Session, revocations: readonly Revocation[], probe: Probe) {
  const { scenario } = session;
  const scope = sessionScope(scenario);
  const withSession = setUp !== 'role policy alone';
  const withRole = setUp !== 'session policy alone';
  const role = withRole
    ? tenantAccessRolePolicy({ dataBuckets: scenario.dataBuckets, prefixTemplate: scenario.prefixTemplate })
    : ALLOW_EVERYTHING_POLICY;
  const revocation = revocationPolicy(revocations) as PolicyDocument | undefined;
  const request = probeRequest(probe);
  const actual = await evaluate({
    identityPolicies: revocation === undefined ? [role] : [role, revocation],
    ...(withSession ? { sessionPolicy: buildSessionPolicy(scope) } : {}),
    principalTags: { tenant: scenario.caller },
    ...request,
    context: {
      ...request.context,
      'aws:TokenIssueTime': ISSUED_AT,
      'aws:SourceIdentity': session.sourceIdentity,
    },
  });
  const fences = [
    ...(withSession ? [scopeEntitlements(scope)] : []),
    ...(withRole ? [roleEntitlements(scenario.dataBuckets, rootOf(scenario, scenario.caller))] : []),
  ];
  const expected: Decision = expectedDecision(
    fences,
    probe,
    revoked(session, revocations) || (withSession && scope.length === 0),
  );
  return { actual, expected };
}

/** A revocation time a few seconds around the session's issue time (equal to it included: not revoked). */
const beforeArbitrary = fc
  .integer({ min: -2, max: 2 })
  .map((seconds) => new Date(Date.parse(ISSUED_AT) + seconds * 1000).toISOString().replace('.000Z', 'Z'));

const caseArbitrary = scenarioArbitrary.chain((scenario) =>
  fc.record({
    session: fc.record({ scenario: fc.constant(scenario), sourceIdentity: fc.constantFrom(...USERS) }),
    revocations: fc.array(
      fc.record(
        {
          tenantId: fc.oneof(fc.constant(scenario.caller), fc.constantFrom(...scenario.tenantIds)),
          sourceIdentity: fc.constantFrom(...USERS),
          before: beforeArbitrary,
        },
        { requiredKeys: ['tenantId', 'before'] },
      ),
      { maxLength: 3 },
    ),
    probes: fc.shuffledSubarray(probesAt(probeSite(scenario)), {
      minLength: PROBES_PER_CASE,
      maxLength: PROBES_PER_CASE,
    }),
  }),
);

const ACME: Scenario = {
  prefixTemplate: 'tenants/{tenant}/',
  dataBuckets: ['credvend-data'],
  foreignBuckets: [],
  tenantIds: ['acme', 'globex'],
  caller: 'acme',
  grants: [{ bucket: 'credvend-data', prefix: 'tenants/acme/', access: ['read', 'list'] }],
};
const READ: Probe = {
  kind: 'object',
  action: 's3:GetObject',
  bucket: 'credvend-data',
  key: 'tenants/acme/a.txt',
};

describe('the revocation statement, by example', () => {
  describe.each(SET_UPS)('with the %s', (setUp) => {
    const decide = async (sourceIdentity: string, revocations: Revocation[]) =>
      (await verdicts(setUp, { scenario: ACME, sourceIdentity }, revocations, READ)).actual;

    it("denies the tenant's sessions issued before the time, explicitly", async () => {
      expect(await decide('alice', [{ tenantId: 'acme', before: '2026-12-01T12:00:01Z' }])).toBe(
        'ExplicitlyDenied',
      );
    });

    it('leaves sessions issued at or after the time, and other tenants, alone', async () => {
      expect(await decide('alice', [{ tenantId: 'acme', before: ISSUED_AT }])).toBe('Allowed');
      expect(await decide('alice', [{ tenantId: 'globex', before: '2026-12-01T13:00:00Z' }])).toBe('Allowed');
      expect(await decide('alice', [{ tenantId: 'acm', before: '2026-12-01T13:00:00Z' }])).toBe('Allowed');
    });

    it("denies one user's sessions and not another's", async () => {
      const alice = [{ tenantId: 'acme', sourceIdentity: 'alice', before: '2026-12-01T13:00:00Z' }];

      expect(await decide('alice', alice)).toBe('ExplicitlyDenied');
      expect(await decide('bob', alice)).toBe('Allowed');
    });
  });
});

describe('the revocation statement, on generated deployments, sessions and revocations', () => {
  it.each(SET_UPS)('agrees with the oracle with the %s', async (setUp) => {
    let revokedCases = 0;
    let liveCases = 0;
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async ({ session, revocations, probes }) => {
        if (revoked(session, revocations)) revokedCases += 1;
        else liveCases += 1;
        for (const probe of probes) {
          const { actual, expected } = await verdicts(setUp, session, revocations, probe);
          if (actual !== expected) {
            throw new Error(
              `${describeProbe(probe)} by ${session.scenario.caller}/${session.sourceIdentity}: ${actual}, ` +
                `expected ${expected}; revocations ${JSON.stringify(revocations)}`,
            );
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Both kinds of case were generated: the property could not pass on revoked (or live) sessions alone.
    expect(Math.min(revokedCases, liveCases)).toBeGreaterThan(RUNS / 10);
  });
});
