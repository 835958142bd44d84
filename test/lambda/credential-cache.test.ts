/** The credential cache seen through the handler: how many STS calls vends cost, and that callers never share. */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import 'aws-sdk-client-mock-jest';
import { acmeAs, call, sts, stsAnswer, useHandler } from '../support/handler-harness';

useHandler({ CREDENTIAL_CACHE_MAX_ENTRIES: '100', CREDENTIAL_CACHE_MIN_REMAINING_SHARE: '0.9' });

const vend = (token: string, body = '{}') => call({ method: 'POST', url: '/v1/credentials', token, body });

describe('the credential cache in the function', () => {
  it('serves 50 sequential identical vends of one caller with one STS call', async () => {
    const token = acmeAs('cache-sequential');
    const responses = [];
    for (let i = 0; i < 50; i += 1) responses.push(await vend(token));

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(new Set(responses.map((r) => r.body.accessKeyId)).size).toBe(1);
    expect(responses.every((r) => r.status === 200)).toBe(true);
  });

  it('shares one STS call among 20 concurrent identical vends', async () => {
    const token = acmeAs('cache-concurrent');

    const responses = await Promise.all(Array.from({ length: 20 }, () => vend(token)));

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(responses.every((r) => r.status === 200)).toBe(true);
  });

  it('never gives one caller the credentials of another', async () => {
    const alice = await vend(acmeAs('cache-alice'));
    const bob = await vend(acmeAs('cache-bob'));

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.SourceIdentity)).toEqual([
      'cache-alice',
      'cache-bob',
    ]);
    expect(alice.body.secretAccessKey).not.toBe(bob.body.secretAccessKey);
  });

  it('calls STS again for a different scope or duration', async () => {
    const token = acmeAs('cache-scopes');

    await vend(token);
    await vend(token, JSON.stringify({ scope: [{ prefix: 'tenants/acme/uploads/' }] }));
    await vend(token, JSON.stringify({ durationSeconds: 1800 }));

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
  });

  it('does not cache a failure', async () => {
    const token = acmeAs('cache-failure');
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .callsFake(stsAnswer);

    const first = await vend(token);
    const second = await vend(token);

    expect([first.status, second.status]).toEqual([429, 200]);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });
});
