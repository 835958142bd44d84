/** The dev OIDC issuer: its key file shared between processes, its discovery document and JWKS, its tokens. */
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_AUDIENCE, mintDevToken } from '../../sandbox/dev-issuer/dev-token';
import { type DevIssuer, startDevIssuer } from '../../sandbox/dev-issuer/server';
import {
  DEFAULT_DEV_KEY_FILE,
  devKeyFileFrom,
  loadOrCreateDevKey,
} from '../../sandbox/dev-issuer/signing-key';
import { PROJECT_ROOT } from './child-process';
import { temporaryKeyFile } from './sandbox-harness';

const key = temporaryKeyFile();
let issuer: DevIssuer;

beforeAll(async () => {
  issuer = await startDevIssuer({ key: loadOrCreateDevKey(key.file), port: 0 });
});
afterAll(async () => {
  await issuer.close();
  rmSync(key.dir, { recursive: true, force: true });
});

describe('the dev signing key', () => {
  it('is created on first use, readable by its owner only, and the same key (and kid) on every later load', () => {
    const first = loadOrCreateDevKey(key.file);
    const again = loadOrCreateDevKey(key.file);

    expect(statSync(key.file).mode & 0o777).toBe(0o600);
    expect(again.kid).toBe(first.kid);
    expect(again.jwk).toEqual(first.jwk);
    expect(first.jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: first.kid });
  });

  it('creates its directory readable by its owner only', () => {
    const file = join(key.dir, 'nested', 'dev-issuer-key.pem');

    loadOrCreateDevKey(file);

    expect(statSync(join(key.dir, 'nested')).mode & 0o777).toBe(0o700);
  });

  it('refuses a file that holds no private key, saying how to recover', () => {
    const file = join(key.dir, 'broken', 'dev-issuer-key.pem');
    mkdirSync(join(key.dir, 'broken'));
    writeFileSync(file, 'not a key');

    expect(() => loadOrCreateDevKey(file)).toThrow(
      `${file} does not hold a PEM private key; delete it and a new one is made on next use`,
    );
  });

  it('lives in the gitignored .credvend/ of the project unless CREDVEND_DEV_KEY_FILE moves it', () => {
    expect(DEFAULT_DEV_KEY_FILE).toBe(join(PROJECT_ROOT, '.credvend', 'dev-issuer-key.pem'));
    expect(readFileSync(join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.credvend/');
    expect(devKeyFileFrom({})).toBe(DEFAULT_DEV_KEY_FILE);
    expect(devKeyFileFrom({ CREDVEND_DEV_KEY_FILE: key.file })).toBe(key.file);
  });
});

describe('startDevIssuer', () => {
  it('publishes an OpenID discovery document whose issuer is its own base URL', async () => {
    const response = await fetch(`${issuer.url}/.well-known/openid-configuration`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: issuer.url,
      jwks_uri: issuer.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('publishes the public key that verifies the tokens it mints, and nothing private', async () => {
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: Record<string, string>[] };
    const token = mintDevToken(loadOrCreateDevKey(key.file), {
      issuer: issuer.url,
      tenant: 'acme',
      user: 'alice',
    });
    const [header = '', payload = '', signature = ''] = token.split('.');

    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const publicKey = createPublicKey({ key: jwks.keys[0] ?? {}, format: 'jwk' });
    expect(
      verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: jwks.keys[0]?.kid,
    });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
      iss: issuer.url,
      aud: DEV_AUDIENCE,
      sub: 'alice',
      'custom:tenant_id': 'acme',
    });
  });

  it('answers 404 elsewhere', async () => {
    const response = await fetch(`${issuer.url}/token`);

    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});
