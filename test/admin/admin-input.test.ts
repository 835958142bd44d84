/** The operator's input besides records: revocation times and suspension reasons. */
import { parseRevocationTime, parseSuspendReason } from '../../admin/admin-input';
import { InvalidInputError } from '../../admin/errors';

const NOW = Date.parse('2026-12-01T12:00:00.250Z');

describe('parseRevocationTime', () => {
  it('defaults to the next whole second, so sessions of the current second are revoked too', () => {
    expect(parseRevocationTime(undefined, NOW, 3600)).toBe('2026-12-01T12:00:01Z');
    expect(parseRevocationTime(undefined, Date.parse('2026-12-01T12:00:00Z'), 3600)).toBe(
      '2026-12-01T12:00:01Z',
    );
  });

  it('rounds a given time up to whole seconds and reads zones', () => {
    expect(parseRevocationTime('2026-12-01T11:30:00.001Z', NOW, 3600)).toBe('2026-12-01T11:30:01Z');
    expect(parseRevocationTime('2026-12-01T13:30:00+02:00', NOW, 3600)).toBe('2026-12-01T11:30:00Z');
    expect(parseRevocationTime(new Date('2026-12-01T11:45:00Z'), NOW, 3600)).toBe('2026-12-01T11:45:00Z');
  });

  it('refuses a time without a zone, which would mean something else on every machine', () => {
    expect(() => parseRevocationTime('2026-12-01T11:30:00', NOW, 3600)).toThrow(InvalidInputError);
  });
});

describe('parseSuspendReason', () => {
  it('keeps one trimmed line of text', () => {
    expect(parseSuspendReason('  unpaid invoice ')).toBe('unpaid invoice');
    expect(() => parseSuspendReason('two\nlines')).toThrow('--reason must be one line of text');
    expect(() => parseSuspendReason('x'.repeat(501))).toThrow('--reason is longer than 500 characters');
  });
});
