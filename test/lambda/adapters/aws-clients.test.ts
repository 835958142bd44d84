import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GetPublicKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  type STSClient,
} from '@aws-sdk/client-sts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AwsClientOptions,
  asSdkError,
  checkDeadlineMs,
  createDynamoDbDocumentClient,
  createStsClient,
  createUnsignedStsClient,
  DeadlineExceededError,
  isTransientFailure,
  MAX_DEADLINE_MS,
  RegionalClients,
  regionalClients,
  sendWithDeadline,
} from '../../../lambda/adapters/aws-clients';
import { createKmsClient } from '../../../lambda/adapters/kms-token-signer';
import { failureOf, within } from '../../support/async';
import { registerSecret } from '../../support/leak-scan';

const CREDENTIALS = { accessKeyId: 'AKIDCLIENTTEST000001', secretAccessKey: 'client-test-secret-0001' };
registerSecret(CREDENTIALS.secretAccessKey);

const GET_CALLER_IDENTITY_XML =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/test</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>c0ffee</RequestId></ResponseMetadata></GetCallerIdentityResponse>';

/** The URL a client would call, found by stopping the request right after it is built. */
async function urlCalledBy(
  client: STSClient | KMSClient,
  send: () => Promise<unknown> = () => (client as STSClient).send(new GetCallerIdentityCommand({})),
): Promise<string> {
  let url = '';
  (client as STSClient).middlewareStack.add(
    (_next) => async (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number; path: string };
      url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}`;
      throw new Error('stopped before sending');
    },
    { step: 'build', name: 'captureUrl' },
  );
  await expect(send()).rejects.toThrow('stopped before sending');
  return url;
}

describe('isTransientFailure', () => {
  it.each([
    ['a TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['an AbortError', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['a RequestTimeout', { name: 'RequestTimeout' }],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an unreachable network', { code: 'ENETUNREACH' }],
    ['a DNS failure', { code: 'ENOTFOUND' }],
    ['an error named after a socket code', { name: 'ECONNRESET' }],
    ['a 500 answer', { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }],
    ['a 503 answer', { name: 'Unknown', $metadata: { httpStatusCode: 503 } }],
  ])('is true for %s', (_, error) => {
    expect(isTransientFailure(error)).toBe(true);
  });

  it.each([
    ['a 400 answer', { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }],
    ['a 403 answer', { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }],
    ['a plain Error', new Error('bug')],
    ['a string', 'ECONNRESET'],
    ['null', null],
    ['undefined', undefined],
  ])('is false for %s', (_, error) => {
    expect(isTransientFailure(error)).toBe(false);
  });
});

describe('asSdkError', () => {
  it('views anything that is not an object as an empty error shape', () => {
    expect(asSdkError('text')).toEqual({});
    expect(asSdkError(null)).toEqual({});
    expect(asSdkError(42)).toEqual({});
  });
});

describe('checkDeadlineMs', () => {
  it.each([1, 6000, MAX_DEADLINE_MS])('accepts %s ms', (deadlineMs) => {
    expect(checkDeadlineMs(deadlineMs)).toBe(deadlineMs);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, MAX_DEADLINE_MS + 1])(
    'refuses %s ms',
    (deadlineMs) => {
      expect(() => checkDeadlineMs(deadlineMs)).toThrow(RangeError);
    },
  );
});

describe('sendWithDeadline', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('returns what the call returns and leaves no timer behind', async () => {
    await expect(sendWithDeadline(1000, async () => 'answer')).resolves.toBe('answer');
    expect(jest.getTimerCount()).toBe(0);
  });

  it("passes on the call's own failure, and leaves no timer behind", async () => {
    const failure = new Error('service said no');
    await expect(sendWithDeadline(1000, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes on a synchronous throw of the call', async () => {
    const failure = new Error('thrown before any promise');
    const send = (): Promise<never> => {
      throw failure;
    };
    await expect(sendWithDeadline(1000, send)).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fails with DeadlineExceededError at the deadline, even if the call ignores the signal', async () => {
    let signal: AbortSignal | undefined;
    const outcome = failureOf(
      sendWithDeadline(100, (abortSignal) => {
        signal = abortSignal;
        return new Promise(() => {});
      }),
    );

    jest.advanceTimersByTime(99);
    expect(signal?.aborted).toBe(false);
    jest.advanceTimersByTime(1);

    const error = await outcome;
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error).toMatchObject({
      name: 'DeadlineExceededError',
      deadlineMs: 100,
      message: 'the call did not complete within its 100 ms deadline',
    });
    expect(signal?.aborted).toBe(true);
  });

  it('reports the deadline, not the AbortError, when the call honours the signal', async () => {
    const outcome = failureOf(
      sendWithDeadline(
        50,
        (abortSignal) =>
          new Promise((_, reject) => {
            abortSignal.addEventListener('abort', () =>
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
            );
          }),
      ),
    );

    jest.advanceTimersByTime(50);

    await expect(outcome).resolves.toBeInstanceOf(DeadlineExceededError);
  });

  it('refuses a deadline a timer cannot hold', async () => {
    const send = jest.fn(async () => 'never sent');
    await expect(sendWithDeadline(MAX_DEADLINE_MS + 1, send)).rejects.toThrow(RangeError);
    expect(send).not.toHaveBeenCalled();
  });
});

describe('createStsClient', () => {
  it.each(['eu-west-1', 'us-east-1'])(
    'calls the regional STS endpoint of %s, never the global one',
    async (region) => {
      const client = createStsClient({ region, credentials: CREDENTIALS });
      try {
        expect(await urlCalledBy(client)).toBe(`https://sts.${region}.amazonaws.com/`);
        await expect(client.config.region()).resolves.toBe(region);
      } finally {
        client.destroy();
      }
    },
  );

  it('calls the endpoint it is given instead', async () => {
    const client = createStsClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4599',
      credentials: CREDENTIALS,
    });
    try {
      expect(await urlCalledBy(client)).toBe('http://127.0.0.1:4599/');
    } finally {
      client.destroy();
    }
  });

  it('makes three attempts per call unless told otherwise', async () => {
    const byDefault = createStsClient({ region: 'eu-west-1', credentials: CREDENTIALS });
    const once = createStsClient({ region: 'eu-west-1', credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      await expect(byDefault.config.maxAttempts()).resolves.toBe(3);
      await expect(once.config.maxAttempts()).resolves.toBe(1);
    } finally {
      byDefault.destroy();
      once.destroy();
    }
  });
});

describe('createUnsignedStsClient', () => {
  it('calls the regional STS endpoint, never the global one', async () => {
    const client = createUnsignedStsClient({ region: 'eu-west-1' });
    const send = () =>
      client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::123456789012:role/r',
          RoleSessionName: 's',
          WebIdentityToken: 'a.b.c',
        }),
      );
    try {
      expect(await urlCalledBy(client, send)).toBe('https://sts.eu-west-1.amazonaws.com/');
      expect(client.config.useGlobalEndpoint).toBe(false);
    } finally {
      client.destroy();
    }
  });

  it('never signs: an operation that needs credentials fails instead of falling back to the default chain', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
    const client = createUnsignedStsClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' });
    try {
      await expect(client.send(new GetCallerIdentityCommand({}))).rejects.toThrow(
        'this STS client is unsigned: an operation asked it for AWS credentials',
      );
    } finally {
      client.destroy();
      process.env = saved;
    }
  });
});

describe('createKmsClient', () => {
  it('calls the regional KMS endpoint, or the endpoint it is given', async () => {
    const regional = createKmsClient({ region: 'eu-central-1', credentials: CREDENTIALS });
    const local = createKmsClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4598',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    const getKey = (client: KMSClient) => () => client.send(new GetPublicKeyCommand({ KeyId: 'k' }));
    try {
      expect(await urlCalledBy(regional, getKey(regional))).toBe('https://kms.eu-central-1.amazonaws.com/');
      expect(await urlCalledBy(local, getKey(local))).toBe('http://127.0.0.1:4598/');
      await expect(regional.config.maxAttempts()).resolves.toBe(3);
      await expect(local.config.maxAttempts()).resolves.toBe(1);
    } finally {
      regional.destroy();
      local.destroy();
    }
  });
});

describe('RegionalClients', () => {
  it('builds one client per region on first use, reuses it, and destroys them all', () => {
    const destroy = jest.fn();
    const factory = jest.fn((region: string) => ({ region, destroy }));
    const clients = new RegionalClients(factory);

    const first = clients.get('eu-west-1');
    expect(clients.get('eu-west-1')).toBe(first);
    expect(clients.get('us-east-1')).not.toBe(first);
    expect(factory.mock.calls).toEqual([['eu-west-1'], ['us-east-1']]);

    clients.destroy();
    expect(destroy).toHaveBeenCalledTimes(2);
    clients.get('eu-west-1');
    expect(factory).toHaveBeenCalledTimes(3);
  });
});

describe('regionalClients', () => {
  it('builds with the injected factory when there is one', () => {
    const client = { destroy: jest.fn() };
    const create = jest.fn(() => ({ destroy: jest.fn() }));
    const clients = regionalClients({ clientFactory: () => client, endpoint: 'http://127.0.0.1:9' }, create);

    expect(clients.get('eu-west-1')).toBe(client);
    expect(create).not.toHaveBeenCalled();
  });

  it("otherwise builds each region's client with the options that are set, and only those", () => {
    const create = jest.fn((options: AwsClientOptions) => ({ options, destroy: jest.fn() }));
    const clients = regionalClients({ endpoint: 'http://127.0.0.1:4599', maxAttempts: 1 }, create);
    clients.get('us-east-1');

    expect(create.mock.calls).toStrictEqual([
      [{ region: 'us-east-1', endpoint: 'http://127.0.0.1:4599', maxAttempts: 1 }],
    ]);
  });
});

describe('the SDK clients on a live HTTP endpoint', () => {
  let server: Server;
  let endpoint: string;
  let silent = false;
  let connections: { socket: Socket; closed: Promise<void> }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (silent) return;
        if (request.headers['x-amz-target'] !== undefined) {
          // DynamoDB (JSON protocol): an empty GetItem answer.
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
        } else {
          response.writeHead(200, { 'content-type': 'text/xml' }).end(GET_CALLER_IDENTITY_XML);
        }
      });
    });
    server.on('connection', (socket: Socket) => {
      connections.push({ socket, closed: new Promise((resolve) => socket.once('close', () => resolve())) });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    silent = false;
    connections = [];
  });
  afterEach(() => {
    server.closeAllConnections();
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });

  it('keeps the connection alive between calls of an STS client', async () => {
    const client = createStsClient({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS });
    try {
      await expect(client.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
        Account: '123456789012',
      });
      await client.send(new GetCallerIdentityCommand({}));
      expect(connections).toHaveLength(1);
    } finally {
      client.destroy();
    }
  });

  it("closes an STS client's kept-alive connection on destroy", async () => {
    const client = createStsClient({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS });
    await client.send(new GetCallerIdentityCommand({}));

    client.destroy();

    expect(connections).toHaveLength(1);
    await within(2000, 'closing the kept-alive STS connection', connections[0]?.closed ?? Promise.resolve());
  });

  it("closes a DynamoDB document client's kept-alive connection on destroy", async () => {
    const client = createDynamoDbDocumentClient({ region: 'eu-west-1', endpoint, credentials: CREDENTIALS });
    const output = await client.send(new GetCommand({ TableName: 'tenants', Key: { tenantId: 'acme' } }));
    expect(output.Item).toBeUndefined();

    client.destroy();

    expect(connections).toHaveLength(1);
    await within(
      2000,
      'closing the kept-alive DynamoDB connection',
      connections[0]?.closed ?? Promise.resolve(),
    );
  });

  it('turns a request that outlives its timeout into a transient TimeoutError instead of waiting', async () => {
    silent = true;
    const client = createStsClient({
      region: 'eu-west-1',
      endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
      requestTimeoutMs: 100,
    });
    try {
      const started = Date.now();
      const error = await failureOf(client.send(new GetCallerIdentityCommand({})));

      expect(Date.now() - started).toBeLessThan(3000);
      expect(error).toMatchObject({ name: 'TimeoutError' });
      expect(isTransientFailure(error)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});
