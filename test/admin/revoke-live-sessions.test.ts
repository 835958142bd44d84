/**
 * IamSessionRevoker against the sandbox: through the real IAMClient and the emulated account's IAM front, a revocation
 * takes back live sessions at their next S3 request (one user's, then the whole tenant's), leaves other users and
 * tenants alone, and lets sessions issued after it work. The function's credential cache is off here, so that every
 * vend is a fresh session; the admin tool's record update keeps the cache honest in the real flow. In both session
 * modes: AssumeRoleWithWebIdentity sessions carry `aws:TokenIssueTime` and the tenant tag like AssumeRole ones.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IamSessionRevoker } from '../../admin/iam-session-revoker';
import { stsSafeName } from '../../lambda/core/session-plan';
import { parseRevocationPolicy, REVOCATION_POLICY_NAME } from '../../lib/policies/revocation-policy';
import { TENANT_ROLE_NAME } from '../../sandbox/account/local-account';
import type { SessionMode } from '../../sandbox/sandbox';
import { LOCAL_DATA_BUCKET } from '../../sandbox/tenants/seed';
import { sandboxIamClient, sandboxS3Client, useSandbox, vendCredentials } from '../sandbox/sandbox-harness';

describe.each<SessionMode>(['role-chaining', 'web-identity'])('in %s mode', (sessionMode) => {
  const sandbox = useSandbox({ sessionMode, env: { CREDENTIAL_CACHE_MAX_ENTRIES: '0' } });
  const clients: S3Client[] = [];
  afterAll(() => {
    for (const client of clients) client.destroy();
  });

  /** An S3 client with fresh credentials of `user` of `tenant`. */
  async function s3As(tenant: string, user: string): Promise<S3Client> {
    const client = sandboxS3Client(sandbox(), await vendCredentials(sandbox(), tenant, user));
    clients.push(client);
    return client;
  }

  /** The outcome of reading `tenant`'s README: `ok` or the error's name. */
  async function readReadme(s3: S3Client, tenant: string): Promise<string> {
    const read = s3.send(
      new GetObjectCommand({ Bucket: LOCAL_DATA_BUCKET, Key: `tenants/${tenant}/README.txt` }),
    );
    return read.then(
      () => 'ok',
      (error: Error) => error.name,
    );
  }

  /** The next whole second: sessions issued up to now are before it. */
  function nextSecond(): string {
    return new Date(Math.floor(Date.now() / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z');
  }

  const waitPast = (iso: string) =>
    new Promise((resolve) => setTimeout(resolve, Date.parse(iso) - Date.now() + 50));

  describe('revoking live sessions through the IAM front', () => {
    it("stops one user's sessions, then the tenant's, and nobody else's; later sessions work", async () => {
      const iam = sandboxIamClient(sandbox());
      const revoker = new IamSessionRevoker(iam, { roleName: TENANT_ROLE_NAME, maxSessionSeconds: 3600 });
      const alice = await s3As('acme', 'alice');
      const bob = await s3As('acme', 'bob');
      const globex = await s3As('globex', 'carol');
      try {
        const aliceCutoff = nextSecond();
        await revoker.revoke({ tenantId: 'acme', sourceIdentity: stsSafeName('alice'), before: aliceCutoff });

        expect([await readReadme(alice, 'acme'), await readReadme(bob, 'acme')]).toEqual([
          'AccessDenied',
          'ok',
        ]);

        const tenantCutoff = nextSecond();
        const outcome = await revoker.revoke({ tenantId: 'acme', before: tenantCutoff });

        expect(outcome.revocations).toEqual([{ tenantId: 'acme', before: tenantCutoff }]);
        expect(await readReadme(bob, 'acme')).toBe('AccessDenied');
        expect(await readReadme(globex, 'globex')).toBe('ok');

        await waitPast(tenantCutoff);
        expect(await readReadme(await s3As('acme', 'alice'), 'acme')).toBe('ok');
      } finally {
        sandbox().account.deleteRolePolicy(TENANT_ROLE_NAME, REVOCATION_POLICY_NAME);
        iam.destroy();
      }
    });

    it('prunes, on the next change, the entries no live session can match any more', async () => {
      const iam = sandboxIamClient(sandbox());
      const revokerAt = (nowMs: number) =>
        new IamSessionRevoker(iam, { roleName: TENANT_ROLE_NAME, maxSessionSeconds: 3600, now: () => nowMs });
      const wholeSecond = (ms: number) =>
        new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      const start = Date.now();
      try {
        await revokerAt(start).revoke({ tenantId: 'globex', before: wholeSecond(start) });
        // An hour and a second later, every session issued before globex's entry has expired anyway.
        const later = start + 3_601_000;
        await revokerAt(later).revoke({ tenantId: 'acme', before: wholeSecond(later) });

        const stored = sandbox().account.listRolePolicies(TENANT_ROLE_NAME).get(REVOCATION_POLICY_NAME);
        expect(parseRevocationPolicy(stored)).toEqual([{ tenantId: 'acme', before: wholeSecond(later) }]);
      } finally {
        sandbox().account.deleteRolePolicy(TENANT_ROLE_NAME, REVOCATION_POLICY_NAME);
        iam.destroy();
      }
    });
  });
});
