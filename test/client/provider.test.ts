/** `fromCredvend` with a scripted `fetch` and a controllable clock: caching, refresh-ahead, single flight, typed errors. */
import { CredvendApiError } from '../../client/api';
import { fromCredvend } from '../../client/provider';

const URL_BASE = 'https://api.example.com/prod';

/** A fake API: answers each POST with credentials that expire `lifetimeSeconds` after the fake clock. */
function fakeApi(clock: { now: number }, lifetimeSeconds = 900) {
  const requests: { url: string; authorization: string | null; body: unknown }[] = [];
  let next: (() => Response) | undefined;
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests.push({
      url: String(input),
      authorization: new Headers(init?.headers).get('authorization'),
      body: JSON.parse(String(init?.body)),
    });
    await new Promise((resolve) => setImmediate(resolve));
    if (next !== undefined) return next();
    const n = requests.length;
    return Response.json({
      accessKeyId: `ASIAFAKE${String(n).padStart(12, '0')}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `token-${n}`,
      expiration: new Date(clock.now + lifetimeSeconds * 1000).toISOString(),
      region: 'eu-west-1',
      tenantId: 'acme',
      durationSeconds: lifetimeSeconds,
      scope: [],
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests, failWith: (r: () => Response) => (next = r) };
}

describe('fromCredvend', () => {
  it('posts the scope, duration and region with the bearer token and returns SDK credentials', async () => {
    const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
    const api = fakeApi(clock);
    const provider = fromCredvend({
      url: `${URL_BASE}/`,
      token: 'jwt-1',
      scope: [{ prefix: 'tenants/acme/reports/', access: ['read'] }],
      durationSeconds: 900,
      region: 'eu-west-1',
      fetch: api.fetch,
      now: () => clock.now,
    });

    const credentials = await provider();

    expect(api.requests).toEqual([
      {
        url: `${URL_BASE}/v1/credentials`,
        authorization: 'Bearer jwt-1',
        body: {
          scope: [{ prefix: 'tenants/acme/reports/', access: ['read'] }],
          durationSeconds: 900,
          region: 'eu-west-1',
        },
      },
    ]);
    expect(credentials).toEqual({
      accessKeyId: 'ASIAFAKE000000000001',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-1',
      expiration: new Date('2026-11-23T10:15:00Z'),
    });
  });

  it('serves cached credentials until the refresh-ahead window, then refreshes before the SDK would', async () => {
    const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
    const api = fakeApi(clock, 900);
    const provider = fromCredvend({ url: URL_BASE, token: 'jwt', fetch: api.fetch, now: () => clock.now });

    const first = await provider();
    clock.now += 299_000; // 601 s left: still outside the 600 s refresh-ahead window
    const cached = await provider();
    clock.now += 2_000; // 599 s left: inside it, and well before the SDK's own 300 s window
    const refreshed = await provider();

    expect(cached).toBe(first);
    expect(refreshed.accessKeyId).toBe('ASIAFAKE000000000002');
    expect(api.requests).toHaveLength(2);
  });

  it('makes one API request for many concurrent callers', async () => {
    const clock = { now: Date.now() };
    const api = fakeApi(clock);
    const provider = fromCredvend({ url: URL_BASE, token: 'jwt', fetch: api.fetch, now: () => clock.now });

    const results = await Promise.all(Array.from({ length: 25 }, () => provider()));

    expect(api.requests).toHaveLength(1);
    expect(new Set(results.map((r) => r.accessKeyId)).size).toBe(1);
  });

  it('asks the token function for a current token on every request', async () => {
    const clock = { now: Date.now() };
    const api = fakeApi(clock, 900);
    let issued = 0;
    const provider = fromCredvend({
      url: URL_BASE,
      token: async () => `jwt-${++issued}`,
      fetch: api.fetch,
      now: () => clock.now,
    });

    await provider();
    clock.now += 600_000;
    await provider();

    expect(api.requests.map((r) => r.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
  });

  it('surfaces an API refusal as a CredvendApiError with its code, and retries on the next call', async () => {
    const clock = { now: Date.now() };
    const api = fakeApi(clock);
    const provider = fromCredvend({ url: URL_BASE, token: 'jwt', fetch: api.fetch, now: () => clock.now });
    api.failWith(() =>
      Response.json(
        { error: { code: 'TENANT_SUSPENDED', message: 'Tenant acme is suspended.', requestId: 'r-1' } },
        { status: 403 },
      ),
    );

    const refusal = await provider().catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(CredvendApiError);
    expect(refusal).toMatchObject({
      code: 'TENANT_SUSPENDED',
      status: 403,
      requestId: 'r-1',
      message: 'Tenant acme is suspended.',
    });
    await expect(provider()).rejects.toThrow('Tenant acme is suspended.');
    expect(api.requests).toHaveLength(2);
  });

  it('reports Retry-After of a throttled request', async () => {
    const clock = { now: Date.now() };
    const api = fakeApi(clock);
    api.failWith(() =>
      Response.json(
        {
          error: {
            code: 'THROTTLED',
            message: 'Too many credential requests right now; retry shortly.',
            requestId: 'r',
          },
        },
        { status: 429, headers: { 'retry-after': '2' } },
      ),
    );
    const provider = fromCredvend({ url: URL_BASE, token: 'jwt', fetch: api.fetch });

    await expect(provider()).rejects.toMatchObject({ code: 'THROTTLED', status: 429, retryAfterSeconds: 2 });
  });

  it('turns an unreachable API into CLIENT_ERROR without the token in the message', async () => {
    const provider = fromCredvend({
      url: URL_BASE,
      token: 'jwt-secret-value',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });

    const error = await provider().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(CredvendApiError);
    expect(error).toMatchObject({ code: 'CLIENT_ERROR', status: undefined });
    expect(String(error)).not.toContain('jwt-secret-value');
  });
});
