/** `startSandbox` as a process owner sees it: busy ports named, nothing left running after a failed start or close. */

import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { listenOnLoopback, PortUnavailableError } from '../../sandbox/net/loopback-server';
import { startSandbox } from '../../sandbox/sandbox';
import type { SandboxPart } from '../../sandbox/settings';
import { failureOf } from '../support/async';
import { FREE_PORTS, temporaryKeyFile } from './sandbox-harness';

const key = temporaryKeyFile();
let blocker: Server;
let busyPort: number;

beforeAll(async () => {
  blocker = createServer();
  busyPort = await listenOnLoopback(blocker, 0);
});
afterAll(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  rmSync(key.dir, { recursive: true, force: true });
});

describe('startSandbox', () => {
  it.each<SandboxPart>(['api', 'sts', 'dynamodb', 'issuer', 's3', 'iam'])(
    'reports a busy %s port as PortUnavailableError naming the part, after stopping what had started',
    async (part) => {
      const error = await failureOf(
        startSandbox({ ports: { ...FREE_PORTS, [part]: busyPort }, devKeyFile: key.file }),
      );

      expect(error).toBeInstanceOf(PortUnavailableError);
      expect(error).toMatchObject({ port: busyPort, part, reason: 'in use' });
      // The parts started before the failing one are closed: jest --detectOpenHandles would report them.
    },
  );

  it('refuses a host that is not a loopback address', async () => {
    const error = await failureOf(startSandbox({ ports: FREE_PORTS, devKeyFile: key.file, host: '0.0.0.0' }));

    expect((error as Error).message).toBe('the sandbox listens on loopback addresses only, not 0.0.0.0');
  });

  it('stops every part on close, and a second close is harmless', async () => {
    const sandbox = await startSandbox({ ports: FREE_PORTS, devKeyFile: key.file });

    await sandbox.close();
    await sandbox.close();

    for (const url of [
      sandbox.apiUrl,
      sandbox.stsUrl,
      sandbox.dynamoDbUrl,
      sandbox.issuerUrl,
      sandbox.s3Url,
      sandbox.iamUrl,
    ]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});
