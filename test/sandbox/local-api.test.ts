/** The local API server: HTTP in, the API Gateway REST proxy event to the handler, the proxy result back out. */
import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type LocalApi, startLocalApi } from '../../sandbox/local-api/server';
import { assertLoopbackHost } from '../../sandbox/net/loopback-server';

let api: LocalApi;
let events: APIGatewayProxyEvent[] = [];
let answer: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const echo = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => ({
  statusCode: 201,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
  body: JSON.stringify({ path: event.path }),
});

beforeAll(async () => {
  api = await startLocalApi({
    handle: (event) => {
      events.push(event);
      return answer(event);
    },
    port: 0,
    maxBodyBytes: 1024,
    integrationTimeoutMs: 300,
  });
});
beforeEach(() => {
  events = [];
  answer = echo;
});
afterAll(() => api.close());

/** A raw HTTP request, so that tests control every header (Host, repeated headers). */
function send(
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string | string[]>;
    body?: string;
  } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${api.url}${options.path ?? '/v1/credentials'}`,
      { method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describe('startLocalApi', () => {
  it('builds the REST proxy event: method, path, query, every value of a repeated header, body, source IP', async () => {
    await send({
      path: '/v1/credentials/container?durationSeconds=900&durationSeconds=1200',
      method: 'GET',
      headers: { 'x-repeated': ['one', 'two'], 'user-agent': 'local-test' },
    });

    expect(events[0]).toMatchObject({
      httpMethod: 'GET',
      path: '/v1/credentials/container',
      queryStringParameters: { durationSeconds: '1200' },
      multiValueQueryStringParameters: { durationSeconds: ['900', '1200'] },
      headers: { 'x-repeated': 'two' },
      multiValueHeaders: { 'x-repeated': ['one', 'two'] },
      requestContext: { stage: 'local', identity: { sourceIp: '127.0.0.1', userAgent: 'local-test' } },
    });
  });

  it('keeps both copies of a doubled Authorization header for the handler to refuse', async () => {
    await send({ headers: { authorization: ['Bearer a.b.c', 'Bearer a.b.c'] } });

    expect(events[0]?.multiValueHeaders.authorization).toEqual(['Bearer a.b.c', 'Bearer a.b.c']);
  });

  it('writes the status, headers, multi-value headers and body of the result, and the request id', async () => {
    const response = await send({ body: '{"durationSeconds":900}' });

    expect(events[0]?.body).toBe('{"durationSeconds":900}');
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(response.headers['x-amzn-requestid']).toBe(events[0]?.requestContext.requestId);
    expect(JSON.parse(response.body)).toEqual({ path: '/v1/credentials' });
  });

  it('refuses a body above the limit with 413 REQUEST_TOO_LARGE, without calling the handler', async () => {
    const response = await send({ body: 'x'.repeat(2048) });

    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error).toMatchObject({
      code: 'REQUEST_TOO_LARGE',
      requestId: response.headers['x-amzn-requestid'],
    });
    expect(events).toEqual([]);
  });

  it('refuses a Host that is not a loopback name (DNS rebinding), without calling the handler', async () => {
    const response = await send({ headers: { host: 'rebound.example.com:3000' } });

    expect(response.status).toBe(403);
    expect(events).toEqual([]);
  });

  it('answers as API Gateway does when the handler throws (502) or outlasts the integration timeout (504)', async () => {
    answer = async () => {
      throw new Error('boom');
    };
    const failed = await send();
    let release: (() => void) | undefined;
    answer = () =>
      new Promise((resolve) => {
        release = () => resolve({ statusCode: 200, body: '{}' });
      });
    const timedOut = await send();
    release?.();

    expect([failed.status, JSON.parse(failed.body)]).toEqual([502, { message: 'Internal server error' }]);
    expect([timedOut.status, JSON.parse(timedOut.body)]).toEqual([
      504,
      { message: 'Endpoint request timed out' },
    ]);
  });

  it('listens on loopback addresses only', () => {
    expect(() => assertLoopbackHost('0.0.0.0')).toThrow(
      'the sandbox listens on loopback addresses only, not 0.0.0.0',
    );
    expect(() => assertLoopbackHost('127.0.0.1')).not.toThrow();
  });
});
