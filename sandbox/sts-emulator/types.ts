/** Public types of the STS emulator: its options, faults, and what it records (the account's types re-exported). */
import type { AccountOptions, EmulatedAccount } from '../account/account';
import type { SessionRecord } from '../account/types';

export type {
  BaseCredentials,
  EmulatedOidcProvider,
  EmulatedRole,
  RoleTrust,
  SessionCredentials,
  SessionRecord,
  SessionTag,
} from '../account/types';

/** The faults an emulator injects; the rates draw independently for every STS request. */
export interface FaultConfig {
  /** Delay before every STS response, in milliseconds. */
  readonly latencyMs?: number;
  /** Share of requests (0..1) answered 400 `Throttling` "Rate exceeded". */
  readonly throttleRate?: number;
  /** Share of requests (0..1) answered 500 `InternalFailure` or 503 `ServiceUnavailable` (half each). */
  readonly serverErrorRate?: number;
  /** Share of requests (0..1) never answered (until the emulator closes). */
  readonly hangRate?: number;
  /** Deterministic alternative: the next `count` STS requests fail with `code`, before any rate is drawn. */
  readonly failNext?: { readonly code: FaultCode; readonly count: number };
}

/** A fault that `failNext` can inject. */
export type FaultCode = 'Throttling' | 'InternalFailure' | 'ServiceUnavailable' | 'Hang';

/** How the STS front itself runs. */
export interface StsFrontOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Loopback address to bind; anything else is refused. @default '127.0.0.1' */
  readonly host?: string;
  /** When set, requests must be signed for this region (like a regional endpoint); any region otherwise. */
  readonly region?: string;
  readonly faults?: FaultConfig;
  /** Largest accepted request body; larger ones get 413. @default 65536 */
  readonly maxBodyBytes?: number;
  /** Told about failures of the emulator itself, which the client sees as a bare 500 `InternalFailure`. */
  readonly onInternalError?: (error: unknown) => void;
}

/**
 * Options of `startStsEmulator`: the front's own, and either the account it serves (shared with the other fronts of
 * the sandbox) or the options of a new account of its own (roles, base credentials, clock, session bound).
 */
export type StsEmulatorOptions = StsFrontOptions & ({ readonly account: EmulatedAccount } | AccountOptions);

/** One STS request the emulator answered (or left hanging: status 0). */
export interface StsCallRecord {
  /** The `Action` parameter, `''` when missing. */
  readonly action: string;
  /** The access key id the request was signed with, when it carried one. */
  readonly accessKeyId?: string;
  readonly status: number;
}

/** A running emulator. */
export interface StsEmulator {
  /** The account whose roles and sessions this front serves. */
  readonly account: EmulatedAccount;
  /** `http://127.0.0.1:<port>`: the `endpoint` for an `STSClient`. */
  readonly url: string;
  readonly port: number;
  /** Replaces the fault configuration (all of it, `failNext` included). */
  setFaults(faults: FaultConfig): void;
  /** The record of the session an access key id belongs to. */
  inspect(accessKeyId: string): SessionRecord | undefined;
  /** The STS requests so far (the latest 100,000 at most), oldest first; the same array across calls. */
  readonly calls: readonly StsCallRecord[];
  resetCalls(): void;
  /** Stops listening and destroys every connection, keep-alive and hanging ones included. */
  close(): Promise<void>;
}
