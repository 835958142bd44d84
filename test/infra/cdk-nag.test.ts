/**
 * cdk-nag AwsSolutions: no unacknowledged finding in any configuration, every acknowledgement answers a real
 * finding (none is stale or broader than needed) and says why, and the checks do catch a new problem.
 */
import { type App, Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { CredvendStackProps } from '../../lib/credvend-stack';
import { buildStack as build } from './synth';

/** The stack, synthesized first: cdk-nag runs on the tree as `cdk synth` leaves it. */
function buildStack(props: CredvendStackProps = {}) {
  const stack = build(props);
  (stack.node.root as App).synth();
  return stack;
}

/** The checks with acknowledgements ignored: every finding there is. */
class AllFindings extends AwsSolutionsChecks {}
Object.defineProperty(AllFindings.prototype, 'isAcknowledged', { value: () => false });

interface Finding {
  readonly rule: string;
  readonly severity: string | undefined;
  readonly path: string;
}

function findings(scope: IConstruct, checks: AwsSolutionsChecks): Finding[] {
  return checks.validateScope(scope).violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      severity: v.severity,
      path: r.constructPath ?? '',
    })),
  );
}

interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
  readonly path: string;
}

function acknowledgementsIn(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([rule, reason]) => ({
        rule: rule.replace(/^annotation::/i, ''),
        reason,
        path: construct.node.path,
      })),
  );
}

const CONFIGURATIONS: [string, CredvendStackProps][] = [
  ['the defaults (Cognito, a created bucket)', {}],
  [
    'an OIDC issuer with existing buckets and tenant-owned roles',
    {
      identity: { kind: 'oidc', issuer: 'https://login.example.com/', audience: ['api'] },
      dataBucketNames: ['acme-data-eu', 'acme-data-us'],
      tenantRoles: { globex: 'arn:aws:iam::111122223333:role/globex-access' },
    },
  ],
  [
    'CORS, a WAF web ACL, an alarm topic and no account logging role',
    {
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/credvend/abc-123',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
      apiGatewayCloudWatchRole: false,
      reservedConcurrency: 20,
    },
  ],
  [
    'web-identity mode (KMS signing key, OIDC provider, public discovery routes)',
    { sessionMode: { kind: 'web-identity' } },
  ],
  [
    'web-identity mode with an OIDC issuer for callers, an 8-hour cap, an audience and a WAF web ACL',
    {
      identity: { kind: 'oidc', issuer: 'https://login.example.com/', audience: ['api'] },
      sessionMode: {
        kind: 'web-identity',
        maxSessionDuration: Duration.hours(8),
        audience: 'api://credvend',
      },
      webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/credvend/abc-123',
      allowedOrigins: ['https://app.example.com'],
    },
  ],
];

describe('cdk-nag AwsSolutions checks', () => {
  const stacks = new Map(CONFIGURATIONS.map(([name, props]) => [name, buildStack(props)]));
  const stackFor = (name: string) => {
    const stack = stacks.get(name);
    if (stack === undefined) throw new Error(`no stack for ${name}`);
    return stack;
  };

  describe.each(CONFIGURATIONS)('with %s', (name) => {
    const stack = stackFor(name);

    it('report no unacknowledged error or warning', () => {
      expect(findings(stack, new AwsSolutionsChecks())).toEqual([]);
    });

    it('have no acknowledgement without a finding it answers, on that construct or below', () => {
      const all = findings(stack, new AllFindings());
      const stale = acknowledgementsIn(stack).filter(
        (ack) =>
          !all.some((f) => f.rule === ack.rule && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
      );
      expect(stale).toEqual([]);
    });
  });

  it('acknowledge each finding with a reason that says why', () => {
    const acknowledgements = [...stacks.values()].flatMap(acknowledgementsIn);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });

  it('acknowledge findings one by one, never a whole rule that reports per finding', () => {
    const rules = acknowledgementsIn(stackFor(CONFIGURATIONS[0]?.[0] ?? '')).map((ack) => ack.rule);
    expect(rules.filter((rule) => /^AwsSolutions-IAM[45]$/.test(rule))).toEqual([]);
    expect(rules).toContain(
      'AwsSolutions-IAM5[Resource::<DataBucket.Arn>/tenants/<aws:PrincipalTag/tenant>/*]',
    );
  });

  it('catch a new wildcard policy that nobody acknowledged', () => {
    const stack = buildStack();
    new Role(stack, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }),
    );
    expect(findings(stack, new AwsSolutionsChecks()).map((f) => f.rule)).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Resource::*]']),
    );
  });
});
