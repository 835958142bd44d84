/**
 * The dev issuer's RSA key pair, kept in one PEM file so that the running sandbox (which publishes the public half)
 * and `npm run token` (which signs with the private half), two separate processes, agree on it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type RsaPublicJwk, rsaPublicJwk } from './jws';

/** The variable that moves the key file (tests point it at a temporary directory). */
export const DEV_KEY_FILE_ENV = 'CREDVEND_DEV_KEY_FILE';

/** `<project>/.credvend/dev-issuer-key.pem`: gitignored, created on first use. */
export const DEFAULT_DEV_KEY_FILE = resolve(__dirname, '..', '..', '.credvend', 'dev-issuer-key.pem');

/** The key file named by `CREDVEND_DEV_KEY_FILE`, or the project default. */
export function devKeyFileFrom(env: NodeJS.ProcessEnv): string {
  const configured = env[DEV_KEY_FILE_ENV];
  return configured === undefined || configured.trim() === '' ? DEFAULT_DEV_KEY_FILE : resolve(configured);
}

/** The loaded key pair and what a JWKS publishes of it. */
export interface DevSigningKey {
  readonly privateKey: KeyObject;
  /** RFC 7638 thumbprint of the public key: the same in every process that reads the same file. */
  readonly kid: string;
  readonly jwk: RsaPublicJwk;
  readonly file: string;
}

/** Reads the key file, creating it (directory 0700, file 0600, 2048-bit RSA, PKCS#8 PEM) when it does not exist. */
export function loadOrCreateDevKey(file: string): DevSigningKey {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    if (!isNotFound(error)) throw error;
    pem = createKeyFile(file);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} does not hold a PEM private key; delete it and a new one is made on next use`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`${file} does not hold an RSA key`);
  const publicKey = createPublicKey(privateKey);
  const kid = thumbprint(publicKey);
  return { privateKey, kid, jwk: rsaPublicJwk(publicKey, kid), file };
}

function createKeyFile(file: string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  try {
    // `wx`: if another process created the file in the meantime, keep its key rather than overwrite it.
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw error;
  }
}

/** RFC 7638: SHA-256 over the required members of the JWK in lexicographic order. */
function thumbprint(publicKey: KeyObject): string {
  const { e, kty, n } = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
