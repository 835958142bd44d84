/** The dev OIDC issuer's HTTP side: its discovery document and JWKS on loopback, for the sandbox's JWT verifier. */
import { createServer } from 'node:http';
import { closeServer, httpUrl, LOOPBACK_HOST, listenOnLoopback } from '../net/loopback-server';
import type { DevSigningKey } from './signing-key';

/** Options of `startDevIssuer`. */
export interface DevIssuerOptions {
  readonly key: DevSigningKey;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
}

/** A running dev issuer. */
export interface DevIssuer {
  /** The issuer identifier (`iss` of its tokens): its base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly jwksUri: string;
  close(): Promise<void>;
}

const JWKS_PATH = '/.well-known/jwks.json';
const DISCOVERY_PATH = '/.well-known/openid-configuration';

/** Serves `/.well-known/openid-configuration` and `/.well-known/jwks.json` for `options.key`. */
export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const host = options.host ?? LOOPBACK_HOST;
  let documents: Record<string, string> = {};
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const body = documents[path];
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else {
      response
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
        .end(request.method === 'HEAD' ? undefined : body);
    }
  });
  const port = await listenOnLoopback(server, options.port ?? 0, host);
  const url = httpUrl(host, port);
  const jwksUri = `${url}${JWKS_PATH}`;
  documents = {
    [JWKS_PATH]: JSON.stringify({ keys: [options.key.jwk] }),
    // The discovery fields a verifier reads; there is no authorization endpoint: `npm run token` mints tokens.
    [DISCOVERY_PATH]: JSON.stringify({
      issuer: url,
      jwks_uri: jwksUri,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
  };
  return { url, port, jwksUri, close: () => closeServer(server) };
}
