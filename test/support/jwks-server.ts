/** A JWKS endpoint on a free loopback port, as an OIDC issuer publishes it; for tests of the whole handler. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running JWKS endpoint. */
export interface JwksServer {
  readonly jwksUri: string;
  /** Requests served so far (the verifier should cache the keys). */
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Serves `jwks` at `/.well-known/jwks.json` on 127.0.0.1. */
export async function startJwksServer(jwks: unknown): Promise<JwksServer> {
  let hits = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    hits += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
