/** Injected latency and faults of the KMS front, by rate or deterministically (`failNext`), as the STS front's. */
import { checkFaultConfig, drawRate, FaultSchedule } from '../net/fault-config';
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
  checkFaultConfig(faults, { throttleRate: faults.throttleRate }, (code) => Object.hasOwn(FAULTS, code));
}

/** Decides, request by request, which fault (if any) to inject. */
export class KmsFaultInjector extends FaultSchedule<KmsFaultConfig> {
  constructor(config: KmsFaultConfig = {}) {
    super(validateKmsFaults, config);
  }

  /** The error to answer the next request with, or undefined to serve it. */
  next(): KmsError | undefined {
    const code = this.takeFailNext();
    if (code !== undefined) return FAULTS[code]();
    return drawRate(this.config.throttleRate) ? throttling() : undefined;
  }
}
