/** Injected latency and faults: throttling, 5xx and hangs, by rate or deterministically (`failNext`). */
import { randomInt } from 'node:crypto';
import { checkFaultConfig, drawRate, FaultSchedule } from '../net/fault-config';
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
  const { throttleRate, serverErrorRate, hangRate } = faults;
  checkFaultConfig(faults, { throttleRate, serverErrorRate, hangRate }, (code) => FAULT_CODES.has(code));
}

/** Decides, request by request, which fault (if any) to inject. */
export class FaultInjector extends FaultSchedule<FaultConfig> {
  constructor(config: FaultConfig = {}) {
    super(validateFaults, config);
  }

  /** The decision for the next request: `failNext` first, then one independent draw per rate. */
  next(): FaultDecision {
    const code = this.takeFailNext();
    if (code !== undefined) return decisionFor(code);
    if (drawRate(this.config.hangRate)) return { kind: 'hang' };
    if (drawRate(this.config.throttleRate)) return decisionFor('Throttling');
    if (drawRate(this.config.serverErrorRate)) {
      return decisionFor(randomInt(2) === 0 ? 'InternalFailure' : 'ServiceUnavailable');
    }
    return NONE;
  }
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
