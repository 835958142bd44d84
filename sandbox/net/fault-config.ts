/**
 * What the sandbox fronts' fault injection shares: the checks of a configuration, its `failNext` countdown, and a
 * rate's draw per request.
 */
import { randomInt } from 'node:crypto';

/** The part of a front's fault configuration that every front has. */
export interface BaseFaultConfig {
  readonly latencyMs?: number;
  readonly failNext?: { readonly code: string; readonly count: number };
}

/**
 * Throws a `RangeError` for a configuration that cannot mean anything: a negative or infinite latency, a rate (by its
 * option name) outside 0..1, a `failNext` code that is not one of the front's faults, or a count that is no count.
 */
export function checkFaultConfig(
  config: BaseFaultConfig,
  rates: Readonly<Record<string, number | undefined>>,
  isFaultCode: (code: string) => boolean,
): void {
  const { latencyMs, failNext } = config;
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
  }
  for (const [name, rate] of Object.entries(rates)) {
    if (rate !== undefined && !(rate >= 0 && rate <= 1))
      throw new RangeError(`${name} must be within 0..1, got ${rate}`);
  }
  if (failNext !== undefined) {
    if (!isFaultCode(failNext.code)) throw new RangeError(`failNext.code is not a fault: ${failNext.code}`);
    if (!(Number.isInteger(failNext.count) && failNext.count >= 0)) {
      throw new RangeError(`failNext.count must be an integer >= 0, got ${failNext.count}`);
    }
  }
}

/** One draw of `rate` (0..1, none meaning 0): true that share of the time. */
export function drawRate(rate: number | undefined): boolean {
  if (rate === undefined || rate <= 0) return false;
  // randomInt's upper bound is exclusive: rate 1 always hits, rate 0.5 hits half of the 1e6 outcomes.
  return randomInt(1_000_000) < rate * 1_000_000;
}

/** A front's fault configuration, checked when set, and the countdown of its `failNext`; the front decides the rest. */
export class FaultSchedule<Config extends BaseFaultConfig> {
  private current: Config;
  private failNextRemaining = 0;

  constructor(
    private readonly check: (config: Config) => void,
    config: Config,
  ) {
    this.current = config;
    this.set(config);
  }

  /** Replaces the whole configuration; `failNext` starts counting anew. */
  set(config: Config): void {
    this.check(config);
    this.current = { ...config };
    this.failNextRemaining = config.failNext?.count ?? 0;
  }

  get latencyMs(): number {
    return this.current.latencyMs ?? 0;
  }

  protected get config(): Config {
    return this.current;
  }

  /** The code `failNext` injects into this request while its count lasts, or undefined. */
  protected takeFailNext(): NonNullable<Config['failNext']>['code'] | undefined {
    const failNext = this.current.failNext;
    if (failNext === undefined || this.failNextRemaining <= 0) return undefined;
    this.failNextRemaining -= 1;
    return failNext.code;
  }
}
