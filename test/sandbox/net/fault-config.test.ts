/** The fault configuration the sandbox fronts share: its checks, the `failNext` countdown, and a rate's draw. */
import { checkFaultConfig, drawRate, FaultSchedule } from '../../../sandbox/net/fault-config';

const isCode = (code: string) => code === 'Boom';

describe('checkFaultConfig', () => {
  it.each([
    [{ latencyMs: -1 }, {}, 'latencyMs must be a finite number >= 0, got -1'],
    [{ latencyMs: Number.POSITIVE_INFINITY }, {}, 'latencyMs must be a finite number >= 0, got Infinity'],
    [{}, { hangRate: 1.5 }, 'hangRate must be within 0..1, got 1.5'],
    [{}, { throttleRate: Number.NaN }, 'throttleRate must be within 0..1, got NaN'],
    [{ failNext: { code: 'Fizzle', count: 1 } }, {}, 'failNext.code is not a fault: Fizzle'],
    [{ failNext: { code: 'Boom', count: 0.5 } }, {}, 'failNext.count must be an integer >= 0, got 0.5'],
  ])('refuses %j with rates %j', (config, rates, message) => {
    expect(() => checkFaultConfig(config, rates, isCode)).toThrow(new RangeError(message));
  });

  it('accepts a configuration that means something', () => {
    expect(() =>
      checkFaultConfig({ latencyMs: 0, failNext: { code: 'Boom', count: 2 } }, { rate: 1 }, isCode),
    ).not.toThrow();
  });
});

describe('drawRate', () => {
  it('never hits for no rate or 0, always for 1', () => {
    for (let i = 0; i < 100; i++) {
      expect(drawRate(undefined)).toBe(false);
      expect(drawRate(0)).toBe(false);
      expect(drawRate(1)).toBe(true);
    }
  });
});

describe('FaultSchedule', () => {
  class Schedule extends FaultSchedule<{ latencyMs?: number; failNext?: { code: 'Boom'; count: number } }> {
    take() {
      return this.takeFailNext();
    }
  }

  it('injects failNext count times, then nothing, and starts counting anew when set again', () => {
    const schedule = new Schedule(() => {}, { latencyMs: 5, failNext: { code: 'Boom', count: 2 } });

    expect([schedule.take(), schedule.take(), schedule.take()]).toEqual(['Boom', 'Boom', undefined]);
    expect(schedule.latencyMs).toBe(5);
    schedule.set({ failNext: { code: 'Boom', count: 1 } });
    expect([schedule.take(), schedule.take()]).toEqual(['Boom', undefined]);
    expect(schedule.latencyMs).toBe(0);
  });

  it('checks every configuration it is given, the first included', () => {
    const refuse = () => {
      throw new RangeError('no');
    };
    expect(() => new Schedule(refuse, {})).toThrow(RangeError);
  });
});
