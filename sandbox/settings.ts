/** The sandbox's knobs: each server's default port and the variable and flag that change it, the target, the key file. */

/** The servers `npm start` runs. */
export type SandboxPart = 'api' | 'sts' | 'dynamodb' | 'issuer' | 's3' | 'iam' | 'kms';

/** How each part is named, found and moved. */
export const SANDBOX_PARTS: Readonly<
  Record<
    SandboxPart,
    { readonly label: string; readonly env: string; readonly flag: string; readonly defaultPort: number }
  >
> = {
  api: { label: 'API', env: 'CREDVEND_PORT', flag: '--port', defaultPort: 3000 },
  sts: { label: 'STS emulator', env: 'CREDVEND_STS_PORT', flag: '--sts-port', defaultPort: 3001 },
  dynamodb: {
    label: 'DynamoDB (dynalite)',
    env: 'CREDVEND_DYNAMODB_PORT',
    flag: '--dynamodb-port',
    defaultPort: 3002,
  },
  issuer: { label: 'dev OIDC issuer', env: 'CREDVEND_ISSUER_PORT', flag: '--issuer-port', defaultPort: 3003 },
  s3: { label: 'S3 emulator', env: 'CREDVEND_S3_PORT', flag: '--s3-port', defaultPort: 3004 },
  iam: { label: 'IAM emulator', env: 'CREDVEND_IAM_PORT', flag: '--iam-port', defaultPort: 3005 },
  kms: { label: 'KMS emulator', env: 'CREDVEND_KMS_PORT', flag: '--kms-port', defaultPort: 3006 },
};

/** Where credentials come from: the embedded stand-ins (`local`) or AWS itself (`aws`). */
export type SandboxTarget = 'local' | 'aws';

/** `CREDVEND_TARGET=aws` is `npm start -- --aws`. */
export const TARGET_ENV = 'CREDVEND_TARGET';

/** The issuer URL `npm run token` signs for unless told otherwise: the dev issuer on its default port. */
export const DEFAULT_ISSUER_URL = `http://127.0.0.1:${SANDBOX_PARTS.issuer.defaultPort}`;

/** A TCP port from a flag or variable: a whole number from 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new Error(`"${value}" is not a port number (0-65535)`);
  }
  return Number(value);
}
