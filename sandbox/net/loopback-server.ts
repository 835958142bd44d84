/** Listening and closing for the sandbox's HTTP servers: loopback addresses only, a clear error for a busy port. */
import type { Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

/** The address every sandbox part binds unless told otherwise. */
export const LOOPBACK_HOST = '127.0.0.1';

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|localhost)$/;

/** A port another process already holds (or one this user may not bind). */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
  /** Which server wanted the port, when the caller knows (e.g. `api`). */
  readonly part?: string;
  constructor(
    readonly port: number,
    readonly reason: 'in use' | 'not permitted',
    options?: { cause?: unknown; part?: string },
  ) {
    super(`port ${port} is ${reason === 'in use' ? 'already in use' : 'not permitted'}`, options);
    this.part = options?.part;
  }
}

/** Throws unless `host` is a loopback address: the sandbox hands out credentials and must not face a network. */
export function assertLoopbackHost(host: string): void {
  if (!LOOPBACK.test(host)) throw new Error(`the sandbox listens on loopback addresses only, not ${host}`);
}

/** Starts `server` on `host:port` (0: a free port) and returns the port it got. */
export async function listenOnLoopback(
  server: NetServer,
  port: number,
  host = LOOPBACK_HOST,
): Promise<number> {
  assertLoopbackHost(host);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new PortUnavailableError(port, 'in use', { cause: error }));
      else if (error.code === 'EACCES')
        reject(new PortUnavailableError(port, 'not permitted', { cause: error }));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * A listen failure of the server named `part` as a `PortUnavailableError` that names it; other errors unchanged.
 * Also maps the raw `EADDRINUSE`/`EACCES` of servers this module did not start (the STS emulator, dynalite).
 */
export function asPortError(error: unknown, port: number, part: string): unknown {
  const cause = error instanceof PortUnavailableError ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new PortUnavailableError(port, 'in use', { cause, part });
  if (code === 'EACCES') return new PortUnavailableError(port, 'not permitted', { cause, part });
  return error;
}

/** Stops accepting, ends every connection (keep-alive ones included) and resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** `http://host:port`, with IPv6 hosts bracketed. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
