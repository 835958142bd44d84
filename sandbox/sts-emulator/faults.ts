/** Injected latency and faults: throttling, 5xx and hangs, by rate or deterministically (`failNext`). */
import { randomInt } from 'node:crypto';
import { internalFailure, type QueryError, serviceUnavailable, throttling } from '../query-protocol/errors';
import type { FaultCode, FaultConfig } from './types';

/** What to do with one request. */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly error: QueryError }
  | { readonly kind: 'hang' };

const NONE: FaultDecision = { kind: 'none' };
const FAULT_CODES: ReadonlySet<string> = new Set<FaultCode>([
  'Throttling',
  'InternalFailure',
  'ServiceUnavailable',
  'Hang',
]);

/** Throws a `RangeError` for a configuration that cannot mean anything. */
export function validateFaults(faults: FaultConfig): void {
  const { latencyMs, throttleRate, serverErrorRate, hangRate, failNext } = faults;
  if (latencyMs !== undefined && !(Number.isFinite(latencyMs) && latencyMs >= 0)) {
    throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
  }
  for (const [name, rate] of Object.entries({ throttleRate, serverErrorRate, hangRate })) {
    if (rate !== undefined && !(rate >= 0 && rate <= 1))
      throw new RangeError(`${name} must be within 0..1, got ${rate}`);
  }
  if (failNext !== undefined) {
    if (!FAULT_CODES.has(failNext.code))
      throw new RangeError(`failNext.code is not a fault: ${failNext.code}`);
    if (!(Number.isInteger(failNext.count) && failNext.count >= 0)) {
      throw new RangeError(`failNext.count must be an integer >= 0, got ${failNext.count}`);
    }
  }
}

/** Decides, request by request, which fault (if any) to inject. */
export class FaultInjector {
  private config: FaultConfig = {};
  private failNextRemaining = 0;

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  /** Replaces the whole configuration; `failNext` starts counting anew. */
  set(config: FaultConfig): void {
    validateFaults(config);
    this.config = { ...config };
    this.failNextRemaining = config.failNext?.count ?? 0;
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  /** The decision for the next request: `failNext` first, then one independent draw per rate. */
  next(): FaultDecision {
    const failNext = this.config.failNext;
    if (failNext !== undefined && this.failNextRemaining > 0) {
      this.failNextRemaining -= 1;
      return decisionFor(failNext.code);
    }
    if (draw(this.config.hangRate)) return { kind: 'hang' };
    if (draw(this.config.throttleRate)) return decisionFor('Throttling');
    if (draw(this.config.serverErrorRate)) {
      return decisionFor(randomInt(2) === 0 ? 'InternalFailure' : 'ServiceUnavailable');
    }
    return NONE;
  }
}

function draw(rate: number | undefined): boolean {
  if (rate === undefined || rate <= 0) return false;
  // randomInt's upper bound is exclusive: rate 1 always hits, rate 0.5 hits half of the 1e6 outcomes.
  return randomInt(1_000_000) < rate * 1_000_000;
}

function decisionFor(code: FaultCode): FaultDecision {
  switch (code) {
    case 'Hang':
      return { kind: 'hang' };
    case 'Throttling':
      return { kind: 'error', error: throttling() };
    case 'InternalFailure':
      return { kind: 'error', error: internalFailure() };
    case 'ServiceUnavailable':
      return { kind: 'error', error: serviceUnavailable() };
  }
}
