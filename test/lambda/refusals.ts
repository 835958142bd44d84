/**
 * The refusals that come before any STS call (and, in web-identity mode, before any KMS signature), shared by the
 * handler suites of both session modes: each is answered in the error shape with its status and code, audited, and
 * sends nothing upstream.
 */
import 'aws-sdk-client-mock-jest';
import { SignCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import type { SessionMode } from '../../sandbox/sandbox';
import { auditEventsOf, call, kms, sts, tokenOf, tokens } from '../support/handler-harness';
import { TokenFactory } from '../support/token-factory';

/** Registers the refusal suite; the file must have called `useHandler` with `mode`'s environment. */
export function describeRefusalsBeforeSts(mode: SessionMode): void {
  describe(`refusals before STS (${mode} mode)`, () => {
    const vend = { method: 'POST', url: '/v1/credentials' } as const;
    const cases: [string, Parameters<typeof call>[0], number, string][] = [
      ['no Authorization header', { ...vend, token: null }, 401, 'UNAUTHENTICATED'],
      [
        'a forged token',
        { ...vend, token: new TokenFactory('test-key-1').oidcToken() },
        401,
        'UNAUTHENTICATED',
      ],
      [
        'an expired token',
        { ...vend, token: tokens.oidcToken({ exp: 1_700_000_000 }) },
        401,
        'TOKEN_EXPIRED',
      ],
      [
        'an expired token for another audience',
        { ...vend, token: tokens.oidcToken({ exp: 1_700_000_000, aud: 'another-api' }) },
        401,
        'UNAUTHENTICATED',
      ],
      ['an unknown tenant', { ...vend, token: tokenOf('umbrella') }, 403, 'TENANT_NOT_FOUND'],
      ['a suspended tenant', { ...vend, token: tokenOf('initech') }, 403, 'TENANT_SUSPENDED'],
      [
        "another tenant's prefix",
        { ...vend, body: JSON.stringify({ scope: [{ prefix: 'tenants/globex/' }] }) },
        403,
        'SCOPE_NOT_GRANTED',
      ],
      [
        'more access than granted',
        { ...vend, body: JSON.stringify({ scope: [{ prefix: 'tenants/acme/', access: ['write'] }] }) },
        403,
        'SCOPE_NOT_GRANTED',
      ],
      [
        'a duration above the tenant maximum',
        { ...vend, body: '{"durationSeconds":3601}' },
        400,
        'DURATION_TOO_LONG',
      ],
      [
        'a duration below the STS minimum',
        { ...vend, body: '{"durationSeconds":899}' },
        400,
        'DURATION_TOO_SHORT',
      ],
      [
        'a region the tenant may not use',
        { ...vend, body: '{"region":"ap-south-1"}' },
        400,
        'REGION_NOT_ALLOWED',
      ],
      [
        'a wildcard in the prefix',
        { ...vend, body: '{"scope":[{"prefix":"tenants/*/"}]}' },
        400,
        'INVALID_SCOPE',
      ],
      ['a body that is not JSON', { ...vend, body: '{"scope":' }, 400, 'INVALID_REQUEST'],
      ['an unknown field', { ...vend, body: '{"roleArn":"arn:aws:iam::1:role/x"}' }, 400, 'INVALID_REQUEST'],
      ['a body over 16 KiB', { ...vend, body: `{"x":"${'a'.repeat(17_000)}"}` }, 413, 'REQUEST_TOO_LARGE'],
      mode === 'role-chaining'
        ? [
            'a tenant record above the role-chaining cap',
            { ...vend, token: tokenOf('hooli') },
            500,
            'TENANT_MISCONFIGURED',
          ]
        : [
            'a tenant-owned role, which AssumeRoleWithWebIdentity cannot serve',
            { ...vend, token: tokenOf('globex') },
            500,
            'TENANT_MISCONFIGURED',
          ],
      ['an unknown route', { method: 'GET', url: '/v1/secrets' }, 404, 'NOT_FOUND'],
      ['a wrong method', { method: 'DELETE', url: '/v1/credentials' }, 405, 'METHOD_NOT_ALLOWED'],
      [
        'a query parameter given twice',
        { method: 'GET', url: '/v1/credentials/process?durationSeconds=900&durationSeconds=3600' },
        400,
        'INVALID_REQUEST',
      ],
    ];

    it.each(cases)(
      '%s is refused in the error shape, with no STS call',
      async (_name, request, status, code) => {
        const response = await call(request);

        expect({ status: response.status, code: (response.body.error as { code: string }).code }).toEqual({
          status,
          code,
        });
        const error = { code, message: expect.any(String), requestId: response.requestId };
        const sdkFormat = /^\/v1\/credentials\/(container|process)\b/.test(request.url);
        expect(response.body).toEqual(sdkFormat ? { Code: code, Message: error.message, error } : { error });
        expect(response.headers['Cache-Control']).toBe('no-store');
        expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
        expect(sts).toHaveReceivedCommandTimes(AssumeRoleWithWebIdentityCommand, 0);
        expect(kms).toHaveReceivedCommandTimes(SignCommand, 0);
        expect(auditEventsOf(response.requestId)).toEqual([
          expect.objectContaining({ outcome: status < 500 ? 'refused' : 'failed', errorCode: code }),
        ]);
      },
    );

    it('asks a caller without a token for a bearer token', async () => {
      const response = await call({ ...vend, token: null });

      expect(response.headers['WWW-Authenticate']).toBe('Bearer');
    });

    it('says the same generic thing for every authentication failure but a genuine expired token', async () => {
      const messageOf = async (token: string | null) =>
        ((await call({ ...vend, token })).body.error as { message: string }).message;
      const missing = await messageOf(null);

      await expect(messageOf(new TokenFactory('test-key-1').oidcToken({ exp: 1_700_000_000 }))).resolves.toBe(
        missing,
      );
      await expect(messageOf(tokens.oidcToken({ nbf: Math.floor(Date.now() / 1000) + 3600 }))).resolves.toBe(
        missing,
      );
      await expect(messageOf(tokens.oidcToken({ exp: 1_700_000_000 }))).resolves.not.toBe(missing);
    });
  });
}
