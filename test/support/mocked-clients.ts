/**
 * An AWS SDK client class mocked with aws-sdk-client-mock for the enclosing `describe`, and a `clientFactory` for the
 * adapter under test that builds real clients of that class (their `send` is the mock), destroyed at the end.
 */
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { mockClient } from 'aws-sdk-client-mock';

/** What the helper needs of a client: sockets to release. */
interface RegionalClient {
  destroy(): void;
}

/** A mocked client class: the stub that answers for every instance, and the factory the adapter is given. */
export interface MockedClients<C> {
  /** Reset before each test (answers and recorded calls), restored after the last. */
  readonly stub: AwsClientStub<C>;
  /** `new Client({ region, ...config })`, recorded (mock.calls are the regions; cleared before each test). */
  readonly clientFactory: jest.Mock<C, [region: string]>;
}

/**
 * Mocks `ClientClass` from this call on (as aws-sdk-client-mock's own examples do): call it at the top of the
 * `describe` that needs it, before the `beforeEach` that sets the default answers (it resets them before each test).
 */
export function mockClients<C extends RegionalClient, Config extends object>(
  ClientClass: new (config: Config & { region: string }) => C,
  config: Config,
): MockedClients<C> {
  const stub = mockClient(ClientClass as never) as unknown as AwsClientStub<C>;
  const built: C[] = [];
  const clientFactory = jest.fn((region: string) => {
    const client = new ClientClass({ ...config, region });
    built.push(client);
    return client;
  });
  beforeEach(() => {
    stub.reset();
    clientFactory.mockClear();
  });
  afterAll(() => {
    stub.restore();
    for (const client of built) client.destroy();
  });
  return { stub, clientFactory };
}
