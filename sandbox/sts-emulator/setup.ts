/** Turns `StsEmulatorOptions` into the emulator's context over its account, refusing options that are unsafe. */
import { EmulatedAccount } from '../account/account';
import { isLoopbackAddress } from './inspect-endpoint';
import { LoopbackHttpKeySource } from './oidc-keys';
import type { EmulatorContext } from './sts-request';
import type { StsEmulatorOptions } from './types';

/** Whether `host` is a loopback name or address: `localhost`, 127.0.0.0/8, or `::1`. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/** The account the emulator serves: the one given (shared with other fronts), or a new one from the options. */
export function accountOf(options: StsEmulatorOptions): EmulatedAccount {
  return 'account' in options ? options.account : new EmulatedAccount(options);
}

/** Validates the options and builds the context every request consults; throws on anything unusable. */
export function buildContext(
  options: StsEmulatorOptions,
  host: string,
  account: EmulatedAccount,
): EmulatorContext {
  if (!isLoopbackHost(host)) {
    // The emulator accepts made-up credentials and exposes session details: it must never face a network.
    throw new Error(
      `STS emulator: refusing to listen on '${host}': only loopback hosts (127.0.0.1, ::1, localhost) are allowed`,
    );
  }
  const maxBodyBytes = options.maxBodyBytes;
  if (maxBodyBytes !== undefined && !(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw new Error(`STS emulator: maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  }
  return {
    accountId: account.accountId,
    region: options.region,
    now: account.now,
    roles: account.roles,
    baseCredentials: account.baseCredentials,
    sessions: account.sessions,
    oidcProviders: account.oidcProviders,
    oidcKeys: new LoopbackHttpKeySource(account.now),
    ...(options.onInternalError === undefined ? {} : { onInternalError: options.onInternalError }),
  };
}
