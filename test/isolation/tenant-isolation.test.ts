/**
 * Tenant isolation, proven by evaluating the real policies with an IAM policy simulator: the session policy and the
 * tenant access role's policy together, each alone, on examples and on generated tenants, grants and scopes.
 * A longer property run: `CREDVEND_PROPERTY_RUNS=20000 npx jest test/isolation` (about 10 minutes on 2 cores);
 * another seed: `CREDVEND_PROPERTY_SEED=<n>`; a failure prints the seed and path that replay it.
 */
import { OBJECT_ACTIONS } from '../../lambda/core/session-policy';
import {
  ALLOW_EVERYTHING_POLICY,
  type Decision,
  evaluate,
  tenantAccessRolePolicy,
} from '../support/iam-harness';
import {
  droppingTrailingSlash,
  grantingEveryLevel,
  leavingTextUnescaped,
  omittingEmptyPolicy,
  roleWithoutTrailingSlash,
} from './broken-fences';
import {
  type CheckStats,
  checkIsolation,
  checkScenario,
  DEPLOYED_FENCES,
  emptyStats,
  evaluateProbe,
  type Fences,
  IsolationViolationError,
  reportFailure,
  SET_UPS,
  type SetUp,
} from './isolation-checker';
import { LEVEL_ACTIONS } from './oracle';
import { describeProbe, NON_S3_PROBES, type Probe, probeRequest, probesAt } from './probes';
import { probeSite, type Scenario } from './scenario';

const DATA = 'credvend-data';
const ARCHIVE = 'credvend-archive';
const TEMPLATE = 'tenants/{tenant}/';

function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number; got ${raw}`);
  return Number(raw);
}

/** Property runs per set-up; each run is one generated case (a deployment, its tenants, a request, probes). */
const RUNS = envInteger('CREDVEND_PROPERTY_RUNS', 1000);
const SEED = envInteger('CREDVEND_PROPERTY_SEED', 20260611);
const PATH = process.env.CREDVEND_PROPERTY_PATH;
/** Probes evaluated per generated case, sampled from its full probe set. */
const PROBES_PER_CASE = envInteger('CREDVEND_PROPERTY_PROBES', 12);

const acme: Scenario = {
  prefixTemplate: TEMPLATE,
  dataBuckets: [DATA, ARCHIVE],
  foreignBuckets: ['credvend-data-2'],
  tenantIds: ['acme', 'acme-eu', 'globex', 'a'],
  caller: 'acme',
  grants: [{ bucket: DATA, prefix: 'tenants/acme/reports/', access: ['read'] }],
};

const globex: Scenario = {
  ...acme,
  tenantIds: ['acme', 'globex', 'globex2'],
  caller: 'globex',
  grants: [{ bucket: DATA, prefix: 'tenants/globex/', access: ['read', 'write', 'list'] }],
};

const globexInbox: Scenario = {
  ...globex,
  request: [{ prefix: 'tenants/globex/inbox/', access: ['write'] }],
};

const tenantA: Scenario = {
  ...acme,
  tenantIds: ['a', 'ab', 'a-b', 'a1'],
  caller: 'a',
  grants: [
    { bucket: DATA, prefix: 'tenants/a/', access: ['read', 'write', 'delete', 'list'] },
    { bucket: ARCHIVE, prefix: 'tenants/a/', access: ['read', 'list'] },
  ],
};

const tenantAb: Scenario = {
  ...acme,
  tenantIds: ['a', 'ab'],
  caller: 'ab',
  grants: [{ bucket: DATA, prefix: 'tenants/ab/', access: ['read', 'list'] }],
};

const acmeTwoBuckets: Scenario = {
  ...acme,
  grants: [
    { bucket: DATA, prefix: 'tenants/acme/reports/', access: ['read', 'list'] },
    { bucket: ARCHIVE, prefix: 'tenants/acme/', access: ['read', 'write', 'delete'] },
  ],
  request: [
    { bucket: DATA, prefix: 'tenants/acme/reports/2026/', access: ['list'] },
    { bucket: ARCHIVE, prefix: 'tenants/acme/backups/', access: ['write'] },
  ],
};

/** A request whose prefix carries policy metacharacters (request parsing refuses them; the builder must escape them). */
const acmeMetacharacters: Scenario = {
  ...acme,
  grants: [{ bucket: DATA, prefix: 'tenants/acme/', access: ['read', 'list'] }],
  request: [{ prefix: 'tenants/acme/x*?${aws:PrincipalTag/tenant}/' }],
};

const initech: Scenario = { ...acme, tenantIds: ['acme', 'initech'], caller: 'initech', grants: [] };

const EXAMPLES: [string, Scenario][] = [
  ['acme, granted read on tenants/acme/reports/', acme],
  ['globex, granted read, write and list on its whole prefix', globex],
  ['globex, asking for write on tenants/globex/inbox/ only', globexInbox],
  ['tenant a, beside tenants ab, a-b and a1', tenantA],
  ['tenant ab, beside tenant a', tenantAb],
  ['acme, with grants in two buckets, asking for part of each', acmeTwoBuckets],
  ['acme, asking for a prefix full of policy metacharacters', acmeMetacharacters],
];

const BOTH_FENCES: SetUp = 'session policy and role policy';
const SESSION_ALONE: SetUp = 'session policy alone';
const ROLE_ALONE: SetUp = 'role policy alone';

const object = (action: string, bucket: string, key: string): Probe => ({
  kind: 'object',
  action,
  bucket,
  key,
});
const listing = (bucket: string, prefix?: string): Probe => ({
  kind: 'list',
  action: 's3:ListBucket',
  bucket,
  ...(prefix === undefined ? {} : { prefix }),
});

/** The simulator's verdict on `probe` by the caller's session in each set-up, with the deployed fences. */
async function verdicts(scenario: Scenario, probe: Probe): Promise<Record<SetUp, Decision>> {
  const decisions = await Promise.all(
    SET_UPS.map((setUp) => evaluateProbe(setUp, DEPLOYED_FENCES, scenario, probe)),
  );
  return Object.fromEntries(SET_UPS.map((setUp, i) => [setUp, decisions[i]])) as Record<SetUp, Decision>;
}

const inEverySetUp = (decision: Decision): Record<SetUp, Decision> =>
  Object.fromEntries(SET_UPS.map((setUp) => [setUp, decision])) as Record<SetUp, Decision>;

describe('the test-side model of the tenant access role', () => {
  it('allows every object action under the tenant prefix of each data bucket, and listing below that prefix', () => {
    expect(tenantAccessRolePolicy({ dataBuckets: [DATA, ARCHIVE], prefixTemplate: TEMPLATE })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TenantObjects',
          Effect: 'Allow',
          Action: [
            's3:GetObject',
            's3:GetObjectVersion',
            's3:GetObjectAttributes',
            's3:PutObject',
            's3:AbortMultipartUpload',
            's3:ListMultipartUploadParts',
            's3:DeleteObject',
            's3:DeleteObjectVersion',
          ],
          Resource: [
            'arn:aws:s3:::credvend-data/tenants/${aws:PrincipalTag/tenant}/*',
            'arn:aws:s3:::credvend-archive/tenants/${aws:PrincipalTag/tenant}/*',
          ],
        },
        {
          Sid: 'TenantListing',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: ['arn:aws:s3:::credvend-data', 'arn:aws:s3:::credvend-archive'],
          Condition: { StringLike: { 's3:prefix': ['tenants/${aws:PrincipalTag/tenant}/*'] } },
        },
      ],
    });
  });
});

describe('the isolation oracle', () => {
  it('knows the same actions for each access level as the session policy builder (a new action is a decision)', () => {
    expect(LEVEL_ACTIONS).toEqual(OBJECT_ACTIONS);
  });
});

describe('the IAM policy simulator', () => {
  it('allows every probe to a session with no fence at all, so that each denial below is a fence at work', async () => {
    for (const scenario of [acme, tenantA]) {
      const refused: string[] = [];
      for (const probe of probesAt(probeSite(scenario))) {
        const decision = await evaluate({
          identityPolicies: [ALLOW_EVERYTHING_POLICY],
          principalTags: { tenant: scenario.caller },
          ...probeRequest(probe),
        });
        if (decision !== 'Allowed') refused.push(describeProbe(probe));
      }
      expect(refused).toEqual([]);
    }
  });
});

describe('tenant isolation, by example', () => {
  it('lets acme read its reports in every set-up', async () => {
    expect(await verdicts(acme, object('s3:GetObject', DATA, 'tenants/acme/reports/q1.csv'))).toEqual(
      inEverySetUp('Allowed'),
    );
  });

  it("keeps acme's session out of the rest of its own prefix, which the role alone would allow", async () => {
    expect(await verdicts(acme, object('s3:GetObject', DATA, 'tenants/acme/other.csv'))).toEqual({
      [BOTH_FENCES]: 'ImplicitlyDenied',
      [SESSION_ALONE]: 'ImplicitlyDenied',
      [ROLE_ALONE]: 'Allowed',
    });
  });

  it("keeps acme's session from writing what it may only read", async () => {
    expect(await verdicts(acme, object('s3:PutObject', DATA, 'tenants/acme/reports/q1.csv'))).toEqual({
      [BOTH_FENCES]: 'ImplicitlyDenied',
      [SESSION_ALONE]: 'ImplicitlyDenied',
      [ROLE_ALONE]: 'Allowed',
    });
  });

  it('keeps tenant a out of tenant ab, whose prefix starts with the same characters, in every set-up', async () => {
    for (const probe of [
      object('s3:GetObject', DATA, 'tenants/ab/f.txt'),
      object('s3:PutObject', ARCHIVE, 'tenants/ab/f.txt'),
      object('s3:GetObject', DATA, 'tenants/a'),
      listing(DATA, 'tenants/ab/'),
      listing(DATA, 'tenants/ab'),
      listing(DATA, 'tenants/a'),
    ]) {
      expect(await verdicts(tenantA, probe)).toEqual(inEverySetUp('ImplicitlyDenied'));
    }
  });

  it('keeps tenant ab out of tenant a in every set-up', async () => {
    for (const probe of [object('s3:GetObject', DATA, 'tenants/a/f.txt'), listing(DATA, 'tenants/a/')]) {
      expect(await verdicts(tenantAb, probe)).toEqual(inEverySetUp('ImplicitlyDenied'));
    }
  });

  it('lets tenant a list "tenants/a/../ab/": S3 keys are literal, so that prefix lies inside its own', async () => {
    expect(await verdicts(tenantA, listing(DATA, 'tenants/a/../ab/'))).toEqual(inEverySetUp('Allowed'));
    expect(await verdicts(tenantAb, listing(DATA, 'tenants/a/../ab/'))).toEqual(
      inEverySetUp('ImplicitlyDenied'),
    );
  });

  it("matches a requested prefix's *, ? and ${...} only literally, with the session policy", async () => {
    const literal = 'tenants/acme/x*?${aws:PrincipalTag/tenant}/';
    expect(await verdicts(acmeMetacharacters, listing(DATA, `${literal}2026/`))).toEqual(
      inEverySetUp('Allowed'),
    );
    // Each probe differs from the literal prefix where one metacharacter would match something else.
    for (const probe of [
      object('s3:GetObject', DATA, 'tenants/acme/xZZ?${aws:PrincipalTag/tenant}/f.txt'),
      listing(DATA, 'tenants/acme/x*Q${aws:PrincipalTag/tenant}/'),
      listing(DATA, 'tenants/acme/x*?acme/'),
      object('s3:GetObject', DATA, 'tenants/acme/xyzqacme/f.txt'),
    ]) {
      expect(await verdicts(acmeMetacharacters, probe)).toEqual({
        [BOTH_FENCES]: 'ImplicitlyDenied',
        [SESSION_ALONE]: 'ImplicitlyDenied',
        [ROLE_ALONE]: 'Allowed',
      });
    }
  });

  it('refuses listing with no s3:prefix, an empty one, or "tenants/", in every set-up', async () => {
    for (const prefix of [undefined, '', 'tenants/']) {
      expect(await verdicts(globex, listing(DATA, prefix))).toEqual(inEverySetUp('ImplicitlyDenied'));
    }
  });

  it('refuses bucket administration and non-S3 actions in every set-up', async () => {
    for (const probe of [
      { kind: 'bucket', action: 's3:PutBucketPolicy', bucket: DATA } as const,
      { kind: 'bucket', action: 's3:DeleteBucket', bucket: DATA } as const,
      object('s3:PutObjectAcl', DATA, 'tenants/globex/f.txt'),
      ...NON_S3_PROBES,
    ]) {
      expect(await verdicts(globex, probe)).toEqual(inEverySetUp('ImplicitlyDenied'));
    }
  });

  it('denies a tenant with no grants everything, explicitly, even what the role alone allows', async () => {
    for (const probe of probesAt(probeSite(initech))) {
      expect(await evaluateProbe(BOTH_FENCES, DEPLOYED_FENCES, initech, probe)).toBe('ExplicitlyDenied');
      expect(await evaluateProbe(SESSION_ALONE, DEPLOYED_FENCES, initech, probe)).toBe('ExplicitlyDenied');
    }
    const ownObject = object('s3:GetObject', DATA, 'tenants/initech/f.txt');
    expect(await evaluateProbe(ROLE_ALONE, DEPLOYED_FENCES, initech, ownObject)).toBe('Allowed');
  });

  it('lets the role alone allow nothing to a session without the tenant tag', async () => {
    const role = tenantAccessRolePolicy({ dataBuckets: [DATA], prefixTemplate: TEMPLATE });
    for (const key of ['tenants/acme/f.txt', 'tenants//f.txt', 'tenants/f.txt']) {
      const resource = `arn:aws:s3:::${DATA}/${key}`;
      expect(
        await evaluate({ identityPolicies: [role], principalTags: {}, action: 's3:GetObject', resource }),
      ).toBe('ImplicitlyDenied');
    }
  });

  describe.each(SET_UPS)('with the %s', (setUp) => {
    it.each(EXAMPLES)('agrees with the oracle on every probe for %s', async (_name, scenario) => {
      const stats = emptyStats();
      await checkScenario(setUp, DEPLOYED_FENCES, scenario, probesAt(probeSite(scenario)), { stats });
      expect(stats.expectedAllowed).toBeGreaterThan(0);
    });
  });
});

describe('tenant isolation, on generated tenants, grants and scopes', () => {
  const stats = new Map<SetUp, CheckStats>(SET_UPS.map((setUp) => [setUp, emptyStats()]));
  const timeout = Math.max(60_000, RUNS * PROBES_PER_CASE * 3);

  afterAll(() => {
    const lines = SET_UPS.map((setUp) => {
      const s = stats.get(setUp) ?? emptyStats();
      return `  ${setUp}: ${s.cases} cases, ${s.probes} probes (${s.expectedAllowed} allowed, ${s.expectedDenied} denied)`;
    });
    process.stdout.write(
      `tenant isolation property, seed ${SEED}, ${PROBES_PER_CASE} probes a case:\n${lines.join('\n')}\n`,
    );
  });

  const GRANTED: [SetUp, string][] = [
    [BOTH_FENCES, 'the requested scope'],
    [SESSION_ALONE, 'the requested scope'],
    [ROLE_ALONE, "the tenant's root prefix in the data buckets"],
  ];

  it.each(GRANTED)(
    'the %s allows exactly %s, and nothing else',
    async (setUp) => {
      const tally = stats.get(setUp) ?? emptyStats();
      const details = await checkIsolation(setUp, DEPLOYED_FENCES, {
        numRuns: RUNS,
        seed: SEED,
        probesPerCase: PROBES_PER_CASE,
        ...(PATH === undefined ? {} : { path: PATH }),
        stats: tally,
      });
      await reportFailure(details);
      expect(tally.cases).toBeGreaterThanOrEqual(RUNS);
      // The sample must exercise both outcomes, or agreeing with the oracle would prove little.
      expect(tally.expectedAllowed).toBeGreaterThan(tally.probes / 50);
      expect(tally.expectedDenied).toBeGreaterThan(tally.probes / 2);
    },
    timeout,
  );
});

describe('the isolation checker', () => {
  const BROKEN: [string, SetUp, Partial<Fences>][] = [
    ['drops the trailing "/" of prefixes', SESSION_ALONE, { sessionPolicy: droppingTrailingSlash }],
    ['drops the trailing "/" of prefixes', BOTH_FENCES, { sessionPolicy: droppingTrailingSlash }],
    ["leaves the caller's text unescaped", SESSION_ALONE, { sessionPolicy: leavingTextUnescaped }],
    ["leaves the caller's text unescaped", BOTH_FENCES, { sessionPolicy: leavingTextUnescaped }],
    ['grants every access level', SESSION_ALONE, { sessionPolicy: grantingEveryLevel }],
    [
      'sends no session policy when nothing is granted',
      SESSION_ALONE,
      { sessionPolicy: omittingEmptyPolicy },
    ],
    ['sends no session policy when nothing is granted', BOTH_FENCES, { sessionPolicy: omittingEmptyPolicy }],
    ['has a role prefix without the trailing "/"', ROLE_ALONE, { rolePolicy: roleWithoutTrailingSlash }],
  ];

  it.each(BROKEN)('catches a builder that %s, with the %s', async (_name, setUp, broken) => {
    const details = await checkIsolation(
      setUp,
      { ...DEPLOYED_FENCES, ...broken },
      {
        // Each is caught within ~150 cases (measured over 40 seeds); a small CREDVEND_PROPERTY_RUNS must not hide it.
        numRuns: Math.max(RUNS, 1000),
        seed: SEED,
        probesPerCase: PROBES_PER_CASE,
        // Access beyond the scope, not merely too little of it: a breach of isolation.
        breachesOnly: true,
        endOnFailure: true,
      },
    );
    expect(details.failed).toBe(true);
    expect(details.errorInstance).toBeInstanceOf(IsolationViolationError);
    expect(String(details.errorInstance)).toMatch(/: Allowed, expected (Implicitly|Explicitly)Denied/);
  });
});
