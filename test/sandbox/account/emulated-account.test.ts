/**
 * The emulated account: sessions minted through its STS front are judged by IAM's decision over the tenant access
 * role's policies as the stack deploys them, the session policy, the session's tags and issue time; a deny put on the
 * role later takes effect on live sessions at once.
 */

import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { OPERATOR_ROLE_ACTIONS } from '../../../lib/policies/operator-policy';
import { tenantAccessPolicy } from '../../../lib/policies/tenant-access-policy';
import { EmulatedAccount } from '../../../sandbox/account/account';
import {
  createLocalAccount,
  LOCAL_TENANT_ROLE_ARN,
  operatorCredentials,
  TENANT_DATA_POLICY_NAME,
  TENANT_ROLE_NAME,
  tenantAccessRole,
  vendFunctionCredentials,
} from '../../../sandbox/account/local-account';
import { startStsEmulator } from '../../../sandbox/sts-emulator';
import type { StsEmulator } from '../../../sandbox/sts-emulator/types';
import { revokeTenantSessions } from '../../support/revocation';

const BUCKET = 'credvend-local-data';
const FUNCTION = vendFunctionCredentials();
const OPERATOR = operatorCredentials();
let account: EmulatedAccount;
let emulator: StsEmulator;
let sts: STSClient;

beforeAll(async () => {
  account = createLocalAccount({
    dataBuckets: [BUCKET],
    functionCredentials: FUNCTION,
    operatorCredentials: OPERATOR,
  });
  emulator = await startStsEmulator({ account });
  sts = new STSClient({
    region: 'eu-west-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: FUNCTION.accessKeyId, secretAccessKey: FUNCTION.secretAccessKey },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sts.destroy();
  await emulator.close();
});

/** A session of `tenant` assumed as the vend function assumes it, with an optional session policy. */
async function sessionOf(tenant: string, policy?: object): Promise<string> {
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: LOCAL_TENANT_ROLE_ARN,
      RoleSessionName: `${tenant}.test`,
      SourceIdentity: `${tenant}-user`,
      Tags: [{ Key: 'tenant', Value: tenant }],
      ...(policy === undefined ? {} : { Policy: JSON.stringify(policy) }),
    }),
  );
  return Credentials?.AccessKeyId ?? '';
}

const object = (key: string, action = 's3:GetObject') => ({
  action,
  resource: `arn:aws:s3:::${BUCKET}/${key}`,
});
const secure = { secure: false };

describe('EmulatedAccount', () => {
  it('holds the tenant access role with the permission policy the stack deploys', () => {
    expect(account.listRolePolicies(TENANT_ROLE_NAME).get(TENANT_DATA_POLICY_NAME)).toEqual(
      tenantAccessPolicy({ bucketArns: [`arn:aws:s3:::${BUCKET}`], prefixTemplate: 'tenants/{tenant}/' }),
    );
  });

  it("lets a tenant's session reach its own prefix and nothing of another tenant's (the role policy alone)", async () => {
    const acme = await sessionOf('acme');

    expect(await account.authorize(acme, object('tenants/acme/a.txt'), secure)).toBe('Allowed');
    expect(await account.authorize(acme, object('tenants/globex/a.txt'), secure)).toBe('ImplicitlyDenied');
    expect(await account.authorize(acme, object('tenants/acmex/a.txt'), secure)).toBe('ImplicitlyDenied');
    const list = (prefix?: string) => ({
      action: 's3:ListBucket',
      resource: `arn:aws:s3:::${BUCKET}`,
      ...(prefix === undefined ? {} : { context: { 's3:prefix': prefix } }),
    });
    expect(await account.authorize(acme, list('tenants/acme/'), secure)).toBe('Allowed');
    expect(await account.authorize(acme, list('tenants/'), secure)).toBe('ImplicitlyDenied');
    expect(await account.authorize(acme, list(), secure)).toBe('ImplicitlyDenied');
  });

  it('intersects the role policy with the session policy', async () => {
    const readOnly = await sessionOf('acme', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/tenants/acme/r/*` },
      ],
    });

    expect(await account.authorize(readOnly, object('tenants/acme/r/x'), secure)).toBe('Allowed');
    expect(await account.authorize(readOnly, object('tenants/acme/x'), secure)).toBe('ImplicitlyDenied');
    expect(await account.authorize(readOnly, object('tenants/acme/r/x', 's3:PutObject'), secure)).toBe(
      'ImplicitlyDenied',
    );
  });

  it('reads a `*` in a key literally, never as a pattern over other keys', async () => {
    const acme = await sessionOf('acme');

    expect(await account.authorize(acme, object('tenants/acme/a*b'), secure)).toBe('Allowed');
    expect(await account.authorize(acme, object('tenants/*'), secure)).toBe('ImplicitlyDenied');
    expect(await account.authorize(acme, object('*'), secure)).toBe('ImplicitlyDenied');
  });

  it('applies a deny put on the role to live sessions issued before its time, and lifts it when deleted', async () => {
    const before = await sessionOf('acme');
    const globex = await sessionOf('globex');
    const cutoff = new Date(Date.now() + 1000);
    account.putRolePolicy(TENANT_ROLE_NAME, 'RevokeAcme', revokeTenantSessions('acme', cutoff));
    try {
      expect(await account.authorize(before, object('tenants/acme/a.txt'), secure)).toBe('ExplicitlyDenied');
      expect(await account.authorize(globex, object('tenants/globex/a.txt'), secure)).toBe('Allowed');
    } finally {
      expect(account.deleteRolePolicy(TENANT_ROLE_NAME, 'RevokeAcme')).toBe(true);
    }
    expect(await account.authorize(before, object('tenants/acme/a.txt'), secure)).toBe('Allowed');
  });

  it('denies anonymous requests, unknown keys and principals without policies', async () => {
    expect(await account.authorize(undefined, object('tenants/acme/a.txt'), secure)).toBe('ImplicitlyDenied');
    expect(await account.authorize('ASIAUNKNOWN0000000000', object('tenants/acme/a.txt'), secure)).toBe(
      'ImplicitlyDenied',
    );
    expect(await account.authorize(FUNCTION.accessKeyId, object('tenants/acme/a.txt'), secure)).toBe(
      'ImplicitlyDenied',
    );
  });

  it('refuses a policy change for a role it does not have', () => {
    expect(() => account.deleteRolePolicy('no-such-role', 'x')).toThrow(/no role named 'no-such-role'/);
  });
});

describe('EmulatedAccount, for IAM users', () => {
  const onRole = (action: string, roleName = TENANT_ROLE_NAME) => ({
    action,
    resource: `arn:aws:iam::000000000000:role/${roleName}`,
  });

  it('judges the operator by its own identity policy: the role-policy calls on the tenant access role, nothing else', async () => {
    for (const action of OPERATOR_ROLE_ACTIONS) {
      expect(await account.authorize(OPERATOR.accessKeyId, onRole(action), secure)).toBe('Allowed');
    }
    expect(await account.authorize(OPERATOR.accessKeyId, onRole('iam:DeleteRole'), secure)).toBe(
      'ImplicitlyDenied',
    );
    expect(await account.authorize(OPERATOR.accessKeyId, onRole('iam:PutRolePolicy', 'other'), secure)).toBe(
      'ImplicitlyDenied',
    );
    expect(await account.authorize(OPERATOR.accessKeyId, object('tenants/acme/a.txt'), secure)).toBe(
      'ImplicitlyDenied',
    );
  });

  const READ_ANYTHING = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
  } as const;

  it('refuses policies on base credentials that are not an IAM user', () => {
    expect(
      () =>
        new EmulatedAccount({
          baseCredentials: [{ ...FUNCTION, policies: { ReadAnything: READ_ANYTHING } }],
          roles: [],
        }),
    ).toThrow(
      /only IAM users carry policies in base credentials, not 'arn:aws:sts::000000000000:assumed-role/,
    );
  });

  it('gives a user with several keys the policies of all of them, and refuses two policies of one name', async () => {
    const second = { ...OPERATOR, accessKeyId: 'AKIASECONDKEYSECOND1' };
    const both = new EmulatedAccount({
      baseCredentials: [OPERATOR, { ...second, policies: { ReadAnything: READ_ANYTHING } }],
      roles: [tenantAccessRole([BUCKET])],
    });

    expect(await both.authorize(second.accessKeyId, onRole('iam:GetRole'), secure)).toBe('Allowed');
    expect(await both.authorize(OPERATOR.accessKeyId, object('tenants/acme/a.txt'), secure)).toBe('Allowed');
    expect(() => new EmulatedAccount({ baseCredentials: [OPERATOR, second], roles: [] })).toThrow(
      /user 'arn:aws:iam::000000000000:user\/credvend-operator' has two policies named 'CredvendOperator'/,
    );
  });
});
