/**
 * The IAM front of the emulated account, driven by the real `@aws-sdk/client-iam` as `credvend-admin --local` drives
 * it: the role-policy calls round-trip, and every refusal carries IAM's code, status and wording — validation,
 * authentication, IAM's authorization of the caller's identity policies, unknown entities, the role's policy quota.
 */
import {
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { operatorPolicy } from '../../lib/policies/operator-policy';
import { EmulatedAccount } from '../../sandbox/account/account';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_TENANT_ROLE_ARN,
  OPERATOR_PRINCIPAL_ARN,
  TENANT_DATA_POLICY_NAME,
  TENANT_ROLE_NAME,
  tenantAccessRole,
  VEND_FUNCTION_ROLE_ARN,
} from '../../sandbox/account/local-account';
import type { PolicyJson } from '../../sandbox/account/types';
import { type IamEmulator, startIamEmulator } from '../../sandbox/iam/server';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { refusal } from '../support/async';
import { sandboxIamClient, useSandbox, vendCredentials } from './sandbox-harness';

const sandbox = useSandbox();
const ROLE = TENANT_ROLE_NAME;
const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

let iam: IAMClient;
beforeAll(() => {
  iam = sandboxIamClient(sandbox());
});
afterAll(() => iam.destroy());

/** A small deny of one action, distinguishable by `sid`. */
function denyPolicy(sid: string): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }],
  };
}

/** A document whose minified JSON is exactly `size` characters. */
function policyOfSize(size: number): PolicyJson {
  const withPadding = (padding: string): PolicyJson => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::pad/${padding}` }],
  });
  const base = JSON.stringify(withPadding('')).length;
  return withPadding('p'.repeat(size - base));
}

/** Removes every inline policy of the role but the one the stack deploys, so that tests start alike. */
afterEach(() => {
  for (const name of [...sandbox().account.listRolePolicies(ROLE).keys()]) {
    if (name !== TENANT_DATA_POLICY_NAME) sandbox().account.deleteRolePolicy(ROLE, name);
  }
});

describe('the IAM front, for the operator', () => {
  it('puts an inline policy that GetRolePolicy returns URL-encoded, ListRolePolicies names, and DeleteRolePolicy removes', async () => {
    const document = denyPolicy('NoDeletes');

    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'NoDeletes',
        PolicyDocument: JSON.stringify(document, null, 2),
      }),
    );
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'NoDeletes' }));
    const listed = await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: ROLE, PolicyName: 'NoDeletes' }));
    const after = await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE }));

    expect(got).toMatchObject({ RoleName: ROLE, PolicyName: 'NoDeletes' });
    expect(got.PolicyDocument).toBe(encodeURIComponent(JSON.stringify(document)));
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument ?? ''))).toEqual(document);
    expect(listed).toMatchObject({ PolicyNames: ['NoDeletes', TENANT_DATA_POLICY_NAME], IsTruncated: false });
    expect(after.PolicyNames).toEqual([TENANT_DATA_POLICY_NAME]);
    expect(sandbox().account.getRolePolicy(ROLE, 'NoDeletes')).toBeUndefined();
  });

  it('replaces a policy put again under the same name', async () => {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'Pruned',
        PolicyDocument: JSON.stringify(denyPolicy('First')),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'Pruned',
        PolicyDocument: JSON.stringify(denyPolicy('Second')),
      }),
    );

    const got = await iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Pruned' }));
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument ?? ''))).toEqual(denyPolicy('Second'));
  });

  it('pages ListRolePolicies by MaxItems and Marker, in name order, as the SDK paginator reads it', async () => {
    for (const name of ['E', 'A', 'D', 'B', 'C']) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: ROLE,
          PolicyName: name,
          PolicyDocument: JSON.stringify(denyPolicy(name)),
        }),
      );
    }

    const first = await iam.send(new ListRolePoliciesCommand({ RoleName: ROLE, MaxItems: 2 }));
    const second = await iam.send(
      new ListRolePoliciesCommand({ RoleName: ROLE, MaxItems: 2, Marker: first.Marker }),
    );
    const pages: string[][] = [];
    for await (const page of paginateListRolePolicies({ client: iam, pageSize: 4 }, { RoleName: ROLE })) {
      pages.push(page.PolicyNames ?? []);
    }

    expect(first).toMatchObject({ PolicyNames: ['A', 'B'], IsTruncated: true });
    expect(second).toMatchObject({ PolicyNames: ['C', 'D'], IsTruncated: true });
    expect(pages).toEqual([
      ['A', 'B', 'C', 'D'],
      ['E', TENANT_DATA_POLICY_NAME],
    ]);
  });

  it('describes the tenant access role with GetRole: its ARN, maximum session and the trust the emulator enforces', async () => {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: ROLE }));

    expect(Role).toMatchObject({
      Path: '/',
      RoleName: ROLE,
      Arn: LOCAL_TENANT_ROLE_ARN,
      RoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}$/),
      MaxSessionDuration: 3600,
      CreateDate: expect.any(Date),
    });
    const principal = { AWS: VEND_FUNCTION_ROLE_ARN };
    expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeRole',
          Effect: 'Allow',
          Principal: principal,
          Action: 'sts:AssumeRole',
          Condition: { Null: { 'aws:RequestTag/tenant': 'false', 'sts:SourceIdentity': 'false' } },
        },
        {
          Sid: 'TagSession',
          Effect: 'Allow',
          Principal: principal,
          Action: 'sts:TagSession',
          Condition: { 'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': 'tenant' } },
        },
        { Sid: 'SetSourceIdentity', Effect: 'Allow', Principal: principal, Action: 'sts:SetSourceIdentity' },
      ],
    });
  });

  it('accepts requests signed for any region, IAM being global', async () => {
    const regional = new IAMClient({
      region: 'eu-west-1',
      endpoint: sandbox().iamUrl,
      credentials: sandbox().operatorCredentials,
      maxAttempts: 1,
    });
    try {
      await expect(regional.send(new GetRoleCommand({ RoleName: ROLE }))).resolves.toMatchObject({
        Role: { RoleName: ROLE },
      });
    } finally {
      regional.destroy();
    }
  });

  it('holds the operator to exactly the role-policy calls on the tenant access role', () => {
    expect(operatorPolicy({ tenantRoleArn: LOCAL_TENANT_ROLE_ARN })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TenantAccessRolePolicies',
          Effect: 'Allow',
          Action: [
            'iam:DeleteRolePolicy',
            'iam:GetRole',
            'iam:GetRolePolicy',
            'iam:ListRolePolicies',
            'iam:PutRolePolicy',
          ],
          Resource: LOCAL_TENANT_ROLE_ARN,
        },
      ],
    });
  });
});

describe('the IAM front, refusing as IAM does', () => {
  it('answers NoSuchEntity (404) for a policy the role does not have, to Get and Delete alike', async () => {
    const get = await refusal(iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Missing' })));
    const del = await refusal(
      iam.send(new DeleteRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Missing' })),
    );

    for (const answer of [get, del]) {
      expect(answer).toEqual({
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The role policy with name Missing cannot be found.',
      });
    }
  });

  it.each([
    ['not JSON', '{"Version":', 'Syntax errors in policy.'],
    [
      'a principal',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
      }),
      'Policy document should not specify a principal.',
    ],
    [
      'no resource',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*' }] }),
      'Policy statement must contain resources.',
    ],
  ])('answers MalformedPolicyDocument (400) for a document with %s', async (_what, document, message) => {
    const answer = await refusal(
      iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'Bad', PolicyDocument: document })),
    );

    expect(answer).toEqual({ name: 'MalformedPolicyDocumentException', status: 400, message });
    expect(sandbox().account.getRolePolicy(ROLE, 'Bad')).toBeUndefined();
  });

  it("answers LimitExceeded (409) once the role's inline policies together pass 10,240 characters, whitespace not counted", async () => {
    const deployed = sandbox().account.getRolePolicy(ROLE, TENANT_DATA_POLICY_NAME);
    const room = 10_240 - JSON.stringify(deployed).length;
    const put = (document: PolicyJson, indent?: number) =>
      iam.send(
        new PutRolePolicyCommand({
          RoleName: ROLE,
          PolicyName: 'Large',
          PolicyDocument: JSON.stringify(document, null, indent),
        }),
      );

    await expect(put(policyOfSize(room), 4)).resolves.toBeDefined();
    const answer = await refusal(put(policyOfSize(room + 1)));

    expect(answer).toEqual({
      name: 'LimitExceededException',
      status: 409,
      message: `Maximum policy size of 10240 bytes exceeded for role ${ROLE}`,
    });
    // The refused document did not replace the one that fitted.
    expect(JSON.stringify(sandbox().account.getRolePolicy(ROLE, 'Large'))).toHaveLength(room);
  });

  it('answers ValidationError (400) naming every name that breaks its constraints', async () => {
    const badPolicyName = await refusal(
      iam.send(new GetRolePolicyCommand({ RoleName: ROLE, PolicyName: 'no spaces allowed' })),
    );
    const both = await refusal(
      iam.send(new DeleteRolePolicyCommand({ RoleName: 'r'.repeat(65), PolicyName: 'p'.repeat(129) })),
    );

    expect(badPolicyName).toEqual({
      name: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value 'no spaces allowed' at 'policyName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]+',
    });
    expect(both).toEqual({
      name: 'ValidationError',
      status: 400,
      message:
        `2 validation errors detected: Value '${'r'.repeat(65)}' at 'roleName' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 64; ' +
        `Value '${'p'.repeat(129)}' at 'policyName' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 128',
    });
  });

  it('answers ValidationError for MaxItems out of range, and InvalidInput for a marker it never handed out', async () => {
    const tooMany = await refusal(iam.send(new ListRolePoliciesCommand({ RoleName: ROLE, MaxItems: 1001 })));
    const forged = await refusal(
      iam.send(new ListRolePoliciesCommand({ RoleName: ROLE, Marker: 'not a marker' })),
    );

    expect(tooMany).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(tooMany.message).toContain(
      "Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    expect(forged).toEqual({ name: 'InvalidInputException', status: 400, message: 'Invalid Marker.' });
  });

  it('refuses an IAM action it does not implement, saying so', async () => {
    const answer = await refusal(
      iam.send(new CreateRoleCommand({ RoleName: 'another', AssumeRolePolicyDocument: '{}' })),
    );

    expect(answer).toEqual({
      name: 'InvalidAction',
      status: 400,
      message: 'The IAM emulator does not implement CreateRole.',
    });
  });
});

describe('the IAM front, authenticating and authorizing callers', () => {
  /** The form of a GetRole request. */
  const GET_ROLE_FORM = `Action=GetRole&Version=2010-05-08&RoleName=${ROLE}`;

  /** A GetRole request signed with the operator's key for `service`. */
  async function signedFetch(service: string, secretAccessKey: string): Promise<Response> {
    const url = new URL(sandbox().iamUrl);
    const signer = new SignatureV4({
      service,
      region: 'us-east-1',
      credentials: { accessKeyId: sandbox().operatorCredentials.accessKeyId, secretAccessKey },
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
        body: GET_ROLE_FORM,
      }),
    );
    return fetch(url, { method: 'POST', headers: signed.headers, body: GET_ROLE_FORM });
  }

  it('answers an unsigned request MissingAuthenticationToken (403) in an IAM ErrorResponse', async () => {
    const response = await fetch(sandbox().iamUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: GET_ROLE_FORM,
    });
    const body = await response.text();

    expect(response.status).toBe(403);
    expect(body).toMatch(
      new RegExp(
        `^<ErrorResponse xmlns="${IAM_NAMESPACE}">\\s*<Error>\\s*<Type>Sender</Type>\\s*` +
          '<Code>MissingAuthenticationToken</Code>\\s*<Message>Request is missing Authentication Token</Message>' +
          '\\s*</Error>\\s*<RequestId>[0-9a-f-]{36}</RequestId>\\s*</ErrorResponse>\\s*$',
      ),
    );
  });

  it('answers a body past its bound 413 with an empty body, as AWS does', async () => {
    const response = await fetch(sandbox().iamUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${GET_ROLE_FORM}&PolicyDocument=${'x'.repeat(600 * 1024)}`,
    });

    expect([response.status, await response.text()]).toEqual([413, '']);
  });

  it('answers a wrong secret SignatureDoesNotMatch (403)', async () => {
    const forged = sandboxIamClient(sandbox(), {
      accessKeyId: sandbox().operatorCredentials.accessKeyId,
      secretAccessKey: 'not-the-operator-secret-not-the-operator',
    });
    try {
      expect(await refusal(forged.send(new GetRoleCommand({ RoleName: ROLE })))).toMatchObject({
        name: 'SignatureDoesNotMatch',
        status: 403,
      });
    } finally {
      forged.destroy();
    }
  });

  it('answers a request signed for STS rather than IAM SignatureDoesNotMatch, naming the service', async () => {
    const forSts = await signedFetch('sts', sandbox().operatorCredentials.secretAccessKey);
    const forIam = await signedFetch('iam', sandbox().operatorCredentials.secretAccessKey);

    expect(forSts.status).toBe(403);
    expect(await forSts.text()).toContain(
      '<Message>Credential should be scoped to correct service: &apos;iam&apos;. </Message>',
    );
    expect(forIam.status).toBe(200);
    expect(await forIam.text()).toContain(`<Arn>${LOCAL_TENANT_ROLE_ARN}</Arn>`);
  });

  it("refuses a vended tenant session AccessDenied (403): the tenant access role's policies grant no IAM action", async () => {
    const credentials = await vendCredentials(sandbox(), 'acme', 'alice');
    const tenant = sandboxIamClient(sandbox(), credentials);
    try {
      const answer = await refusal(
        tenant.send(
          new PutRolePolicyCommand({
            RoleName: ROLE,
            PolicyName: 'Escalate',
            PolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
            }),
          }),
        ),
      );

      expect(answer.name).toBe('AccessDenied');
      expect(answer.status).toBe(403);
      expect(answer.message).toMatch(
        new RegExp(
          `^User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${ROLE}/acme\\.\\S+ is not authorized to perform: ` +
            `iam:PutRolePolicy on resource: role ${ROLE} because no identity-based policy allows the ` +
            'iam:PutRolePolicy action$',
        ),
      );
      expect(sandbox().account.getRolePolicy(ROLE, 'Escalate')).toBeUndefined();
    } finally {
      tenant.destroy();
    }
  });

  it("refuses the vend function's own credentials AccessDenied (403): the function gets no IAM permission", async () => {
    const fn = sandboxIamClient(sandbox(), sandbox().baseCredentials);
    try {
      expect(
        await refusal(
          fn.send(new DeleteRolePolicyCommand({ RoleName: ROLE, PolicyName: TENANT_DATA_POLICY_NAME })),
        ),
      ).toEqual({
        name: 'AccessDenied',
        status: 403,
        message:
          `User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/credvend-vend-function/local is not authorized to ` +
          `perform: iam:DeleteRolePolicy on resource: role ${ROLE} because no identity-based policy allows the ` +
          'iam:DeleteRolePolicy action',
      });
      expect(sandbox().account.getRolePolicy(ROLE, TENANT_DATA_POLICY_NAME)).toBeDefined();
    } finally {
      fn.destroy();
    }
  });

  it('refuses the operator AccessDenied on any other role, whether or not it exists, as IAM does', async () => {
    expect(await refusal(iam.send(new GetRoleCommand({ RoleName: 'someone-elses-role' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message:
        `User: ${OPERATOR_PRINCIPAL_ARN} is not authorized to perform: iam:GetRole on resource: role ` +
        'someone-elses-role because no identity-based policy allows the iam:GetRole action',
    });
  });
});

describe('the IAM front, for a caller allowed on every role', () => {
  const ADMIN = {
    accessKeyId: 'AKIAADMINADMINADMIN1',
    secretAccessKey: 'admin-secret-admin-secret-admin-secret-1',
    principalArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/admin`,
    policies: {
      Roles: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/*` },
          { Effect: 'Deny', Action: 'iam:DeleteRolePolicy', Resource: LOCAL_TENANT_ROLE_ARN },
        ],
      } satisfies PolicyJson,
    },
  };
  let front: IamEmulator;
  let admin: IAMClient;
  beforeAll(async () => {
    const account = new EmulatedAccount({
      accountId: LOCAL_ACCOUNT_ID,
      baseCredentials: [ADMIN],
      roles: [tenantAccessRole([LOCAL_DATA_BUCKET])],
    });
    front = await startIamEmulator({ account });
    admin = new IAMClient({ region: 'us-east-1', endpoint: front.url, credentials: ADMIN, maxAttempts: 1 });
  });
  afterAll(async () => {
    admin.destroy();
    await front.close();
  });

  it('answers NoSuchEntity (404) for a role the account does not have, to every action', async () => {
    const missing = 'no-such-role';
    const answers = [
      await refusal(admin.send(new GetRoleCommand({ RoleName: missing }))),
      await refusal(admin.send(new ListRolePoliciesCommand({ RoleName: missing }))),
      await refusal(
        admin.send(
          new PutRolePolicyCommand({
            RoleName: missing,
            PolicyName: 'P',
            PolicyDocument: JSON.stringify(denyPolicy('P')),
          }),
        ),
      ),
    ];

    for (const answer of answers) {
      expect(answer).toEqual({
        name: 'NoSuchEntityException',
        status: 404,
        message: 'The role with name no-such-role cannot be found.',
      });
    }
  });

  it('says so when an explicit deny in its identity policy refuses it', async () => {
    expect(
      await refusal(
        admin.send(new DeleteRolePolicyCommand({ RoleName: ROLE, PolicyName: TENANT_DATA_POLICY_NAME })),
      ),
    ).toEqual({
      name: 'AccessDenied',
      status: 403,
      message:
        `User: arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/admin is not authorized to perform: iam:DeleteRolePolicy on ` +
        `resource: role ${ROLE} with an explicit deny in an identity-based policy`,
    });
  });
});
