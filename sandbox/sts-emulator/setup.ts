/** Turns `StsEmulatorOptions` into the emulator's context, refusing options that could not work or are unsafe. */
import type { KnownCredentials } from './authenticate';
import { isLoopbackAddress } from './inspect-endpoint';
import { parsePrincipalArn, roleArn } from './principals';
import type { SessionStore } from './sessions';
import type { EmulatorContext } from './sts-request';
import type { EmulatedRole, StsEmulatorOptions } from './types';

const DEFAULT_ACCOUNT_ID = '000000000000';
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM's bounds of a role's MaxSessionDuration. */
const MIN_ROLE_MAX_SESSION = 3600;
const MAX_ROLE_MAX_SESSION = 43200;

/** Whether `host` is a loopback name or address: `localhost`, 127.0.0.0/8, or `::1`. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/** Validates the options and builds the context every request consults; throws on anything unusable. */
export function buildContext(
  options: StsEmulatorOptions,
  host: string,
  sessions: SessionStore,
  now: () => number,
): EmulatorContext {
  if (!isLoopbackHost(host)) {
    // The emulator accepts made-up credentials and exposes session details: it must never face a network.
    throw new Error(
      `STS emulator: refusing to listen on '${host}': only loopback hosts (127.0.0.1, ::1, localhost) are allowed`,
    );
  }
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId))
    throw new Error(`STS emulator: accountId must be 12 digits, got '${accountId}'`);
  for (const [name, value] of Object.entries({
    maxBodyBytes: options.maxBodyBytes,
    maxSessions: options.maxSessions,
  })) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new Error(`STS emulator: ${name} must be a positive integer, got ${value}`);
    }
  }
  return {
    accountId,
    region: options.region,
    now,
    roles: buildRoles(options.roles, accountId),
    baseCredentials: buildBaseCredentials(options),
    sessions,
    ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
  };
}

function buildRoles(roles: readonly EmulatedRole[], accountId: string): ReadonlyMap<string, EmulatedRole> {
  const byArn = new Map<string, EmulatedRole>();
  for (const role of roles) {
    if (!ROLE_NAME.test(role.roleName)) {
      throw new Error(`STS emulator: invalid role name '${role.roleName}' (1-64 characters of [\\w+=,.@-])`);
    }
    const max = role.maxSessionDurationSeconds;
    if (
      max !== undefined &&
      !(Number.isInteger(max) && max >= MIN_ROLE_MAX_SESSION && max <= MAX_ROLE_MAX_SESSION)
    ) {
      throw new Error(
        `STS emulator: role '${role.roleName}' maxSessionDurationSeconds must be an integer within 3600..43200, got ${max}`,
      );
    }
    const arn = roleArn(accountId, role.roleName);
    if (byArn.has(arn)) throw new Error(`STS emulator: role '${role.roleName}' is defined twice`);
    byArn.set(arn, role);
  }
  return byArn;
}

function buildBaseCredentials(options: StsEmulatorOptions): ReadonlyMap<string, KnownCredentials> {
  const byKey = new Map<string, KnownCredentials>();
  for (const credentials of options.baseCredentials) {
    const principal = parsePrincipalArn(credentials.principalArn);
    if (principal === undefined) {
      throw new Error(
        `STS emulator: principalArn '${credentials.principalArn}' is not a root, IAM user or assumed-role session ARN`,
      );
    }
    if (!/^[A-Z0-9]{16,128}$/.test(credentials.accessKeyId) || credentials.secretAccessKey.length === 0) {
      throw new Error(
        `STS emulator: base credentials need an access key id of 16-128 uppercase alphanumerics and a secret (${credentials.accessKeyId})`,
      );
    }
    if (byKey.has(credentials.accessKeyId)) {
      throw new Error(`STS emulator: access key id ${credentials.accessKeyId} is configured twice`);
    }
    byKey.set(credentials.accessKeyId, { secretAccessKey: credentials.secretAccessKey, principal });
  }
  return byKey;
}
