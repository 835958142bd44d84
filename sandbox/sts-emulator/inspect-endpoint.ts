/**
 * The loopback-only inspect endpoint, `GET /_emulator/sessions/<accessKeyId>`: the JSON record of the session an
 * access key belongs to (policy, tags, source identity, expiry, issuer), never its secret or token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { SessionStore } from '../account/sessions';

export const INSPECT_PREFIX = '/_emulator/';
const SESSION_PATH = /^\/_emulator\/sessions\/([A-Z0-9]{16,128})$/;

/** Whether an address is a loopback one (127.0.0.0/8, ::1, or an IPv4-mapped 127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * A `Host` header naming a loopback host. Checked so that a web page cannot reach the endpoint through a
 * DNS-rebound name even though the server itself only listens on loopback.
 */
function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || isLoopbackAddress(name);
}

/** Answers a request under `/_emulator/`. */
export function serveInspect(
  request: IncomingMessage,
  response: ServerResponse,
  sessions: SessionStore,
): void {
  const send = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  if (!isLoopbackAddress(request.socket.remoteAddress) || !isLoopbackHost(request.headers.host)) {
    send(403, { error: 'The inspect endpoint answers loopback clients only.' });
    return;
  }
  if (request.method !== 'GET') {
    send(405, { error: 'Only GET is supported.' });
    return;
  }
  const path = (request.url ?? '').split('?', 1)[0] ?? '';
  const accessKeyId = SESSION_PATH.exec(path)?.[1];
  if (accessKeyId === undefined) {
    send(404, { error: 'Not found. Use GET /_emulator/sessions/<accessKeyId>.' });
    return;
  }
  const record = sessions.inspect(accessKeyId);
  if (record === undefined) {
    send(404, { error: `No session has the access key id ${accessKeyId}.` });
    return;
  }
  send(200, record);
}
