/**
 * The hostile-input catalogue: requests an attacker or a buggy client could send, each with the documented
 * status and error code. Every one is refused in the error shape, without a stack trace and without an STS call.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import 'aws-sdk-client-mock-jest';
import { call, sts, tokens, useHandler } from '../support/handler-harness';
import { TokenFactory } from '../support/token-factory';

useHandler();

type Request = Parameters<typeof call>[0];
interface HostileCase {
  readonly name: string;
  readonly request: Request;
  readonly status: number;
  readonly code: string;
}

const vend = (body: string, token?: string | null): Request => ({
  method: 'POST',
  url: '/v1/credentials',
  body,
  ...(token === undefined ? {} : { token }),
});
const vendJson = (body: unknown) => vend(JSON.stringify(body));
const scoped = (entry: unknown) => vendJson({ scope: [entry] });
const withPrefix = (prefix: unknown) => scoped({ prefix });
const withToken = (token: string | null, headers: Record<string, string> = {}): Request => ({
  method: 'POST',
  url: '/v1/credentials',
  token,
  headers,
});
const claims = (extra: Record<string, unknown>) => withToken(tokens.oidcToken(extra));
const query = (route: 'container' | 'process', search: string): Request => ({
  method: 'GET',
  url: `/v1/credentials/${route}?${search}`,
});

const deeplyNested = `{"durationSeconds":${'['.repeat(5000)}${']'.repeat(5000)}}`;
const validToken = () => tokens.oidcToken();

const bodies: HostileCase[] = [
  { name: 'a truncated JSON body', request: vend('{"scope":'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a JSON array body', request: vend('[]'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a JSON string body', request: vend('"scope"'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a JSON number body', request: vend('42'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a JSON null body', request: vend('null'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a JSON true body', request: vend('true'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a body with a byte-order mark', request: vend('\uFEFF{}'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'form-encoded text', request: vend('durationSeconds=900'), status: 400, code: 'INVALID_REQUEST' },
  { name: 'a deeply nested body', request: vend(deeplyNested), status: 400, code: 'INVALID_REQUEST' },
  {
    name: 'a body over 16 KiB',
    request: vend(`{"pad":"${'x'.repeat(17_000)}"}`),
    status: 413,
    code: 'REQUEST_TOO_LARGE',
  },
  {
    name: 'a __proto__ key',
    request: vend('{"__proto__":{"durationSeconds":1}}'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'a constructor key',
    request: vend('{"constructor":{"name":"x"}}'),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'a roleArn field',
    request: vendJson({ roleArn: 'arn:aws:iam::1:role/admin' }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'a policy field',
    request: vendJson({ policy: '{"Statement":[]}' }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'a tags field',
    request: vendJson({ tags: [{ Key: 'tenant', Value: 'globex' }] }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
  {
    name: 'a tenantId field',
    request: vendJson({ tenantId: 'globex' }),
    status: 400,
    code: 'INVALID_REQUEST',
  },
];

const durations: HostileCase[] = [
  ...(
    [
      ['a string duration', '"900"'],
      ['a negative duration', '-900'],
      ['a zero duration', '0'],
      ['a fractional duration', '900.5'],
      ['a huge duration', '1e308'],
      ['an overflowing duration', '1e400'],
      ['a NaN duration', 'NaN'],
      ['a null duration', 'null'],
      ['an array duration', '[900]'],
      ['a boolean duration', 'true'],
      ['an object duration', '{"seconds":900}'],
      ['a hex duration', '0x384'],
    ] as const
  ).map(([name, value]) => ({
    name,
    request: vend(`{"durationSeconds":${value}}`),
    status: 400,
    code: 'INVALID_REQUEST',
  })),
  {
    name: 'a duration one second above the maximum',
    request: vendJson({ durationSeconds: 3601 }),
    status: 400,
    code: 'DURATION_TOO_LONG',
  },
  {
    name: 'the STS maximum of 12 hours',
    request: vendJson({ durationSeconds: 43_200 }),
    status: 400,
    code: 'DURATION_TOO_LONG',
  },
  {
    name: 'a duration one second below the STS minimum',
    request: vendJson({ durationSeconds: 899 }),
    status: 400,
    code: 'DURATION_TOO_SHORT',
  },
  {
    name: 'a one-second duration',
    request: vendJson({ durationSeconds: 1 }),
    status: 400,
    code: 'DURATION_TOO_SHORT',
  },
];

const regions: HostileCase[] = [
  ...(
    [
      ['a made-up region', 'mars-1'],
      ['an upper-case region', 'EU-WEST-1'],
      ['a region with a newline', 'eu-west-1\n'],
      ['a region with a wildcard', 'eu-west-*'],
      ['an empty region', ''],
      ['a numeric region', 42],
      ['a region with a path', '../eu-west-1'],
    ] as const
  ).map(([name, region]) => ({ name, request: vendJson({ region }), status: 400, code: 'INVALID_REQUEST' })),
  {
    name: 'a real region the tenant may not use',
    request: vendJson({ region: 'ap-south-1' }),
    status: 400,
    code: 'REGION_NOT_ALLOWED',
  },
];

const scopes: HostileCase[] = [
  ...(
    [
      ['a * wildcard', 'tenants/acme/*'],
      ['a * wildcard segment', 'tenants/*/'],
      ['a ? wildcard', 'tenants/acme/?/'],
      ['a policy variable', 'tenants/acme/${aws:username}/'],
      ['a bare $', 'tenants/acme/$/'],
      ['a .. segment', 'tenants/acme/../globex/'],
      ['a . segment', 'tenants/acme/./'],
      ['an empty segment (//)', 'tenants//acme/'],
      ['a leading /', '/tenants/acme/'],
      ['percent-encoded traversal', 'tenants/acme/%2e%2e/globex/'],
      ['a backslash', 'tenants\\acme\\'],
      ['a NUL character', 'tenants/acme/\u0000/'],
      ['a newline', 'tenants/acme/\n/'],
      ['a tab', 'tenants/acme/\t/'],
      ['a right-to-left override', 'tenants/acme/\u202egpj/'],
      ['a Cyrillic look-alike a', 'tenants/\u0430cme/'],
      ['a fullwidth solidus', 'tenants/acme\uFF0F'],
      ['a zero-width space', 'tenants/acme\u200B/'],
      ['a quote', 'tenants/acme/"/'],
      ['no trailing slash', 'tenants/acme'],
      ['an empty prefix', ''],
      ['a 1,000-character prefix', `tenants/acme/${'a/'.repeat(500)}`],
      ['a numeric prefix', 42],
      ['an ARN as prefix', 'arn:aws:s3:::credvend-data/'],
    ] as const
  ).map(([name, prefix]) => ({
    name: `a prefix with ${name}`,
    request: withPrefix(prefix),
    status: 400,
    code: 'INVALID_SCOPE',
  })),
  ...(
    [
      ['a wildcard bucket', { bucket: '*' }],
      ['a bucket with a path', { bucket: 'credvend-data/tenants' }],
      ['an upper-case bucket', { bucket: 'Credvend-Data' }],
      ['a bucket ARN', { bucket: 'arn:aws:s3:::credvend-data' }],
      ['an unknown access level', { access: ['admin'] }],
      ['an IAM action as access level', { access: ['s3:*'] }],
      ['an empty access list', { access: [] }],
      ['a repeated access level', { access: ['read', 'read'] }],
      ['access as a string', { access: 'read' }],
      ['an unknown entry field', { prefix: 'tenants/acme/', effect: 'Allow' }],
    ] as const
  ).map(([name, entry]) => ({ name, request: scoped(entry), status: 400, code: 'INVALID_SCOPE' })),
  {
    name: 'a scope that is an object',
    request: vendJson({ scope: { prefix: 'tenants/acme/' } }),
    status: 400,
    code: 'INVALID_SCOPE',
  },
  { name: 'an empty scope list', request: vendJson({ scope: [] }), status: 400, code: 'INVALID_SCOPE' },
  { name: 'a null scope entry', request: vendJson({ scope: [null] }), status: 400, code: 'INVALID_SCOPE' },
  {
    name: 'a string scope entry',
    request: vendJson({ scope: ['tenants/acme/'] }),
    status: 400,
    code: 'INVALID_SCOPE',
  },
  {
    name: 'eleven scope entries',
    request: vendJson({ scope: Array.from({ length: 11 }, () => ({ prefix: 'tenants/acme/' })) }),
    status: 400,
    code: 'INVALID_SCOPE',
  },
  {
    name: "another tenant's prefix",
    request: withPrefix('tenants/globex/'),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  {
    name: 'a prefix that only starts like the tenant id',
    request: withPrefix('tenants/acme-evil/'),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  {
    name: 'the parent of every tenant',
    request: withPrefix('tenants/'),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  { name: 'the bucket root', request: withPrefix('public/'), status: 403, code: 'SCOPE_NOT_GRANTED' },
  {
    name: 'a bucket the tenant has no grant in',
    request: scoped({ bucket: 'credvend-archive' }),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  {
    name: 'a bucket outside the deployment',
    request: scoped({ bucket: 'someone-elses-bucket' }),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  {
    name: 'write where only read is granted',
    request: scoped({ prefix: 'tenants/acme/', access: ['write'] }),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  {
    name: 'delete where only read is granted',
    request: scoped({ prefix: 'tenants/acme/reports/', access: ['delete'] }),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
];

const otherKey = new TokenFactory('test-key-1');
const authorization: HostileCase[] = [
  ...(
    [
      ['no Authorization header', null, {}],
      ['an empty Authorization header', null, { authorization: '' }],
      ['the bare word Bearer', null, { authorization: 'Bearer' }],
      ['Bearer and a space', null, { authorization: 'Bearer ' }],
      ['Basic credentials', null, { authorization: 'Basic dXNlcjpwYXNz' }],
      ['garbage', null, { authorization: 'Bearer garbage' }],
      ['three empty parts', null, { authorization: 'Bearer ..' }],
      ['two spaces before the token', null, { authorization: `Bearer  ${validToken()}` }],
      ['two tokens', null, { authorization: `Bearer ${validToken()} ${validToken()}` }],
      ['an oversized header', null, { authorization: `Bearer ${'a'.repeat(10_000)}` }],
      ['a truncated token', validToken().slice(0, -12), {}],
      [
        'an expired token signed by another key',
        otherKey.oidcToken({ exp: Math.floor(Date.now() / 1000) - 3600 }),
        {},
      ],
      [
        'an expired token for another audience',
        tokens.oidcToken({ exp: Math.floor(Date.now() / 1000) - 3600, aud: 'another-api' }),
        {},
      ],
      ['a not-yet-valid token', tokens.oidcToken({ nbf: Math.floor(Date.now() / 1000) + 3600 }), {}],
      ['an alg:none token', tokens.noneToken(tokens.oidcClaims()), {}],
      ['an alg:none token with a signature', tokens.noneToken(tokens.oidcClaims(), 'c2lnbmF0dXJl'), {}],
      ['HS256 signed with the public key', tokens.hs256Token(tokens.oidcClaims()), {}],
      ['an unknown kid', tokens.oidcToken({}, { kid: 'no-such-key' }), {}],
      ['a token signed by another key with the same kid', otherKey.oidcToken(), {}],
      [
        'a tampered payload',
        tokens.tampered(validToken(), tokens.oidcClaims({ 'custom:tenant_id': 'globex' })),
        {},
      ],
      ['a wrong issuer', tokens.oidcToken({ iss: 'https://evil.example.com' }), {}],
      ['a wrong audience', tokens.oidcToken({ aud: 'another-api' }), {}],
      ['no expiry', tokens.oidcToken({ exp: undefined }), {}],
      ['no subject', tokens.oidcToken({ sub: undefined }), {}],
      ['a subject with a control character', tokens.oidcToken({ sub: 'alice\u0007' }), {}],
      ['a 300-character subject', tokens.oidcToken({ sub: 'a'.repeat(300) }), {}],
    ] as const
  ).map(([name, token, headers]) => ({
    name: `${name}`,
    request: withToken(token, headers),
    status: 401,
    code: 'UNAUTHENTICATED',
  })),
  {
    name: 'an expired token',
    request: withToken(tokens.oidcToken({ exp: Math.floor(Date.now() / 1000) - 3600 })),
    status: 401,
    code: 'TOKEN_EXPIRED',
  },
  {
    name: 'a doubled Authorization header',
    request: {
      method: 'POST',
      url: '/v1/credentials',
      token: null,
      headers: { authorization: `Bearer ${validToken()}`, Authorization: `Bearer ${validToken()}` },
    },
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  ...(
    [
      ['an array', ['acme']],
      ['an object', { id: 'acme' }],
      ['empty', ''],
      ['null', null],
      ['a number', 42],
      ['a wildcard', 'acme*'],
      ['a policy variable', '${aws:PrincipalTag/tenant}'],
      ['a path', 'acme/../globex'],
      ['upper case', 'ACME'],
      ['missing', undefined],
    ] as const
  ).map(([name, tenant]) => ({
    name: `a tenant claim that is ${name}`,
    request: claims({ 'custom:tenant_id': tenant }),
    status: 401,
    code: 'UNAUTHENTICATED',
  })),
];

const queries: HostileCase[] = [
  ...(
    [
      ['a * wildcard', 'prefix=tenants/acme/*'],
      ['an encoded traversal', 'prefix=tenants/acme/%2E%2E/globex/'],
      ['an encoded slash traversal', 'prefix=tenants%2Facme%2F..%2Fglobex%2F'],
      ['an encoded NUL', 'prefix=tenants/acme/%00/'],
      ['a policy variable', 'prefix=tenants/acme/$%7Baws:username%7D/'],
      ['a wildcard bucket', 'bucket=*'],
      ['an unknown access level', 'access=read,admin'],
      ['a repeated access level', 'access=read,read'],
      ['an empty access list', 'access='],
    ] as const
  ).map(([name, search]) => ({
    name: `a query with ${name}`,
    request: query('process', search),
    status: 400,
    code: 'INVALID_SCOPE',
  })),
  ...(
    [
      ['a word duration', 'durationSeconds=abc'],
      ['a negative duration', 'durationSeconds=-1'],
      ['an exponent duration', 'durationSeconds=1e3'],
      ['a fractional duration', 'durationSeconds=900.5'],
      ['a huge duration', 'durationSeconds=9999999'],
      ['a made-up region', 'region=mars'],
      ['an unknown parameter', 'roleArn=arn:aws:iam::1:role/admin'],
      ['a repeated parameter', 'prefix=tenants/acme/&prefix=tenants/globex/'],
    ] as const
  ).map(([name, search]) => ({
    name: `a query with ${name}`,
    request: query('container', search),
    status: 400,
    code: 'INVALID_REQUEST',
  })),
  {
    name: 'a query for another tenant',
    request: query('container', 'prefix=tenants/globex/'),
    status: 403,
    code: 'SCOPE_NOT_GRANTED',
  },
  {
    name: 'a query above the maximum duration',
    request: query('process', 'durationSeconds=3601'),
    status: 400,
    code: 'DURATION_TOO_LONG',
  },
  {
    name: 'a container request without a token',
    request: { ...query('container', ''), token: null },
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'a container request with an alg:none token',
    request: { ...query('container', ''), token: tokens.noneToken(tokens.oidcClaims()) },
    status: 401,
    code: 'UNAUTHENTICATED',
  },
];

const catalogue = [...bodies, ...durations, ...regions, ...scopes, ...authorization, ...queries];

describe('the hostile-input catalogue', () => {
  afterAll(() => {
    process.stdout.write(`hostile-input catalogue: ${catalogue.length} requests checked\n`);
  });

  it('holds at least 80 requests with unique names', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(80);
    expect(new Set(catalogue.map((c) => c.name)).size).toBe(catalogue.length);
  });

  it.each(catalogue.map((c) => [c.name, c] as const))('%s is refused before STS', async (_name, hostile) => {
    const response = await call(hostile.request);

    expect({ status: response.status, code: errorCodeOf(response.body) }).toEqual({
      status: hostile.status,
      code: hostile.code,
    });
    const error = { code: hostile.code, message: expect.any(String), requestId: response.requestId };
    const sdkFormat = /^\/v1\/credentials\/(container|process)\b/.test(hostile.request.url);
    expect(response.body).toEqual(
      sdkFormat ? { Code: hostile.code, Message: expect.any(String), error } : { error },
    );
    expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });
});

describe('subjects that STS would refuse as SourceIdentity', () => {
  it.each([
    ['a space and a slash', 'alice smith/admin'],
    ['an aws: prefix', 'aws:admin'],
    ['non-ASCII letters', 'zoë-ångström'],
    ['a single character', 'a'],
    ['64 characters of policy syntax', '${*}'.repeat(16)],
  ])('a subject with %s is sanitized into a valid, distinct SourceIdentity', async (_name, subject) => {
    const response = await call({
      method: 'POST',
      url: '/v1/credentials',
      token: tokens.oidcToken({ sub: subject }),
    });

    expect(response.status).toBe(200);
    const input = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    expect(input?.SourceIdentity).toMatch(/^(?!aws:)[\w+=,.@-]{2,64}$/);
    expect(input?.SourceIdentity).not.toBe(subject);
    expect(input?.RoleSessionName).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

function errorCodeOf(body: Record<string, unknown>): unknown {
  const error = body.error;
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
