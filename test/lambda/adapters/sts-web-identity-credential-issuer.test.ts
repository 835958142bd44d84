import 'aws-sdk-client-mock-jest';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  ExpiredTokenException,
  IDPCommunicationErrorException,
  IDPRejectedClaimException,
  InvalidIdentityTokenException,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
  RegionDisabledException,
  STSClient,
} from '@aws-sdk/client-sts';
import { CachingCredentialIssuer } from '../../../lambda/adapters/caching-credential-issuer';
import {
  expiryDiagnosis,
  StsWebIdentityCredentialIssuer,
  type StsWebIdentityCredentialIssuerOptions,
  toAssumeRoleWithWebIdentityInput,
} from '../../../lambda/adapters/sts-web-identity-credential-issuer';
import {
  IssuerRejectedError,
  PolicyTooLargeError,
  TenantMisconfiguredError,
  ThrottledError,
  UpstreamUnavailableError,
  VendingError,
} from '../../../lambda/core/errors';
import type { TokenSigner } from '../../../lambda/core/ports';
import { base64url, type WebIdentityClaims } from '../../../lambda/core/web-identity-token';
import { failureOf } from '../../support/async';
import { registerSecret } from '../../support/leak-scan';
import { mockClients } from '../../support/mocked-clients';
import { ACME } from '../core/fixtures';
import {
  ACME_OWN_ROLE,
  ASSUMED_ROLE_ARN,
  ASSUMED_ROLE_USER,
  ISSUED,
  ISSUED_CREDENTIALS,
  localStsEndpoint,
  plannerFor,
  REJECTED_MESSAGE,
  ROLE_ARN,
  stsError,
  UNAVAILABLE_MESSAGE,
  unmodeled,
} from './sts-harness';

const ISSUER = 'https://credvend.example.com/prod';
const AUDIENCE = 'credvend';
const NOW_MS = Date.parse('2026-12-01T10:00:00Z');
const NOW_S = NOW_MS / 1000;

/** A plan as the core makes it for alice of acme (allowed 12-hour sessions), with field overrides. */
const planFor = plannerFor({ ...ACME, maxDurationSeconds: 43_200 });

/** A signer that records the claims it signs and returns a JWS-shaped token over them (the signature is fake). */
class RecordingSigner implements TokenSigner {
  readonly claims: WebIdentityClaims[] = [];
  readonly signals: (AbortSignal | undefined)[] = [];
  readonly sign = jest.fn(async (claims: WebIdentityClaims, options?: { abortSignal?: AbortSignal }) => {
    this.claims.push(claims);
    this.signals.push(options?.abortSignal);
    const token = `${base64url(JSON.stringify({ alg: 'ES256', kid: 'k-1', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;
    registerSecret(token);
    return token;
  });
  async publicKeys() {
    return [];
  }
}

describe('StsWebIdentityCredentialIssuer', () => {
  describe('with STS mocked', () => {
    const { stub: sts, clientFactory } = mockClients(STSClient, {});
    let signer: RecordingSigner;
    let clock: number;
    let ids: number;
    const issuerWith = (options: Partial<StsWebIdentityCredentialIssuerOptions> = {}) =>
      new StsWebIdentityCredentialIssuer({
        signer,
        issuer: ISSUER,
        audience: AUDIENCE,
        maxSessionSeconds: 43_200,
        clientFactory,
        now: () => clock,
        newTokenId: () => `token-${++ids}`,
        idpRetryDelayMs: 1,
        ...options,
      });

    beforeEach(() => {
      signer = new RecordingSigner();
      clock = NOW_MS;
      ids = 0;
      sts.on(AssumeRoleWithWebIdentityCommand).resolves({
        Credentials: ISSUED,
        AssumedRoleUser: ASSUMED_ROLE_USER,
        SubjectFromWebIdentityToken: 'acme:alice',
      });
    });

    it('exchanges the signed token for exactly the role, session name, policy and duration of the plan', async () => {
      const plan = planFor({ durationSeconds: 7200 });
      await issuerWith().issue(plan);

      expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 1);
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
      // Exactly these fields: the tags and the source identity travel in the token, there is no ExternalId.
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toStrictEqual({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'acme.alice.c0ffee00',
        WebIdentityToken: await signer.sign.mock.results[0]?.value,
        Policy: plan.policy,
        DurationSeconds: 7200,
      });
      expect(toAssumeRoleWithWebIdentityInput(plan, 'a.b.c')).toStrictEqual({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'acme.alice.c0ffee00',
        WebIdentityToken: 'a.b.c',
        Policy: plan.policy,
        DurationSeconds: 7200,
      });
    });

    it('signs claims naming the issuer, audience, tenant and caller, the tenant tag and the source identity', async () => {
      await issuerWith().issue(planFor());

      expect(signer.claims).toStrictEqual([
        {
          iss: ISSUER,
          aud: AUDIENCE,
          sub: 'acme:alice',
          iat: NOW_S,
          exp: NOW_S + 300,
          jti: 'token-1',
          'https://aws.amazon.com/tags': {
            principal_tags: { tenant: ['acme'] },
            transitive_tag_keys: ['tenant'],
          },
          'https://aws.amazon.com/source_identity': 'alice',
        },
      ]);
    });

    it('mints a fresh token for every STS call', async () => {
      const issuer = issuerWith();
      await issuer.issue(planFor());
      clock += 5000;
      await issuer.issue(planFor());

      const tokens = sts
        .commandCalls(AssumeRoleWithWebIdentityCommand)
        .map((c) => c.args[0].input.WebIdentityToken);
      expect(new Set(tokens).size).toBe(2);
      expect(signer.claims.map((c) => [c.jti, c.iat])).toEqual([
        ['token-1', NOW_S],
        ['token-2', NOW_S + 5],
      ]);
    });

    it('returns the issued credentials and the assumed-role ARN', async () => {
      await expect(issuerWith().issue(planFor())).resolves.toEqual(ISSUED_CREDENTIALS);
    });

    it('states MAX_SESSION_SECONDS as its longest session and sends durations up to it, 12 hours included', async () => {
      const issuer = issuerWith();
      await issuer.issue(planFor({ durationSeconds: 43_200 }));

      expect(issuer.maxSessionSeconds).toBe(43_200);
      expect(issuerWith({ maxSessionSeconds: 14_400 }).maxSessionSeconds).toBe(14_400);
      expect(sts).toHaveReceivedCommandWith(AssumeRoleWithWebIdentityCommand, { DurationSeconds: 43_200 });
    });

    it('works unchanged behind the credential cache: the same cap, one STS call for repeated identical plans', async () => {
      const cached = new CachingCredentialIssuer(issuerWith({ maxSessionSeconds: 28_800 }), {
        now: () => clock,
      });
      await cached.issue(planFor({ durationSeconds: 28_800 }));
      clock += 60_000;
      const again = await cached.issue(planFor({ durationSeconds: 28_800 }));

      expect(cached.maxSessionSeconds).toBe(28_800);
      expect(again.accessKeyId).toBe(ISSUED.AccessKeyId);
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 1);
      expect(signer.sign).toHaveBeenCalledTimes(1);
    });

    it('refuses a duration above its maximum without signing or calling STS', async () => {
      const error = await failureOf(
        issuerWith({ maxSessionSeconds: 3600 }).issue(planFor({ durationSeconds: 3601 })),
      );

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect(error).toMatchObject({
        code: 'ISSUER_REJECTED',
        status: 502,
        message: REJECTED_MESSAGE,
        detail:
          "AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/credvend-tenant-access as acme.alice.c0ffee00 in eu-west-1: DurationSeconds 3601 exceeds MAX_SESSION_SECONDS 3600 (the role's MaxSessionDuration); not sent",
      });
      expect(signer.sign).not.toHaveBeenCalled();
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
    });

    it("refuses a tenant-owned role's plan, which carries an external id, without signing or calling STS", async () => {
      const error = await failureOf(issuerWith().issue(planFor({}, ACME_OWN_ROLE)));

      expect(error).toBeInstanceOf(TenantMisconfiguredError);
      expect(error).toMatchObject({
        code: 'TENANT_MISCONFIGURED',
        status: 500,
        message: "This tenant's configuration is invalid; the platform team has to correct it.",
        detail: expect.stringMatching(
          /^tenant acme: its own role arn:aws:iam::210987654321:role\/acme-data comes with an external id, which AssumeRoleWithWebIdentity cannot send and credvend does not drop; web-identity mode refuses tenant-owned roles/,
        ),
      });
      expect((error as TenantMisconfiguredError).detail).not.toContain('acme-external-1');
      expect(signer.sign).not.toHaveBeenCalled();
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
    });

    it.each([
      ['an empty policy', ''],
      ['a blank policy', '  \n '],
    ])('refuses %s without signing or calling STS', async (_, policy) => {
      const error = await failureOf(issuerWith().issue(planFor({ policy })));

      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toMatch(/without a session policy/);
      expect(signer.sign).not.toHaveBeenCalled();
      expect(clientFactory).not.toHaveBeenCalled();
    });

    it('builds one client per region, once, and calls STS through it', async () => {
      const issuer = issuerWith();
      await issuer.issue(planFor({ region: 'eu-west-1' }));
      await issuer.issue(planFor({ region: 'us-east-1' }));
      await issuer.issue(planFor({ region: 'eu-west-1' }));

      expect(clientFactory.mock.calls).toEqual([['eu-west-1'], ['us-east-1']]);
      const [euWest, usEast] = clientFactory.mock.results.map((r) => r.value as STSClient);
      expect(sts.send.getCalls().map((call) => call.thisValue)).toEqual([euWest, usEast, euWest]);
    });

    it('destroys every client it built', async () => {
      const issuer = issuerWith();
      await issuer.issue(planFor());
      const spy = jest.spyOn(clientFactory.mock.results[0]?.value as STSClient, 'destroy');

      issuer.destroy();

      expect(spy).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['maxSessionSeconds', { maxSessionSeconds: 899 }],
      ['maxSessionSeconds', { maxSessionSeconds: 43_201 }],
      ['maxSessionSeconds', { maxSessionSeconds: 3600.5 }],
      ['idpAttempts', { idpAttempts: 0 }],
      ['deadlineMs', { deadlineMs: 0 }],
    ])('refuses a bad %s at construction', (_, options) => {
      expect(() => issuerWith(options)).toThrow(RangeError);
    });

    describe('maps STS failures', () => {
      const issueFailingWith = async (
        error: unknown,
        options: Partial<StsWebIdentityCredentialIssuerOptions> = {},
      ) => {
        sts.on(AssumeRoleWithWebIdentityCommand).rejects(error as Error);
        return failureOf(issuerWith(options).issue(planFor()));
      };
      const call =
        'AssumeRoleWithWebIdentity arn:aws:iam::123456789012:role/credvend-tenant-access as acme.alice.c0ffee00 in eu-west-1';

      it('InvalidIdentityTokenException → IssuerRejectedError (502) that says what to check', async () => {
        const error = await issueFailingWith(
          new InvalidIdentityTokenException({
            message: 'No OpenIDConnect provider found in your account',
            $metadata: { httpStatusCode: 400 },
          }),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect(error).toMatchObject({
          code: 'ISSUER_REJECTED',
          status: 502,
          message: REJECTED_MESSAGE,
          detail: `${call}: STS InvalidIdentityTokenException (HTTP 400): No OpenIDConnect provider found in your account (check that an IAM OIDC provider for ${ISSUER} exists and that ${ISSUER}/.well-known/jwks.json serves the signing key)`,
        });
      });

      it('IDPRejectedClaimException → IssuerRejectedError (502) naming the audience the provider must list', async () => {
        const error = await issueFailingWith(
          new IDPRejectedClaimException({
            message: 'Incorrect token audience',
            $metadata: { httpStatusCode: 403 },
          }),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as IssuerRejectedError).detail).toBe(
          `${call}: STS IDPRejectedClaimException (HTTP 403): Incorrect token audience (the IAM OIDC provider for ${ISSUER} must list client id credvend)`,
        );
      });

      it("ExpiredTokenException while the token is valid by the function's clock → IssuerRejectedError that says clock problem", async () => {
        const error = await issueFailingWith(
          new ExpiredTokenException({ message: 'Token is expired', $metadata: { httpStatusCode: 400 } }),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as IssuerRejectedError).detail).toBe(
          `${call}: STS ExpiredTokenException (HTTP 400): Token is expired (clock problem: the token has 300 s left by the function's clock, so the function's clock is at least that far behind STS's; iat ${NOW_S}, exp ${NOW_S + 300}, function clock ${NOW_S})`,
        );
      });

      it("ExpiredTokenException for a token past its exp by the function's own clock → IssuerRejectedError that says bug of ours", async () => {
        sts.on(AssumeRoleWithWebIdentityCommand).callsFake(() => {
          clock += 310_000;
          throw new ExpiredTokenException({
            message: 'Token is expired',
            $metadata: { httpStatusCode: 400 },
          });
        });
        const error = await failureOf(issuerWith().issue(planFor()));

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as IssuerRejectedError).detail).toMatch(
          /\(bug of ours: by the function's own clock the token expired 10 s ago \(a token must be minted fresh for each STS call\); iat \d+, exp \d+, function clock \d+\)$/,
        );
      });

      it('IDPCommunicationErrorException is retried with a fresh token within the deadline', async () => {
        sts
          .on(AssumeRoleWithWebIdentityCommand)
          .rejectsOnce(
            new IDPCommunicationErrorException({
              message: 'could not reach the JWKS',
              $metadata: { httpStatusCode: 400 },
            }),
          )
          .resolves({ Credentials: ISSUED });

        await expect(issuerWith().issue(planFor())).resolves.toMatchObject({
          accessKeyId: ISSUED.AccessKeyId,
        });
        expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 2);
        expect(signer.claims.map((c) => c.jti)).toEqual(['token-1', 'token-2']);
      });

      it('IDPCommunicationErrorException every time → UpstreamUnavailableError (503) after the last attempt', async () => {
        const error = await issueFailingWith(
          new IDPCommunicationErrorException({
            message: 'could not reach the JWKS',
            $metadata: { httpStatusCode: 400 },
          }),
          { idpAttempts: 3 },
        );

        expect(error).toBeInstanceOf(UpstreamUnavailableError);
        expect(error).toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          status: 503,
          message: UNAVAILABLE_MESSAGE,
          retryAfterSeconds: 2,
          detail: `${call}: STS IDPCommunicationErrorException (HTTP 400): could not reach the JWKS (STS could not fetch ${ISSUER}/.well-known/jwks.json; 3 call(s) made)`,
        });
        expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 3);
      });

      it('IDPCommunicationErrorException retries stop at the deadline', async () => {
        const error = await issueFailingWith(
          new IDPCommunicationErrorException({ message: 'could not reach the JWKS', $metadata: {} }),
          { idpAttempts: 1000, idpRetryDelayMs: 20, deadlineMs: 100 },
        );

        expect(error).toBeInstanceOf(UpstreamUnavailableError);
        expect((error as UpstreamUnavailableError).detail).toMatch(
          /did not complete within the 100 ms deadline$/,
        );
        expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand).length).toBeLessThan(10);
      });

      it('PackedPolicyTooLargeException → PolicyTooLargeError (400)', async () => {
        const error = await issueFailingWith(
          new PackedPolicyTooLargeException({
            message: 'Packed policy consumes 112% of allotted space',
            $metadata: {},
          }),
        );

        expect(error).toBeInstanceOf(PolicyTooLargeError);
        expect(error).toMatchObject({
          code: 'POLICY_TOO_LARGE',
          status: 400,
          detail: expect.stringContaining('112%'),
        });
      });

      it('MalformedPolicyDocumentException → a plain Error (a bug of ours, generic 500)', async () => {
        const error = await issueFailingWith(
          new MalformedPolicyDocumentException({ message: 'Syntax errors in policy.', $metadata: {} }),
        );

        expect(error).not.toBeInstanceOf(VendingError);
        expect((error as Error).message).toMatch(/rejected the planned session policy as malformed/);
      });

      it('RegionDisabledException → IssuerRejectedError (502)', async () => {
        const error = await issueFailingWith(
          new RegionDisabledException({ message: 'STS is not activated in this region', $metadata: {} }),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as IssuerRejectedError).detail).toContain('STS is not activated in this region');
      });

      it('AccessDenied (the trust policy said no) → IssuerRejectedError (502) whose message hides what STS said', async () => {
        const error = await issueFailingWith(
          unmodeled('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as Error).message).toBe(REJECTED_MESSAGE);
        expect((error as IssuerRejectedError).detail).toContain(
          'Not authorized to perform sts:AssumeRoleWithWebIdentity',
        );
      });

      it("ValidationError for the role's MaxSessionDuration → IssuerRejectedError that blames MAX_SESSION_SECONDS", async () => {
        const error = await issueFailingWith(
          unmodeled(
            'ValidationError',
            'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
            400,
          ),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as IssuerRejectedError).detail).toMatch(
          /\(DurationSeconds 900: MAX_SESSION_SECONDS is above the role's MaxSessionDuration\)$/,
        );
      });

      it('Throttling → ThrottledError (429) with a Retry-After', async () => {
        const error = await issueFailingWith(unmodeled('Throttling', 'Rate exceeded', 400));

        expect(error).toBeInstanceOf(ThrottledError);
        expect(error).toMatchObject({ code: 'THROTTLED', status: 429, retryAfterSeconds: 2 });
      });

      it('a 500 → UpstreamUnavailableError (503)', async () => {
        const error = await issueFailingWith(unmodeled('InternalFailure', 'internal failure', 500));

        expect(error).toBeInstanceOf(UpstreamUnavailableError);
        expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 2 });
      });

      it('an unknown failure → a plain Error (generic 500)', async () => {
        const error = await issueFailingWith(new TypeError('Cannot read properties of undefined'));

        expect(error).not.toBeInstanceOf(VendingError);
        expect((error as Error).message).toBe(
          'STS AssumeRoleWithWebIdentity failed unexpectedly (TypeError)',
        );
      });

      it('a signing failure passes through as the signer mapped it, and STS is not called', async () => {
        const throttled = new ThrottledError('Too many credential requests right now; retry shortly.', {
          detail: 'KMS Sign …',
        });
        signer.sign.mockRejectedValueOnce(throttled);

        await expect(issuerWith().issue(planFor())).rejects.toBe(throttled);
        expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
      });

      it('an answer without credentials → IssuerRejectedError (502) naming the missing fields only', async () => {
        sts.on(AssumeRoleWithWebIdentityCommand).resolves({ Credentials: { ...ISSUED, SessionToken: '' } });
        const error = await failureOf(issuerWith().issue(planFor()));

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect((error as IssuerRejectedError).detail).toBe(
          `${call}: AssumeRoleWithWebIdentity answered without a usable Credentials.SessionToken`,
        );
      });
    });

    it('gives up at the deadline on an STS call that never answers, and aborts it', async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).callsFake(() => new Promise(() => {}));
      const started = Date.now();

      const error = await failureOf(issuerWith({ deadlineMs: 50 }).issue(planFor()));

      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: UNAVAILABLE_MESSAGE,
        retryAfterSeconds: 2,
        detail: expect.stringMatching(
          /: signing and STS AssumeRoleWithWebIdentity did not complete within the 50 ms deadline$/,
        ),
      });
      const [, options] = sts.send.getCall(0).args as unknown[] as [unknown, { abortSignal?: AbortSignal }?];
      expect(options?.abortSignal?.aborted).toBe(true);
    });

    it('counts signing in the deadline: a signer that never answers is aborted, and STS is not called', async () => {
      signer.sign.mockImplementationOnce((_claims, options) => {
        signer.signals.push(options?.abortSignal);
        return new Promise(() => {});
      });

      const error = await failureOf(issuerWith({ deadlineMs: 50 }).issue(planFor()));

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(signer.signals[0]?.aborted).toBe(true);
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
    });
  });

  describe('expiryDiagnosis', () => {
    it('blames the clocks while the token is valid by ours, and us once it is not', () => {
      expect(expiryDiagnosis({ iat: 100, exp: 400 }, 399_999)).toMatch(
        /^clock problem: the token has 1 s left/,
      );
      expect(expiryDiagnosis({ iat: 100, exp: 400 }, 400_000)).toMatch(/^bug of ours: .* expired 0 s ago/);
    });
  });

  describe('with the real SDK client against a local HTTP endpoint', () => {
    const endpoint = localStsEndpoint();
    const { received } = endpoint;
    let issuer: StsWebIdentityCredentialIssuer | undefined;
    const saved = { ...process.env };

    const live = (options: Partial<StsWebIdentityCredentialIssuerOptions> = {}) => {
      issuer = new StsWebIdentityCredentialIssuer({
        signer: new RecordingSigner(),
        issuer: ISSUER,
        audience: AUDIENCE,
        maxSessionSeconds: 43_200,
        endpoint: endpoint.url,
        idpRetryDelayMs: 1,
        ...options,
      });
      return issuer;
    };

    beforeAll(() => {
      // Credentials the SDK's default chain would find: an unsigned client must not use them.
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIDENVIRONMENT00001',
        AWS_SECRET_ACCESS_KEY: 'environment-secret-access-key-0001',
        AWS_SESSION_TOKEN: 'environment-session-token-0001',
        AWS_AUTH_SCHEME_PREFERENCE: 'sigv4a,sigv4',
      });
      registerSecret('environment-secret-access-key-0001');
    });
    afterEach(() => {
      issuer?.destroy();
      issuer = undefined;
    });
    afterAll(() => {
      process.env = saved;
    });

    it('sends the AssumeRoleWithWebIdentity query unsigned, even with credentials in the environment, and reads the answer', async () => {
      endpoint.respond = (response) => {
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>acme:alice</SubjectFromWebIdentityToken><Audience>credvend</Audience><AssumedRoleUser><Arn>${ASSUMED_ROLE_ARN}</Arn><AssumedRoleId>AROAEXAMPLE:acme.alice.c0ffee00</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${ISSUED.AccessKeyId}</AccessKeyId><SecretAccessKey>${ISSUED.SecretAccessKey}</SecretAccessKey><SessionToken>${ISSUED.SessionToken}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><SourceIdentity>alice</SourceIdentity><Provider>${ISSUER}</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>c0ffee</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
          );
      };
      const plan = planFor({ durationSeconds: 43_200 });
      const signer = new RecordingSigner();

      await expect(live({ signer }).issue(plan)).resolves.toEqual(ISSUED_CREDENTIALS);
      expect(received).toHaveLength(1);
      const [{ headers, body }] = received as [(typeof received)[0]];
      expect(headers.authorization).toBeUndefined();
      expect(headers['x-amz-security-token']).toBeUndefined();
      expect(headers['x-amz-date']).toBeUndefined();
      expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'acme.alice.c0ffee00',
        WebIdentityToken: await signer.sign.mock.results[0]?.value,
        Policy: plan.policy,
        DurationSeconds: '43200',
      });
    });

    it.each([
      [400, 'InvalidIdentityToken', IssuerRejectedError, InvalidIdentityTokenException],
      [403, 'IDPRejectedClaim', IssuerRejectedError, IDPRejectedClaimException],
      [400, 'ExpiredTokenException', IssuerRejectedError, ExpiredTokenException],
      [403, 'RegionDisabledException', IssuerRejectedError, RegionDisabledException],
      [400, 'PackedPolicyTooLarge', PolicyTooLargeError, PackedPolicyTooLargeException],
    ])('maps an AWS-shaped %s %s answer', async (status, code, mapped, sdkClass) => {
      endpoint.respond = stsError(status, code, 'refused');
      const error = await failureOf(live({ maxAttempts: 1 }).issue(planFor()));

      expect(error).toBeInstanceOf(mapped);
      expect((error as Error).cause).toBeInstanceOf(sdkClass);
      expect(received).toHaveLength(1);
    });

    it('retries an AWS-shaped IDPCommunicationError answer, then reports STS unavailable', async () => {
      endpoint.respond = stsError(
        400,
        'IDPCommunicationError',
        "Couldn't retrieve verification key from your identity provider",
      );
      const error = await failureOf(live({ maxAttempts: 1, idpAttempts: 2 }).issue(planFor()));

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect((error as Error).cause).toBeInstanceOf(IDPCommunicationErrorException);
      expect(received).toHaveLength(2);
    });
  });
});
