/**
 * The S3 endpoint against the isolation oracle and the IAM simulator: for generated deployments, tenants, grants and
 * scopes, a session minted through the STS front with the deployed session policy sends the isolation suite's probes
 * as real S3 requests, and every answer (allowed, or 403 AccessDenied) is the oracle's verdict and the simulator's.
 * A longer run: `CREDVEND_S3_DIFF_RUNS=500 npx jest test/sandbox/s3-differential`; another seed:
 * `CREDVEND_S3_DIFF_SEED=<n>`; a failure prints the seed and the path (`CREDVEND_S3_DIFF_PATH`) that replay it.
 */
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { PolicyTooLargeError } from '../../lambda/core/errors';
import { buildSessionPolicy } from '../../lambda/core/session-policy';
import { type PolicyJson, tenantAccessPolicy } from '../../lib/policies/tenant-access-policy';
import { EmulatedAccount } from '../../sandbox/account/account';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_TENANT_ROLE_ARN,
  TENANT_DATA_POLICY_NAME,
  tenantAccessRole,
  vendFunctionCredentials,
} from '../../sandbox/account/local-account';
import { createObjectStore, type ObjectStore } from '../../sandbox/s3/object-store';
import { startS3Emulator } from '../../sandbox/s3/server';
import { startStsEmulator } from '../../sandbox/sts-emulator';
import { type CheckStats, DEPLOYED_FENCES, emptyStats, evaluateProbe } from '../isolation/isolation-checker';
import { expectedDecision, roleEntitlements, scopeEntitlements } from '../isolation/oracle';
import {
  BUCKET_PROBE_ACTIONS,
  describeProbe,
  LIST_PROBE_ACTIONS,
  NON_S3_PROBES,
  OBJECT_PROBE_ACTIONS,
  type Probe,
} from '../isolation/probes';
import { rootOf, type Scenario, scenarioWithProbes, sessionScope } from '../isolation/scenario';
import { ALLOW_EVERYTHING_POLICY, type Decision } from '../support/iam-harness';
import { registerSecret } from '../support/leak-scan';
import { askEndpoint, type EndpointAnswer, NOT_IMPLEMENTED, SENT_ACTIONS } from './s3/probe-requests';

function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number; got ${raw}`);
  return Number(raw);
}

/** Generated cases; each is a deployment, its tenants, a session and its probes sent as S3 requests. */
const RUNS = envInteger('CREDVEND_S3_DIFF_RUNS', 50);
const SEED = envInteger('CREDVEND_S3_DIFF_SEED', 20260612);
/** fast-check's replay path of a reported counterexample. */
const PATH = process.env.CREDVEND_S3_DIFF_PATH;
const PROBES_PER_CASE = 24;
const BOTH_FENCES = 'session policy and role policy';
const REGION = 'eu-west-1';

/** One scenario deployed in an emulated account of its own, with a session of its caller. */
interface Deployment {
  readonly s3: S3Client;
  readonly store: ObjectStore;
  /** Failures of the emulators themselves (a 500 to the client); none is expected. */
  readonly internalErrors: unknown[];
  close(): Promise<void>;
}

/** What the deployment runs with: the session policy passed to AssumeRole, the tenant access role's policy. */
interface DeployedPolicies {
  readonly sessionPolicy: string;
  readonly rolePolicy?: PolicyJson;
}

/**
 * Deploys `scenario`: the tenant access role as the stack deploys it (its trust, and `tenantAccessPolicy` over the
 * scenario's data buckets and prefix template), a store holding the data buckets and the foreign ones (a foreign
 * bucket answers AccessDenied, not NoSuchBucket), the STS and S3 fronts on free ports; then the caller's session is
 * assumed as the vend function assumes it: the session policy, the `tenant` tag and a source identity.
 */
async function deploy(scenario: Scenario, policies: DeployedPolicies): Promise<Deployment> {
  const functionCredentials = vendFunctionCredentials();
  registerSecret(functionCredentials.secretAccessKey);
  const rolePolicy =
    policies.rolePolicy ??
    tenantAccessPolicy({
      bucketArns: scenario.dataBuckets.map((bucket) => `arn:aws:s3:::${bucket}`),
      prefixTemplate: scenario.prefixTemplate,
    });
  const account = new EmulatedAccount({
    accountId: LOCAL_ACCOUNT_ID,
    baseCredentials: [functionCredentials],
    roles: [
      { ...tenantAccessRole(scenario.dataBuckets), policies: { [TENANT_DATA_POLICY_NAME]: rolePolicy } },
    ],
    onSessionMinted: (minted) => {
      registerSecret(minted.secretAccessKey);
      registerSecret(minted.sessionToken);
    },
  });
  const internalErrors: unknown[] = [];
  const onInternalError = (error: unknown) => internalErrors.push(error);
  const store = createObjectStore({
    buckets: [...scenario.dataBuckets, ...scenario.foreignBuckets],
    region: REGION,
  });
  const sts = await startStsEmulator({ account, onInternalError });
  const s3Emulator = await startS3Emulator({ account, store, onInternalError });
  const stsClient = new STSClient({
    region: REGION,
    endpoint: sts.url,
    credentials: functionCredentials,
    maxAttempts: 1,
  });
  const close = async () => {
    stsClient.destroy();
    await Promise.all([sts.close(), s3Emulator.close()]);
  };
  try {
    const { Credentials } = await stsClient.send(
      new AssumeRoleCommand({
        RoleArn: LOCAL_TENANT_ROLE_ARN,
        RoleSessionName: `${scenario.caller}.diff`,
        SourceIdentity: `${scenario.caller}-user`,
        Tags: [{ Key: 'tenant', Value: scenario.caller }],
        Policy: policies.sessionPolicy,
      }),
    );
    const s3 = new S3Client({
      region: REGION,
      endpoint: s3Emulator.url,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });
    return {
      s3,
      store,
      internalErrors,
      close: async () => {
        s3.destroy();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The three verdicts on one probe, where they disagree. */
interface Disagreement {
  readonly probe: Probe;
  readonly endpoint: EndpointAnswer;
  readonly oracle: Decision;
  readonly simulator: Decision;
}

const allowed = (decision: Decision | EndpointAnswer): boolean => decision === 'Allowed';

/**
 * Sends each probe to the endpoint and compares its answer with the oracle (over the session scope's and the role's
 * entitlements) and with the simulator's verdict on the deployed policies. Probes the endpoint cannot be asked about
 * are counted as skipped.
 */
async function compare(
  deployment: Deployment,
  scenario: Scenario,
  probes: readonly Probe[],
  stats: CheckStats & { skipped: number },
): Promise<Disagreement[]> {
  const scope = sessionScope(scenario);
  const fences = [
    scopeEntitlements(scope),
    roleEntitlements(scenario.dataBuckets, rootOf(scenario, scenario.caller)),
  ];
  const disagreements: Disagreement[] = [];
  for (const probe of probes) {
    const endpoint = await askEndpoint(deployment, probe);
    if (endpoint === undefined) {
      stats.skipped += 1;
      continue;
    }
    const oracle = expectedDecision(fences, probe, scope.length === 0);
    const simulator = await evaluateProbe(BOTH_FENCES, DEPLOYED_FENCES, scenario, probe);
    stats.probes += 1;
    if (allowed(oracle)) stats.expectedAllowed += 1;
    else stats.expectedDenied += 1;
    if (allowed(endpoint) !== allowed(oracle) || allowed(endpoint) !== allowed(simulator)) {
      disagreements.push({ probe, endpoint, oracle, simulator });
    }
  }
  stats.cases += 1;
  return disagreements;
}

function report(disagreements: readonly Disagreement[], sessionPolicy: string): string {
  const lines = disagreements
    .slice(0, 10)
    .map(
      (d) =>
        `  ${describeProbe(d.probe)}: endpoint ${d.endpoint}, oracle ${d.oracle}, simulator ${d.simulator}`,
    );
  return `${disagreements.length} answer(s) of the S3 endpoint disagree:\n${lines.join('\n')}\n  session policy: ${sessionPolicy}`;
}

const DATA = 'credvend-data';
const acme: Scenario = {
  prefixTemplate: 'tenants/{tenant}/',
  dataBuckets: [DATA],
  foreignBuckets: ['credvend-archive'],
  tenantIds: ['acme', 'globex'],
  caller: 'acme',
  grants: [{ bucket: DATA, prefix: 'tenants/acme/reports/', access: ['read', 'list'] }],
};
const getObject = (key: string): Probe => ({ kind: 'object', action: 's3:GetObject', bucket: DATA, key });

describe('the S3 endpoint, against the isolation oracle and the IAM simulator', () => {
  const stats = { ...emptyStats(), skipped: 0 };

  afterAll(() => {
    process.stdout.write(
      `S3 differential, seed ${SEED}: ${stats.cases} cases, ${stats.probes} probes sent ` +
        `(${stats.expectedAllowed} expected allowed, ${stats.expectedDenied} denied), ${stats.skipped} skipped\n`,
    );
  });

  it(
    'answers every generated probe as the oracle and the simulator decide, allowed or 403 AccessDenied',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioWithProbes(PROBES_PER_CASE), async ({ scenario, probes }) => {
          let sessionPolicy: string;
          try {
            sessionPolicy = buildSessionPolicy(sessionScope(scenario));
          } catch (error) {
            // A scope too large for STS is refused before any session exists: nothing to send.
            fc.pre(!(error instanceof PolicyTooLargeError));
            throw error;
          }
          const deployment = await deploy(scenario, { sessionPolicy });
          try {
            const disagreements = await compare(deployment, scenario, probes, stats);
            if (disagreements.length > 0) throw new Error(report(disagreements, sessionPolicy));
            expect(deployment.internalErrors).toEqual([]);
          } finally {
            await deployment.close();
          }
        }),
        { numRuns: RUNS, seed: SEED, ...(PATH === undefined ? {} : { path: PATH }), endOnFailure: true },
      );

      expect(stats.expectedAllowed).toBeGreaterThan(0);
      expect(stats.expectedDenied).toBeGreaterThan(0);
    },
    Math.max(60_000, RUNS * 2_000),
  );

  it("catches a widened session policy: acme's session reads globex's key, which the oracle denies", async () => {
    const widened = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    const deployment = await deploy(acme, { sessionPolicy: widened, rolePolicy: ALLOW_EVERYTHING_POLICY });
    try {
      const probes = [getObject('tenants/acme/reports/q3.csv'), getObject('tenants/globex/README.txt')];

      const disagreements = await compare(deployment, acme, probes, { ...emptyStats(), skipped: 0 });

      expect(disagreements).toEqual([
        {
          probe: getObject('tenants/globex/README.txt'),
          endpoint: 'Allowed',
          oracle: 'ImplicitlyDenied',
          simulator: 'ImplicitlyDenied',
        },
      ]);
    } finally {
      await deployment.close();
    }
  });

  it('sends keys with `..`, `(1)`, `=`, `@`, `+`, `,`, `!` and `${…}` literally: each lands under its own key', async () => {
    const writer: Scenario = {
      ...acme,
      grants: [{ bucket: DATA, prefix: 'tenants/acme/', access: ['read', 'write', 'list'] }],
    };
    const deployment = await deploy(writer, { sessionPolicy: buildSessionPolicy(sessionScope(writer)) });
    try {
      const keys = [
        'tenants/acme/../globex/f.txt',
        'tenants/acme/./x//y/f.txt',
        'tenants/acme/(1)/a=b@c+d,e!/f.txt',
        'tenants/acme/${aws:PrincipalTag/tenant}/?/f.txt',
      ];

      for (const key of keys) {
        await deployment.s3.send(new PutObjectCommand({ Bucket: DATA, Key: key, Body: key }));
      }

      const held = [...deployment.store.list(DATA, '')].map((object) => object.key);
      expect(held.sort()).toEqual([...keys].sort());
    } finally {
      await deployment.close();
    }
  });

  it('agrees on the same probes with the deployed policies', async () => {
    const deployment = await deploy(acme, { sessionPolicy: buildSessionPolicy(sessionScope(acme)) });
    try {
      const probes = [getObject('tenants/acme/reports/q3.csv'), getObject('tenants/globex/README.txt')];

      expect(await compare(deployment, acme, probes, { ...emptyStats(), skipped: 0 })).toEqual([]);
    } finally {
      await deployment.close();
    }
  });
});

describe('the probe actions the differential test leaves out', () => {
  it('are the non-S3 ones and those the emulator answers 501 NotImplemented; every other is sent', () => {
    const s3Actions = [
      ...new Set([
        ...OBJECT_PROBE_ACTIONS,
        ...LIST_PROBE_ACTIONS,
        ...BUCKET_PROBE_ACTIONS,
        ...NON_S3_PROBES.map((probe) => probe.action).filter((action) => action.startsWith('s3:')),
      ]),
    ];

    expect([...SENT_ACTIONS, ...Object.keys(NOT_IMPLEMENTED)].sort()).toEqual(s3Actions.sort());
  });

  it.each(Object.keys(NOT_IMPLEMENTED))('answers %s with 501 NotImplemented', async (action) => {
    const deployment = await deploy(acme, { sessionPolicy: buildSessionPolicy(sessionScope(acme)) });
    try {
      const command = NOT_IMPLEMENTED[action]?.(DATA, 'tenants/acme/reports/q3.csv');
      // biome-ignore lint/suspicious/noExplicitAny: each entry builds a different command of the S3 client
      const failure = await deployment.s3.send(command as any).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(S3ServiceException);
      expect({
        status: (failure as S3ServiceException).$metadata.httpStatusCode,
        code: (failure as S3ServiceException).name,
      }).toEqual({ status: 501, code: 'NotImplemented' });
    } finally {
      await deployment.close();
    }
  });
});
