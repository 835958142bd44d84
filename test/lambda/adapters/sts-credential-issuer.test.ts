import 'aws-sdk-client-mock-jest';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandOutput,
  ExpiredTokenException,
  MalformedPolicyDocumentException,
  PackedPolicyTooLargeException,
  RegionDisabledException,
  STSClient,
} from '@aws-sdk/client-sts';
import {
  mapStsError,
  ROLE_CHAINING_MAX_SESSION_SECONDS,
  StsCredentialIssuer,
} from '../../../lambda/adapters/sts-credential-issuer';
import { ISSUER_RETRY_AFTER_SECONDS } from '../../../lambda/adapters/sts-outcomes';
import {
  IssuerRejectedError,
  PolicyTooLargeError,
  ThrottledError,
  UpstreamUnavailableError,
  VendingError,
} from '../../../lambda/core/errors';
import { failureOf, within } from '../../support/async';
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

/** The Lambda's own (caller) credentials in these tests: fake, but treated as secret. */
const CALLER_CREDENTIALS = { accessKeyId: 'AKIDCALLER0000000001', secretAccessKey: 'caller-secret-key-0001' };
registerSecret(CALLER_CREDENTIALS.secretAccessKey);

/** A plan as the core makes it for alice of acme, with field overrides. */
const planFor = plannerFor(ACME);

describe('StsCredentialIssuer', () => {
  describe('with STS mocked', () => {
    const { stub: sts, clientFactory } = mockClients(STSClient, { credentials: CALLER_CREDENTIALS });
    const issuerWith = (options: { deadlineMs?: number } = {}) =>
      new StsCredentialIssuer({ clientFactory, ...options });

    beforeEach(() => {
      sts.on(AssumeRoleCommand).resolves({ Credentials: ISSUED, AssumedRoleUser: ASSUMED_ROLE_USER });
    });

    it('passes the role, session name, duration, policy, tenant tag and source identity to AssumeRole', async () => {
      const plan = planFor();
      await issuerWith().issue(plan);

      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
      expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: ROLE_ARN,
        RoleSessionName: 'acme.alice.c0ffee00',
        DurationSeconds: 900,
        Policy: plan.policy,
        Tags: [{ Key: 'tenant', Value: 'acme' }],
        TransitiveTagKeys: ['tenant'],
        SourceIdentity: 'alice',
      });
      // Exactly these fields: no ExternalId for a tenant without one, no PolicyArns.
      expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toStrictEqual({
        RoleArn: ROLE_ARN,
        RoleSessionName: 'acme.alice.c0ffee00',
        DurationSeconds: 900,
        Policy: plan.policy,
        Tags: [{ Key: 'tenant', Value: 'acme' }],
        TransitiveTagKeys: ['tenant'],
        SourceIdentity: 'alice',
      });
    });

    it("passes the tenant's own role and external id when the tenant has them", async () => {
      await issuerWith().issue(planFor({}, ACME_OWN_ROLE));

      expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
        RoleArn: 'arn:aws:iam::210987654321:role/acme-data',
        ExternalId: 'acme-external-1',
      });
    });

    it('returns the issued credentials and the assumed-role ARN', async () => {
      await expect(issuerWith().issue(planFor())).resolves.toEqual(ISSUED_CREDENTIALS);
    });

    it('leaves the assumed-role ARN out when STS does not report it', async () => {
      sts.on(AssumeRoleCommand).resolves({ Credentials: ISSUED });
      const issued = await issuerWith().issue(planFor());
      expect(issued).not.toHaveProperty('assumedRoleArn');
      expect(issued.accessKeyId).toBe(ISSUED.AccessKeyId);
    });

    it('builds one client per region, once, with that region, and calls STS through it', async () => {
      const issuer = issuerWith();
      await issuer.issue(planFor({ region: 'eu-west-1' }));
      await issuer.issue(planFor({ region: 'us-east-1' }));
      await issuer.issue(planFor({ region: 'eu-west-1' }));

      expect(clientFactory).toHaveBeenCalledTimes(2);
      expect(clientFactory.mock.calls).toEqual([['eu-west-1'], ['us-east-1']]);
      const [euWest, usEast] = clientFactory.mock.results.map((r) => r.value as STSClient);
      expect(sts.send.getCalls().map((call) => call.thisValue)).toEqual([euWest, usEast, euWest]);
    });

    it('states the one-hour role-chaining cap as its longest session', () => {
      expect(issuerWith().maxSessionSeconds).toBe(3600);
      expect(ROLE_CHAINING_MAX_SESSION_SECONDS).toBe(3600);
    });

    it.each([
      ['an empty policy', ''],
      ['a blank policy', '  \n '],
    ])('refuses %s without calling STS', async (_, policy) => {
      const error = await failureOf(issuerWith().issue(planFor({ policy })));

      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(VendingError);
      expect((error as Error).message).toMatch(/without a session policy/);
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
      expect(clientFactory).not.toHaveBeenCalled();
    });

    it('refuses a duration above the role-chaining cap without calling STS', async () => {
      const error = await failureOf(issuerWith().issue(planFor({ durationSeconds: 3601 })));

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect(error).toMatchObject({
        code: 'ISSUER_REJECTED',
        status: 502,
        message: REJECTED_MESSAGE,
        detail: expect.stringMatching(
          /DurationSeconds 3601 exceeds the 3600 s cap of STS role chaining; not sent/,
        ),
      });
      expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    });

    it('sends a duration of exactly one hour', async () => {
      await issuerWith().issue(planFor({ durationSeconds: 3600 }));
      expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { DurationSeconds: 3600 });
    });

    describe('maps STS failures', () => {
      const issueFailingWith = async (error: unknown) => {
        sts.on(AssumeRoleCommand).rejects(error as Error);
        return failureOf(issuerWith().issue(planFor()));
      };

      it('Throttling → ThrottledError (429) with a Retry-After', async () => {
        const error = await issueFailingWith(unmodeled('Throttling', 'Rate exceeded', 400));

        expect(error).toBeInstanceOf(ThrottledError);
        expect(error).toMatchObject({
          code: 'THROTTLED',
          status: 429,
          message: 'Too many credential requests right now; retry shortly.',
          retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
          detail: expect.stringContaining('STS Throttling (HTTP 400): Rate exceeded'),
        });
      });

      it('any HTTP 429 → ThrottledError', async () => {
        const error = await issueFailingWith(unmodeled('TooManyRequests', 'slow down', 429));
        expect(error).toBeInstanceOf(ThrottledError);
        expect(error).toMatchObject({ code: 'THROTTLED', status: 429 });
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
          message:
            'The session policy and tags for this request are too large for STS; request fewer scope entries.',
          detail: expect.stringContaining('112% of allotted space'),
        });
      });

      it('MalformedPolicyDocumentException → a plain Error (a bug of ours, generic 500)', async () => {
        const error = await issueFailingWith(
          new MalformedPolicyDocumentException({ message: 'Syntax errors in policy.', $metadata: {} }),
        );

        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(VendingError);
        expect((error as Error).message).toMatch(/rejected the planned session policy as malformed/);
        expect((error as Error).cause).toBeInstanceOf(MalformedPolicyDocumentException);
      });

      it('ValidationError for the role-chaining limit → IssuerRejectedError (502) that names the cap', async () => {
        const error = await issueFailingWith(
          unmodeled(
            'ValidationError',
            'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
            400,
          ),
        );

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect(error).toMatchObject({
          code: 'ISSUER_REJECTED',
          status: 502,
          message: REJECTED_MESSAGE,
          detail: expect.stringMatching(/above the 1 hour role-chaining cap/),
        });
      });

      it('AccessDenied → IssuerRejectedError (502) whose message hides what STS said', async () => {
        const stsMessage =
          'User: arn:aws:sts::123456789012:assumed-role/credvend-vend/fn is not authorized to perform: sts:AssumeRole';
        const error = await issueFailingWith(unmodeled('AccessDenied', stsMessage, 403));

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect(error).toMatchObject({ code: 'ISSUER_REJECTED', status: 502, message: REJECTED_MESSAGE });
        expect((error as Error).message).not.toContain('arn:aws');
        expect((error as IssuerRejectedError).detail).toContain(stsMessage);
        expect((error as IssuerRejectedError).detail).toContain('STS AccessDenied (HTTP 403)');
      });

      it('RegionDisabledException → IssuerRejectedError (502)', async () => {
        const error = await issueFailingWith(
          new RegionDisabledException({ message: 'STS is not activated in this region', $metadata: {} }),
        );
        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect(error).toMatchObject({
          code: 'ISSUER_REJECTED',
          status: 502,
          message: REJECTED_MESSAGE,
          detail: expect.stringContaining('STS is not activated in this region'),
        });
      });

      it('ExpiredTokenException → IssuerRejectedError (502)', async () => {
        const error = await issueFailingWith(
          new ExpiredTokenException({
            message: 'The security token included in the request is expired',
            $metadata: {},
          }),
        );
        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect(error).toMatchObject({ code: 'ISSUER_REJECTED', status: 502 });
      });

      it.each([
        ['a 500 InternalFailure', unmodeled('InternalFailure', 'internal failure', 500)],
        ['a 503 ServiceUnavailable', unmodeled('ServiceUnavailable', 'unavailable', 503)],
        [
          'a refused connection',
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }),
        ],
        ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
        ['a DNS failure', Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })],
        [
          'a request timeout',
          Object.assign(new Error('a request has exceeded the configured 3000 ms requestTimeout'), {
            name: 'TimeoutError',
          }),
        ],
      ])('%s → UpstreamUnavailableError (503) with a Retry-After', async (_, cause) => {
        const error = await issueFailingWith(cause);

        expect(error).toBeInstanceOf(UpstreamUnavailableError);
        expect(error).toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          status: 503,
          message: UNAVAILABLE_MESSAGE,
          retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
        });
        expect((error as Error).cause).toBe(cause);
      });

      it('an unknown failure → a plain Error (generic 500)', async () => {
        const error = await issueFailingWith(new TypeError('Cannot read properties of undefined'));

        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(VendingError);
        expect((error as Error).message).toBe('STS AssumeRole failed unexpectedly (TypeError)');
      });

      it('a thrown value that is not an Error → a plain Error', () => {
        const error = mapStsError('just a string', planFor());
        expect(error).not.toBeInstanceOf(VendingError);
        expect(error.message).toBe('STS AssumeRole failed unexpectedly (UnknownError)');
      });
    });

    it('gives up at the deadline on a call that never answers, and aborts it', async () => {
      sts.on(AssumeRoleCommand).callsFake(() => new Promise(() => {}));
      const started = Date.now();

      const error = await failureOf(issuerWith({ deadlineMs: 50 }).issue(planFor()));

      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        status: 503,
        message: UNAVAILABLE_MESSAGE,
        retryAfterSeconds: ISSUER_RETRY_AFTER_SECONDS,
        detail: expect.stringMatching(/did not complete within the 50 ms deadline/),
      });
      const [, options] = sts.send.getCall(0).args as unknown[] as [unknown, { abortSignal?: AbortSignal }?];
      expect(options?.abortSignal?.aborted).toBe(true);
    });

    describe('refuses an answer without usable credentials', () => {
      it.each<[string, Partial<AssumeRoleCommandOutput>, RegExp]>([
        [
          'no Credentials at all',
          {},
          /without a usable Credentials\.AccessKeyId, Credentials\.SecretAccessKey/,
        ],
        [
          'no SessionToken',
          { Credentials: { ...ISSUED, SessionToken: '' } },
          /without a usable Credentials\.SessionToken$/,
        ],
        [
          'an invalid Expiration',
          { Credentials: { ...ISSUED, Expiration: new Date('not a date') } },
          /without a usable Credentials\.Expiration$/,
        ],
      ])('%s → IssuerRejectedError (502)', async (_, answer, detail) => {
        sts.on(AssumeRoleCommand).resolves(answer);
        const error = await failureOf(issuerWith().issue(planFor()));

        expect(error).toBeInstanceOf(IssuerRejectedError);
        expect(error).toMatchObject({ code: 'ISSUER_REJECTED', status: 502, message: REJECTED_MESSAGE });
        const text = (error as IssuerRejectedError).detail ?? '';
        expect(text).toMatch(detail);
        expect(text).not.toContain(ISSUED.SecretAccessKey);
        expect(text).not.toContain(ISSUED.SessionToken);
      });
    });

    it('destroys every client it built', async () => {
      const issuer = issuerWith();
      await issuer.issue(planFor({ region: 'eu-west-1' }));
      await issuer.issue(planFor({ region: 'us-east-1' }));
      const destroyed = clientFactory.mock.results.map((r) => jest.spyOn(r.value as STSClient, 'destroy'));

      issuer.destroy();

      for (const spy of destroyed) expect(spy).toHaveBeenCalledTimes(1);
    });

    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
      'refuses a deadline of %s ms',
      (deadlineMs) => {
        expect(() => issuerWith({ deadlineMs })).toThrow(RangeError);
      },
    );
  });

  describe('with the real SDK client against a local HTTP endpoint', () => {
    const endpoint = localStsEndpoint();
    const { received } = endpoint;
    let issuer: StsCredentialIssuer | undefined;
    const live = (options: { maxAttempts?: number; requestTimeoutMs?: number; deadlineMs?: number }) => {
      issuer = new StsCredentialIssuer({
        endpoint: endpoint.url,
        credentials: CALLER_CREDENTIALS,
        ...options,
      });
      return issuer;
    };

    afterEach(() => {
      issuer?.destroy();
      issuer = undefined;
    });

    it('sends the AssumeRole query and reads the XML answer', async () => {
      endpoint.respond = (response) => {
        response
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><SourceIdentity>alice</SourceIdentity><AssumedRoleUser><Arn>${ASSUMED_ROLE_ARN}</Arn><AssumedRoleId>AROAEXAMPLE:acme.alice.c0ffee00</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${ISSUED.AccessKeyId}</AccessKeyId><SecretAccessKey>${ISSUED.SecretAccessKey}</SecretAccessKey><SessionToken>${ISSUED.SessionToken}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><PackedPolicySize>7</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>c0ffee</RequestId></ResponseMetadata></AssumeRoleResponse>`,
          );
      };
      const plan = planFor();

      await expect(live({}).issue(plan)).resolves.toEqual(ISSUED_CREDENTIALS);
      expect(received).toHaveLength(1);
      const query = Object.fromEntries(new URLSearchParams(received[0]?.body ?? ''));
      expect(query).toEqual({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'acme.alice.c0ffee00',
        DurationSeconds: '900',
        Policy: plan.policy,
        'Tags.member.1.Key': 'tenant',
        'Tags.member.1.Value': 'acme',
        'TransitiveTagKeys.member.1': 'tenant',
        SourceIdentity: 'alice',
      });
    });

    it('maps an AWS-shaped AccessDenied answer to IssuerRejectedError', async () => {
      endpoint.respond = stsError(403, 'AccessDenied', 'not authorized to perform sts:AssumeRole');
      const error = await failureOf(live({}).issue(planFor()));

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect(error).toMatchObject({
        code: 'ISSUER_REJECTED',
        message: REJECTED_MESSAGE,
        detail: expect.stringContaining('STS AccessDenied (HTTP 403): not authorized'),
      });
      expect(received).toHaveLength(1);
    });

    it('maps an AWS-shaped RegionDisabledException answer to IssuerRejectedError', async () => {
      endpoint.respond = stsError(403, 'RegionDisabledException', 'STS is not activated in this region');
      const error = await failureOf(live({}).issue(planFor()));

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect((error as Error).cause).toBeInstanceOf(RegionDisabledException);
    });

    it('maps an AWS-shaped ExpiredToken answer (expired base credentials) to IssuerRejectedError', async () => {
      endpoint.respond = stsError(
        403,
        'ExpiredToken',
        'The security token included in the request is expired',
      );
      const error = await failureOf(live({}).issue(planFor()));

      expect(error).toBeInstanceOf(IssuerRejectedError);
      expect(error).toMatchObject({ code: 'ISSUER_REJECTED', status: 502 });
    });

    it('maps an AWS-shaped Throttling answer to ThrottledError', async () => {
      endpoint.respond = stsError(400, 'Throttling', 'Rate exceeded');
      const error = await failureOf(live({ maxAttempts: 1 }).issue(planFor()));

      expect(error).toBeInstanceOf(ThrottledError);
      expect(error).toMatchObject({ code: 'THROTTLED', status: 429, retryAfterSeconds: 2 });
    });

    it('retries a failing STS a bounded number of times, then reports it unavailable', async () => {
      endpoint.respond = (response) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal failure');
      };
      const error = await failureOf(live({ maxAttempts: 2 }).issue(planFor()));

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, retryAfterSeconds: 2 });
      expect(received).toHaveLength(2);
    });

    it('cancels the live request when the deadline passes', async () => {
      endpoint.respond = () => {}; // Never answers.
      const started = Date.now();

      const error = await failureOf(live({ deadlineMs: 200, requestTimeoutMs: 30_000 }).issue(planFor()));

      expect(Date.now() - started).toBeLessThan(3000);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        detail: expect.stringMatching(/did not complete within the 200 ms deadline/),
      });
      // The aborted request's connection is closed from the client side (not by afterEach), and not retried.
      expect(received).toHaveLength(1);
      await within(2000, 'closing the aborted connection', received[0]?.closed ?? Promise.resolve());
      expect(received).toHaveLength(1);
    });

    it('bounds a slow STS by the per-attempt timeout times the attempts', async () => {
      endpoint.respond = () => {}; // Never answers.

      const error = await failureOf(
        live({ maxAttempts: 2, requestTimeoutMs: 100, deadlineMs: 20_000 }).issue(planFor()),
      );

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect((error as UpstreamUnavailableError).detail).toMatch(/STS TimeoutError/);
      expect(received).toHaveLength(2);
    });
  });
});
