/** The start-up banner: every part with its URL, then a token, a curl vend and an AWS CLI call, ready to paste. */
import { relative, sep } from 'node:path';
import { LOCAL_TENANT_ROLE_ARN, OPERATOR_USER_NAME, TENANT_ROLE_NAME } from './account/local-account';
import { DEFAULT_DEV_KEY_FILE } from './dev-issuer/signing-key';
import type { AwsSandbox, LocalSandbox } from './sandbox';
import { DEFAULT_ISSUER_URL, SANDBOX_PARTS } from './settings';
import { DEMO_TENANTS, LOCAL_DATA_BUCKET } from './tenants/seed';

/** The tenant and user the banner's commands use. */
const DEMO = { tenant: 'acme', user: 'alice' } as const;

/** The banner for a running sandbox; paths are shown relative to `cwd` when inside it. */
export function renderBanner(sandbox: LocalSandbox | AwsSandbox, cwd = process.cwd()): string {
  const region = sandbox.config.regions[0] ?? 'us-east-1';
  const rows: [string, string][] = [[SANDBOX_PARTS.api.label, sandbox.apiUrl]];
  if (sandbox.target === 'local') {
    const active = DEMO_TENANTS.filter((t) => t.status === 'active').map((t) => t.tenantId);
    const suspended = DEMO_TENANTS.filter((t) => t.status !== 'active').map((t) => t.tenantId);
    rows.push(
      [
        SANDBOX_PARTS.sts.label,
        sandbox.sessionMode === 'web-identity'
          ? `${sandbox.stsUrl}   (AssumeRoleWithWebIdentity into ${LOCAL_TENANT_ROLE_ARN}, up to ${sandbox.maxSessionSeconds} s)`
          : `${sandbox.stsUrl}   (AssumeRole into ${LOCAL_TENANT_ROLE_ARN}, up to ${sandbox.maxSessionSeconds} s)`,
      ],
      [
        'DynamoDB',
        `${sandbox.dynamoDbUrl}   (dynalite, in memory; table ${sandbox.config.TENANT_TABLE_NAME}: ` +
          `${active.join(', ')} active, ${suspended.join(', ')} suspended)`,
      ],
      [
        SANDBOX_PARTS.s3.label,
        `${sandbox.s3Url}   (path-style; bucket ${LOCAL_DATA_BUCKET}, ${sandbox.s3.store.describe()})`,
      ],
      [
        SANDBOX_PARTS.iam.label,
        `${sandbox.iamUrl}   (role policies of ${TENANT_ROLE_NAME}, for the IAM user ${OPERATOR_USER_NAME})`,
      ],
    );
    if (sandbox.kmsUrl !== undefined) {
      rows.push([
        SANDBOX_PARTS.kms.label,
        `${sandbox.kmsUrl}   (the function's token signing key; its issuer is ${sandbox.apiUrl})`,
      ]);
    }
  } else {
    rows.push(
      [
        'STS',
        `${sandbox.config.STS_ENDPOINT ?? `https://sts.${region}.amazonaws.com`}   (AWS; credentials from the default chain)`,
      ],
      [
        'DynamoDB',
        `${sandbox.config.DYNAMODB_ENDPOINT ?? `https://dynamodb.${region}.amazonaws.com`}   (AWS; table ${sandbox.config.TENANT_TABLE_NAME})`,
      ],
    );
  }
  if (sandbox.issuerUrl !== undefined && sandbox.devKeyFile !== undefined) {
    rows.push([
      SANDBOX_PARTS.issuer.label,
      `${sandbox.issuerUrl}   (key ${displayPath(sandbox.devKeyFile, cwd)})`,
    ]);
  } else {
    rows.push(['identity provider', identityProvider(sandbox)]);
  }

  const width = Math.max(...rows.map(([label]) => label.length)) + 3;
  const lines = [
    sandbox.target === 'local'
      ? 'credvend sandbox: the API and offline stand-ins for STS, S3, IAM, DynamoDB and an identity provider, on loopback only.'
      : 'credvend sandbox: the local API against AWS STS and DynamoDB.',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    '',
    ...commands(sandbox, region, cwd),
    '',
    'Ctrl-C stops everything. Audit events follow, one JSON line per request.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}

function commands(sandbox: LocalSandbox | AwsSandbox, region: string, cwd: string): string[] {
  const container = `${sandbox.apiUrl}/v1/credentials/container`;
  const local = sandbox.target === 'local';
  const stsEndpoint = local ? ` --endpoint-url ${sandbox.stsUrl}` : '';
  const s3Endpoint = local ? ` --endpoint-url ${sandbox.s3Url}` : '';
  const bucket = sandbox.config.DATA_BUCKETS[0] ?? LOCAL_DATA_BUCKET;
  const aws = `${DEMO.tenant}_aws`;
  return [
    'Try it:',
    sandbox.issuerUrl === undefined
      ? '  # a token from your identity provider for a user of a tenant in the tenant table'
      : local
        ? `  # a dev token for user ${DEMO.user} of tenant ${DEMO.tenant} (also: globex; initech is suspended)`
        : `  # a dev token for user ${DEMO.user} of tenant ${DEMO.tenant} (name a tenant of your table)`,
    `  TOKEN=${sandbox.issuerUrl === undefined ? '<access token>' : `$(${tokenCommand(sandbox, cwd)})`}`,
    '  # vend credentials',
    `  curl -s -X POST -H "Authorization: Bearer $TOKEN" ${sandbox.apiUrl}/v1/credentials`,
    '  # the AWS CLI fetches them itself through the container-credentials variables (other credentials switched off)',
    `  ${aws}() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE ` +
      'AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null ' +
      `AWS_CONTAINER_CREDENTIALS_FULL_URI=${container} AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer $TOKEN" ` +
      `aws --region ${region} "$@"; }`,
    `  ${aws} sts get-caller-identity${stsEndpoint}`,
    `  # S3 with them: ${DEMO.tenant}'s uploads prefix takes a file and lists it; another tenant's prefix refuses it (AccessDenied)`,
    '  echo hello > hello.txt',
    `  ${aws} s3 cp hello.txt s3://${bucket}/tenants/${DEMO.tenant}/uploads/hello.txt${s3Endpoint}`,
    `  ${aws} s3 ls s3://${bucket}/tenants/${DEMO.tenant}/ --recursive${s3Endpoint}`,
    `  ${aws} s3 cp hello.txt s3://${bucket}/tenants/globex/hello.txt${s3Endpoint}`,
  ];
}

/** `npm run --silent token -- ...`, with `--issuer`/`--key-file` only when they differ from the token CLI's defaults. */
function tokenCommand(sandbox: LocalSandbox | AwsSandbox, cwd: string): string {
  const args = ['--tenant', DEMO.tenant, '--user', DEMO.user];
  if (sandbox.issuerUrl !== undefined && sandbox.issuerUrl !== DEFAULT_ISSUER_URL) {
    args.push('--issuer', sandbox.issuerUrl);
  }
  if (sandbox.devKeyFile !== undefined && sandbox.devKeyFile !== DEFAULT_DEV_KEY_FILE) {
    args.push('--key-file', shellQuote(displayPath(sandbox.devKeyFile, cwd)));
  }
  return `npm run --silent token -- ${args.join(' ')}`;
}

function identityProvider(sandbox: LocalSandbox | AwsSandbox): string {
  const config = sandbox.config;
  return config.JWT_PROVIDER === 'cognito'
    ? `Cognito user pool ${config.COGNITO_USER_POOL_ID}`
    : `OIDC issuer ${config.JWT_ISSUER}`;
}

function displayPath(file: string, cwd: string): string {
  const inside = relative(cwd, file);
  return inside !== '' && !inside.startsWith(`..${sep}`) && inside !== '..' ? inside : file;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
