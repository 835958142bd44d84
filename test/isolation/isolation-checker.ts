/**
 * The isolation checker: evaluates probes against the real policies with the IAM simulator, in one of three
 * set-ups, and compares every verdict with the oracle. The policy builders are parameters, so that the same
 * checker can be shown to catch a broken builder.
 */
import fc from 'fast-check';
import { PolicyTooLargeError } from '../../lambda/core/errors';
import type { Grant } from '../../lambda/core/model';
import { buildSessionPolicy } from '../../lambda/core/session-policy';
import {
  ALLOW_EVERYTHING_POLICY,
  type Decision,
  evaluate,
  type PolicyDocument,
  type TenantAccessRoleModel,
  tenantAccessRolePolicy,
} from '../support/iam-harness';
import { type Entitlement, expectedDecision, roleEntitlements, scopeEntitlements } from './oracle';
import { describeProbe, type Probe, probeRequest } from './probes';
import { rootOf, type Scenario, scenarioWithProbes, sessionScope } from './scenario';

/** Which fences are in play. */
export type SetUp = 'session policy and role policy' | 'session policy alone' | 'role policy alone';

export const SET_UPS: readonly SetUp[] = [
  'session policy and role policy',
  'session policy alone',
  'role policy alone',
];

/** Builds the session policy JSON for a scope; `undefined` means "no session policy". */
export type SessionPolicyBuilder = (scope: readonly Grant[]) => string | undefined;
/** Builds the tenant access role's policy. */
export type RolePolicyBuilder = (model: TenantAccessRoleModel) => PolicyDocument;

/** The two fences' builders. */
export interface Fences {
  readonly sessionPolicy: SessionPolicyBuilder;
  readonly rolePolicy: RolePolicyBuilder;
}

/** The fences as credvend deploys them. */
export const DEPLOYED_FENCES: Fences = {
  sessionPolicy: (scope) => buildSessionPolicy(scope),
  rolePolicy: tenantAccessRolePolicy,
};

/** A verdict of the simulator that the oracle disagrees with. */
export interface Violation {
  readonly probe: Probe;
  readonly expected: Decision;
  readonly actual: Decision;
}

/** Thrown by the property when a scenario's verdicts disagree with the oracle. */
export class IsolationViolationError extends Error {
  constructor(
    readonly setUp: SetUp,
    readonly violations: readonly Violation[],
    sessionPolicy: string | undefined,
  ) {
    const lines = violations
      .slice(0, 10)
      .map((v) => `  ${describeProbe(v.probe)}: ${v.actual}, expected ${v.expected}`);
    super(
      `${violations.length} verdict(s) disagree with the oracle (${setUp}):\n${lines.join('\n')}\n` +
        `  session policy: ${sessionPolicy ?? '(none)'}`,
    );
    this.name = 'IsolationViolationError';
  }
}

/** What a set-up evaluates for a scenario: the policies in play and the oracle's view of them. */
interface Arrangement {
  readonly identityPolicies: readonly PolicyDocument[];
  readonly sessionPolicy: string | undefined;
  readonly oracleFences: readonly (readonly Entitlement[])[];
  readonly explicitDenyAll: boolean;
}

function arrange(setUp: SetUp, fences: Fences, scenario: Scenario): Arrangement {
  const scope = sessionScope(scenario);
  const withSession = setUp !== 'role policy alone';
  const withRole = setUp !== 'session policy alone';
  const role = fences.rolePolicy({
    dataBuckets: scenario.dataBuckets,
    prefixTemplate: scenario.prefixTemplate,
  });
  return {
    identityPolicies: [withRole ? role : ALLOW_EVERYTHING_POLICY],
    sessionPolicy: withSession ? fences.sessionPolicy(scope) : undefined,
    oracleFences: [
      ...(withSession ? [scopeEntitlements(scope)] : []),
      ...(withRole ? [roleEntitlements(scenario.dataBuckets, rootOf(scenario, scenario.caller))] : []),
    ],
    explicitDenyAll: withSession && scope.length === 0,
  };
}

/** Tallies of what a checker evaluated. */
export interface CheckStats {
  cases: number;
  probes: number;
  expectedAllowed: number;
  expectedDenied: number;
}

export const emptyStats = (): CheckStats => ({ cases: 0, probes: 0, expectedAllowed: 0, expectedDenied: 0 });

async function evaluateArranged(
  arrangement: Arrangement,
  scenario: Scenario,
  probe: Probe,
): Promise<Decision> {
  return evaluate({
    identityPolicies: arrangement.identityPolicies,
    ...(arrangement.sessionPolicy === undefined ? {} : { sessionPolicy: arrangement.sessionPolicy }),
    principalTags: { tenant: scenario.caller },
    ...probeRequest(probe),
  });
}

/** The simulator's verdict on one probe by the caller's session, in `setUp`. */
export function evaluateProbe(
  setUp: SetUp,
  fences: Fences,
  scenario: Scenario,
  probe: Probe,
): Promise<Decision> {
  return evaluateArranged(arrange(setUp, fences, scenario), scenario, probe);
}

/** A verdict that allows what the oracle denies: access beyond the granted scope. */
export const isBreach = (v: Violation): boolean => v.actual === 'Allowed' && v.expected !== 'Allowed';

/** How `checkScenario` tallies and judges. */
export interface ScenarioCheckOptions {
  readonly stats?: CheckStats;
  /** Count only breaches as violations, not refusals of what is granted nor the wrong kind of denial. */
  readonly breachesOnly?: boolean;
}

/** Evaluates `probes` for `scenario` in `setUp`; throws `IsolationViolationError` listing every disagreement. */
export async function checkScenario(
  setUp: SetUp,
  fences: Fences,
  scenario: Scenario,
  probes: readonly Probe[],
  options: ScenarioCheckOptions = {},
): Promise<void> {
  const stats = options.stats ?? emptyStats();
  const arrangement = arrange(setUp, fences, scenario);
  const violations: Violation[] = [];
  for (const probe of probes) {
    const expected = expectedDecision(arrangement.oracleFences, probe, arrangement.explicitDenyAll);
    const actual = await evaluateArranged(arrangement, scenario, probe);
    if (expected === 'Allowed') stats.expectedAllowed += 1;
    else stats.expectedDenied += 1;
    const violation = { probe, expected, actual };
    if (actual !== expected && (!options.breachesOnly || isBreach(violation))) violations.push(violation);
  }
  stats.cases += 1;
  stats.probes += probes.length;
  if (violations.length > 0) {
    throw new IsolationViolationError(setUp, violations, arrangement.sessionPolicy);
  }
}

/** Whether `outer` holds all of `inner`: the same bucket, a prefix of its prefix, and every one of its levels. */
function contains(outer: Grant, inner: Grant): boolean {
  return (
    outer.bucket === inner.bucket &&
    inner.prefix.startsWith(outer.prefix) &&
    inner.access.every((level) => outer.access.includes(level))
  );
}

/** How a property run is configured. */
export interface CheckOptions extends ScenarioCheckOptions {
  readonly numRuns: number;
  readonly seed: number;
  readonly probesPerCase: number;
  /** fast-check's replay path of a reported counterexample. */
  readonly path?: string;
  /** Stop at the first counterexample instead of shrinking it. */
  readonly endOnFailure?: boolean;
}

/**
 * Runs the isolation property: for generated scenarios, the session scope lies within the caller's grants and a
 * sample of each one's probes agrees with the oracle.
 * Resolves with fast-check's run details (failed or not); `reportFailure` turns a failure into a readable error.
 */
export function checkIsolation(
  setUp: SetUp,
  fences: Fences,
  options: CheckOptions,
): Promise<fc.RunDetails<[{ scenario: Scenario; probes: Probe[] }]>> {
  const stats = options.stats ?? emptyStats();
  const property = fc.asyncProperty(
    scenarioWithProbes(options.probesPerCase),
    async ({ scenario, probes }) => {
      const scope = sessionScope(scenario);
      const widened = scope.find((grant) => !scenario.grants.some((held) => contains(held, grant)));
      if (widened !== undefined)
        throw new Error(`The session scope widens a grant: ${JSON.stringify(widened)}`);
      try {
        fences.sessionPolicy(scope);
      } catch (error) {
        // A scope too large for STS is refused before any session exists: nothing to isolate.
        fc.pre(!(error instanceof PolicyTooLargeError));
        throw error;
      }
      await checkScenario(setUp, fences, scenario, probes, { ...options, stats });
    },
  );
  return fc.check(property, {
    numRuns: options.numRuns,
    seed: options.seed,
    ...(options.path === undefined ? {} : { path: options.path }),
    endOnFailure: options.endOnFailure ?? false,
  });
}

/** Throws fast-check's report (seed, path, counterexample), the disagreements, and how to replay, if the run failed. */
export async function reportFailure<Ts>(details: fc.RunDetails<Ts>): Promise<void> {
  if (!details.failed) return;
  const report = (await fc.asyncDefaultReportMessage(details)) ?? 'The property failed.';
  const error = details.errorInstance;
  const cause = error instanceof Error ? error.message : String(error);
  const only = error instanceof IsolationViolationError ? ` -t '${error.setUp}'` : '';
  throw new Error(
    `${report}\n\n${cause}\n\nReplay: CREDVEND_PROPERTY_SEED=${details.seed} ` +
      `CREDVEND_PROPERTY_PATH=${details.counterexamplePath} npx jest test/isolation${only}`,
  );
}
