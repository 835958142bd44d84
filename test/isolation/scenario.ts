/**
 * Isolation scenarios: a deployment (data buckets, prefix template), its tenants, and one tenant's request for a
 * session; plus the fast-check arbitrary that generates them.
 */
import fc from 'fast-check';
import { authorize } from '../../lambda/core/authorize';
import {
  ACCESS_LEVELS,
  type AccessLevel,
  type Grant,
  type ScopeRequest,
  type Tenant,
} from '../../lambda/core/model';
import { parseTenantRecord, TENANT_ID_PATTERN } from '../../lambda/core/tenant-record';
import { expandMetacharacters, type Probe, type ProbeSite, probesAt } from './probes';

const REGION = 'eu-west-1';

/** A deployment, its tenants, and the request one of them makes for a session. */
export interface Scenario {
  /** Where a tenant's data lives, e.g. `tenants/{tenant}/`. */
  readonly prefixTemplate: string;
  /** The buckets the tenant access role covers. */
  readonly dataBuckets: readonly string[];
  /** Buckets outside the deployment, to probe. */
  readonly foreignBuckets: readonly string[];
  /** Every tenant of the deployment. */
  readonly tenantIds: readonly string[];
  /** The tenant whose session is evaluated. */
  readonly caller: string;
  /** The caller's grants (its tenant record). */
  readonly grants: readonly Grant[];
  /** The requested scope; absent: everything granted. */
  readonly request?: readonly ScopeRequest[];
}

/** A tenant's root prefix in a scenario. */
export function rootOf(scenario: Scenario, tenantId: string): string {
  return scenario.prefixTemplate.replaceAll('{tenant}', tenantId);
}

/** The caller's tenant, validated by the real tenant-record schema (so scenarios hold only valid records). */
export function callerTenant(scenario: Scenario): Tenant {
  return parseTenantRecord(
    {
      tenantId: scenario.caller,
      status: 'active',
      grants: scenario.grants,
      defaultDurationSeconds: 900,
      maxDurationSeconds: 3600,
      region: REGION,
    },
    scenario.caller,
    {
      maxSessionSeconds: 3600,
      dataBuckets: scenario.dataBuckets,
      prefixTemplate: scenario.prefixTemplate,
      tenantRoles: new Map(),
    },
  );
}

/** The scope the session gets: the real `authorize` narrowing the caller's grants to its request. */
export function sessionScope(scenario: Scenario): readonly Grant[] {
  const request = scenario.request === undefined ? {} : { scope: scenario.request };
  return authorize(callerTenant(scenario), request, [REGION]).scope;
}

/** Where to probe a scenario: its buckets, tenants and every prefix granted, requested or narrowed. */
export function probeSite(scenario: Scenario): ProbeSite {
  const prefixes = [
    ...scenario.grants.map((g) => g.prefix),
    ...(scenario.request ?? []).flatMap((entry) => (entry.prefix === undefined ? [] : [entry.prefix])),
    ...sessionScope(scenario).map((g) => g.prefix),
  ];
  return {
    buckets: [...scenario.dataBuckets, ...scenario.foreignBuckets],
    caller: scenario.caller,
    tenantIds: scenario.tenantIds,
    rootOf: (tenantId) => rootOf(scenario, tenantId),
    prefixes: [...new Set(prefixes)],
  };
}

/** Bucket names, some of them prefixes of others; a scenario takes its data buckets from here, the rest are foreign. */
const BUCKET_POOL = [
  'credvend-data',
  'credvend-data-2',
  'credvend-datalake',
  'credvend-archive',
  'tenant-data',
];

const PREFIX_TEMPLATES = ['tenants/{tenant}/', 'data/tenants/{tenant}/', '{tenant}/'];

/** Key-prefix segments that PREFIX_PATTERN admits, from a small pool (so that grants nest and overlap) or at random. */
const safeSegment = fc.oneof(
  fc.constantFrom(
    'reports',
    'report',
    'reports2',
    'r',
    'uploads',
    'up',
    'a',
    'ab',
    '2026',
    'x.y',
    '(1)',
    'a=b@c+d,e!',
  ),
  fc.stringMatching(/^[A-Za-z0-9!_.()=@+,-]{1,8}$/).filter((s) => s !== '.' && s !== '..'),
);

/**
 * Segments a caller might slip into a requested prefix. Request parsing rejects these; the policy builder must still
 * make them match only themselves (escaping is its own defence, not the parser's).
 */
const hostileSegment = fc.constantFrom(
  '*',
  'a*',
  '?',
  'r?',
  '$',
  '${aws:PrincipalTag/tenant}',
  '${aws:username}',
  '${*}',
  '{x}',
);

const requestSegment = fc.oneof(
  { arbitrary: safeSegment, weight: 4 },
  { arbitrary: hostileSegment, weight: 1 },
);

/** A tenant id of up to `maxLength` characters from the whole TENANT_ID_PATTERN alphabet, long ones included. */
function tenantIdArbitrary(maxLength: number): fc.Arbitrary<string> {
  const alphanumeric = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
  const unit = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-');
  const short = fc.string({ unit, maxLength: maxLength - 2 });
  const long = fc.string({ unit, maxLength: maxLength - 2, size: 'max' });
  return fc.oneof(
    alphanumeric,
    fc.tuple(alphanumeric, short, alphanumeric).map((parts) => parts.join('')),
    fc.tuple(alphanumeric, long, alphanumeric).map((parts) => parts.join('')),
  );
}

/** Tenant ids, most of them one family of mutual prefixes (`a`, `ab`, `a-b`), the others strangers. */
const tenantIdsArbitrary = fc
  .record({
    base: tenantIdArbitrary(44),
    extensions: fc.uniqueArray(fc.stringMatching(/^(?:[a-z0-9-]{0,3}[a-z0-9])?$/), {
      minLength: 2,
      maxLength: 3,
    }),
    strangers: fc.uniqueArray(tenantIdArbitrary(48), { maxLength: 2 }),
  })
  .map(({ base, extensions, strangers }) => {
    const ids = [...new Set([...extensions.map((extension) => `${base}${extension}`), ...strangers])];
    const invalid = ids.find((id) => !TENANT_ID_PATTERN.test(id));
    if (invalid !== undefined) throw new Error(`generated an invalid tenant id: ${invalid}`);
    return ids;
  });

const levelsArbitrary = fc.subarray([...ACCESS_LEVELS], { minLength: 1 });

const grantSpec = fc.record({
  bucket: fc.nat(),
  segments: fc.array(safeSegment, { maxLength: 3 }),
  access: levelsArbitrary,
});

/** A requested entry, built from one of the caller's grants so that it narrows it (or asks for all of it). */
const entrySpec = fc.record({
  grant: fc.nat(),
  keepBucket: fc.boolean(),
  narrowing: fc.option(fc.array(requestSegment, { minLength: 0, maxLength: 2 }), { nil: undefined }),
  access: fc.option(levelsArbitrary, { nil: undefined }),
});

const at = <T>(items: readonly T[], index: number): T => items[index % items.length] as T;
const under = (prefix: string, segments: readonly string[]): string =>
  segments.length === 0 ? prefix : `${prefix}${segments.join('/')}/`;

/** Generated scenarios: several buckets, tenant ids that are prefixes of each other, nested grants, narrowing requests. */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    template: fc.constantFrom(...PREFIX_TEMPLATES),
    dataBuckets: fc.subarray(BUCKET_POOL, { minLength: 1, maxLength: 3 }),
    tenantIds: tenantIdsArbitrary,
    caller: fc.nat(),
    grants: fc.array(grantSpec, { maxLength: 4 }),
    request: fc.option(fc.array(entrySpec, { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .map((spec): Scenario => {
    const caller = at(spec.tenantIds, spec.caller);
    const root = spec.template.replaceAll('{tenant}', caller);
    const grants: Grant[] = spec.grants.map((g) => ({
      bucket: at(spec.dataBuckets, g.bucket),
      prefix: under(root, g.segments),
      access: g.access,
    }));
    const request =
      spec.request === undefined || grants.length === 0
        ? undefined
        : spec.request.map((entry): ScopeRequest => {
            const grant = at(grants, entry.grant);
            const access = entry.access?.filter((level: AccessLevel) => grant.access.includes(level));
            return {
              ...(entry.keepBucket ? { bucket: grant.bucket } : {}),
              ...(entry.narrowing === undefined ? {} : { prefix: under(grant.prefix, entry.narrowing) }),
              ...(access === undefined || access.length === 0 ? {} : { access }),
            };
          });
    return {
      prefixTemplate: spec.template,
      dataBuckets: spec.dataBuckets,
      foreignBuckets: BUCKET_POOL.filter((b) => !spec.dataBuckets.includes(b)).slice(0, 1),
      tenantIds: spec.tenantIds,
      caller,
      grants,
      ...(request === undefined ? {} : { request }),
    };
  });

/**
 * Whether a probe touches the session's scope, whatever its action: its bucket and key (or `s3:prefix`) lie under a
 * granted prefix, or under what that prefix's metacharacters would match if left unescaped.
 */
function touchesScope(scope: readonly Grant[], caller: string, probe: Probe): boolean {
  const path = probe.kind === 'object' ? probe.key : probe.kind === 'list' ? probe.prefix : undefined;
  return (
    path !== undefined &&
    'bucket' in probe &&
    scope.some(
      (grant) =>
        grant.bucket === probe.bucket &&
        (path.startsWith(grant.prefix) || path.startsWith(expandMetacharacters(grant.prefix, caller))),
    )
  );
}

/**
 * A generated scenario with a sample of its probes (evaluating every probe of every case would take minutes).
 * A third of the sample touches the granted scope, where allowed verdicts and escapes from it live; the rest is
 * drawn from all probes.
 */
export function scenarioWithProbes(probesPerCase: number) {
  return scenarioArbitrary.chain((scenario) => {
    const all = probesAt(probeSite(scenario));
    const scope = sessionScope(scenario);
    const near = all.filter((probe) => touchesScope(scope, scenario.caller, probe));
    const nearSize = Math.min(Math.floor(probesPerCase / 3), near.length);
    const size = Math.min(probesPerCase - nearSize, all.length);
    return fc.record({
      scenario: fc.constant(scenario),
      probes: fc
        .tuple(
          fc.shuffledSubarray(near, { minLength: nearSize, maxLength: nearSize }),
          fc.shuffledSubarray(all, { minLength: size, maxLength: size }),
        )
        .map(([inside, anywhere]) => [...inside, ...anywhere]),
    });
  });
}
