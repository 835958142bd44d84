/** Injected latency and faults of the KMS front, by rate or deterministically (`failNext`), as the STS front's. */
import { randomInt } from 'node:crypto';
import { internalFailure, type KmsError, throttling } from './errors';

/** The faults the front injects; the rate draws independently for every request. */
export interface KmsFaultConfig {
  /** Delay before every response, in milliseconds: KMS's own latency, for a benchmark to emulate. */
  readonly latencyMs?: number;
  /** Share of requests (0..1) answered 400 `ThrottlingException`, which the SDK retries. */
  readonly throttleRate?: number;
  /** Deterministic alternative: the next `count` requests fail with `code`, before the rate is drawn. */
  readonly failNext?: { readonly code: KmsFaultCode; readonly count: number };
}

/** A fault that `failNext` can inject. */
export type KmsFaultCode = 'ThrottlingException' | 'KMSInternalException';

const FAULTS: Readonly<Record<KmsFaultCode, () => KmsError>> = {
  ThrottlingException: throttling,
  KMSInternalException: internalFailure,
};

/** Throws a `RangeError` for a configuration that cannot mean anything. */
export function validateKmsFaults(faults: KmsFaultConfig): void {
  const { latencyMs, throttleRate, failNext } = faults;
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
  }
  if (throttleRate !== undefined && !(throttleRate >= 0 && throttleRate <= 1)) {
    throw new RangeError(`throttleRate must be within 0..1, got ${throttleRate}`);
  }
  if (failNext !== undefined) {
    if (!Object.hasOwn(FAULTS, failNext.code))
      throw new RangeError(`failNext.code is not a fault: ${failNext.code}`);
    if (!(Number.isInteger(failNext.count) && failNext.count >= 0)) {
      throw new RangeError(`failNext.count must be an integer >= 0, got ${failNext.count}`);
    }
  }
}

/** Decides, request by request, which fault (if any) to inject. */
export class KmsFaultInjector {
  private config: KmsFaultConfig = {};
  private failNextRemaining = 0;

  constructor(config: KmsFaultConfig = {}) {
    this.set(config);
  }

  /** Replaces the whole configuration; `failNext` starts counting anew. */
  set(config: KmsFaultConfig): void {
    validateKmsFaults(config);
    this.config = { ...config };
    this.failNextRemaining = config.failNext?.count ?? 0;
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  /** The error to answer the next request with, or undefined to serve it. */
  next(): KmsError | undefined {
    const failNext = this.config.failNext;
    if (failNext !== undefined && this.failNextRemaining > 0) {
      this.failNextRemaining -= 1;
      return FAULTS[failNext.code]();
    }
    const rate = this.config.throttleRate ?? 0;
    // randomInt's upper bound is exclusive: rate 1 always hits, rate 0.5 hits half of the 1e6 outcomes.
    return rate > 0 && randomInt(1_000_000) < rate * 1_000_000 ? throttling() : undefined;
  }
}
