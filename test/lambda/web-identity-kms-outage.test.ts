/**
 * A cold function in web-identity mode whose first requests meet a failing KMS: the well-known routes and the vend
 * answer 503 with a stable code and nothing of KMS's answer, and the next request after KMS recovers succeeds (the
 * failure is not cached). Its own file: the keys must not have been read yet by an earlier test.
 */
import 'aws-sdk-client-mock-jest';
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import {
  auditEventsOf,
  call,
  kms,
  sts,
  tokenOf,
  useHandler,
  webIdentityEnv,
  webIdentityKeys,
} from '../support/handler-harness';
import { kmsError } from '../support/kms-keys';

useHandler(webIdentityEnv());

const arn = webIdentityKeys()[0]?.arn ?? '';
const outage = () =>
  kms.on(GetPublicKeyCommand).rejects(kmsError('KMSInternalException', `Internal failure for ${arn}`, 500));

describe('a cold function while KMS fails', () => {
  const routes = ['/.well-known/jwks.json', '/.well-known/openid-configuration'];

  it('answers 503 UPSTREAM_UNAVAILABLE on both well-known routes, uncached and without KMS internals, then recovers', async () => {
    outage();

    for (const url of routes) {
      const failed = await call({ method: 'GET', url, token: null });

      expect(failed.status).toBe(503);
      expect(failed.body).toStrictEqual({
        error: {
          code: 'UPSTREAM_UNAVAILABLE',
          message: "credvend's signing keys are temporarily unavailable; retry shortly.",
          requestId: failed.requestId,
        },
      });
      expect(failed.headers['Retry-After']).toBe('2');
      expect(failed.headers['Cache-Control']).toBe('no-store');
      expect(JSON.stringify(failed.body)).not.toMatch(/arn:aws|KMSInternal|Internal failure/);
      expect(auditEventsOf(failed.requestId)[0]).toMatchObject({
        outcome: 'failed',
        errorCode: 'UPSTREAM_UNAVAILABLE',
        detail: expect.stringContaining(
          `KMS GetPublicKey of ${arn} in eu-west-1: KMS KMSInternalException (HTTP 500)`,
        ),
      });
    }

    kms.reset();
    const [signing, next] = webIdentityKeys();
    kms.on(GetPublicKeyCommand, { KeyId: signing?.arn }).resolves(signing?.getPublicKeyAnswer() ?? {});
    kms.on(GetPublicKeyCommand, { KeyId: next?.keyId }).resolves(next?.getPublicKeyAnswer() ?? {});
    for (const url of routes) {
      expect((await call({ method: 'GET', url, token: null })).status).toBe(200);
    }
    // One read per key once KMS answered, then kept for the container's life.
    expect(kms).toHaveReceivedCommandTimes(GetPublicKeyCommand, 2);
  });
});

describe('a vend while KMS fails (keys already read)', () => {
  it('answers 503 UPSTREAM_UNAVAILABLE and never calls STS', async () => {
    kms.reset();
    kms.onAnyCommand().rejects(kmsError('DependencyTimeoutException', 'slow', 503));

    const response = await call({ method: 'POST', url: '/v1/credentials', token: tokenOf('hooli') });

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
  });
});
