/**
 * STS faults injected in the emulator, seen through the API: throttling, 5xx and hangs become the documented errors
 * (429 THROTTLED, 503 UPSTREAM_UNAVAILABLE, with Retry-After) within the service's STS deadline.
 */
import type { FaultCode } from '../../sandbox/sts-emulator/types';
import { callApi, devToken, useSandbox } from './sandbox-harness';

const DEADLINE_MS = 1500;
/** What the API may add on top of the STS deadline: routing, auth, the tenant read, the response. */
const SLACK_MS = 1000;

// The credential cache is off so that every vend reaches STS.
const sandbox = useSandbox({
  env: { STS_DEADLINE_MS: String(DEADLINE_MS), CREDENTIAL_CACHE_MAX_ENTRIES: '0' },
});

beforeEach(() => {
  sandbox().emulator.setFaults({});
  sandbox().emulator.resetCalls();
});
afterAll(() => sandbox().emulator.setFaults({}));

/** A timed vend for acme. */
async function vend() {
  const startedAt = Date.now();
  const response = await callApi(sandbox(), 'POST', '/v1/credentials', {
    token: devToken(sandbox(), 'acme', 'alice'),
  });
  return { response, elapsedMs: Date.now() - startedAt };
}

const assumeRoleStatuses = () =>
  sandbox()
    .emulator.calls.filter((c) => c.action === 'AssumeRole')
    .map((c) => c.status);

describe('STS faults through the API', () => {
  it('absorbs a single throttle: the SDK retries and the caller gets credentials', async () => {
    sandbox().emulator.setFaults({ failNext: { code: 'Throttling', count: 1 } });

    const { response } = await vend();

    expect(response.status).toBe(200);
    expect(assumeRoleStatuses()).toEqual([400, 200]);
  });

  it('answers persistent throttling with 429 THROTTLED and Retry-After (or 503 once the deadline passes)', async () => {
    sandbox().emulator.setFaults({ failNext: { code: 'Throttling', count: 100 } });

    const { response, elapsedMs } = await vend();

    // The SDK backs off up to 0.5 s, then 1 s, after a throttle: its three attempts may outlast the deadline.
    const expected = response.status === 429 ? 'THROTTLED' : 'UPSTREAM_UNAVAILABLE';
    expect([429, 503]).toContain(response.status);
    expect(response.body.error.code).toBe(expected);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(assumeRoleStatuses().every((status) => status === 400)).toBe(true);
  });

  it.each<FaultCode>(['InternalFailure', 'ServiceUnavailable'])(
    'answers a persistent %s with 503 UPSTREAM_UNAVAILABLE and Retry-After, after the SDK retries',
    async (code) => {
      sandbox().emulator.setFaults({ failNext: { code, count: 100 } });

      const { response, elapsedMs } = await vend();

      expect(response.status).toBe(503);
      expect(response.body.error).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'The credential issuer is temporarily unavailable; retry shortly.',
      });
      expect(response.headers.get('retry-after')).toBe('2');
      expect(elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(assumeRoleStatuses()).toEqual([
        code === 'InternalFailure' ? 500 : 503,
        expect.any(Number),
        expect.any(Number),
      ]);
    },
  );

  it('answers an STS that never responds with 503 UPSTREAM_UNAVAILABLE at the deadline', async () => {
    sandbox().emulator.setFaults({ failNext: { code: 'Hang', count: 100 } });

    const { response, elapsedMs } = await vend();

    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('2');
    expect(elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsedMs).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('vends again as soon as STS recovers', async () => {
    sandbox().emulator.setFaults({ failNext: { code: 'InternalFailure', count: 1 } });

    const { response } = await vend();

    expect(response.status).toBe(200);
    expect(assumeRoleStatuses()).toEqual([500, 200]);
  });
});
