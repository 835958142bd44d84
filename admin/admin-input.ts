/** Checks of the operator's input besides records: revocation times, suspension reasons, page sizes and cursors. */
import { InvalidInputError } from './errors';
import { isoSeconds, revocationTimeAt } from './tenant-item';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * The revocation time for `input` (default: the next whole second after `nowMs`), in whole seconds, rounded up so
 * that sessions issued in a second that `input` falls in are revoked too. Refused when it lies in the future (it would
 * deny sessions not issued yet: suspend the tenant for that), or so far back that every session issued before it has
 * expired anyway (sessions last at most `maxSessionSeconds`).
 */
export function parseRevocationTime(
  input: string | Date | undefined,
  nowMs: number,
  maxSessionSeconds: number,
): string {
  const latest = revocationTimeAt(nowMs);
  if (input === undefined) return latest;
  const text = input instanceof Date ? input.toISOString() : input.trim();
  const ms = ISO_WITH_ZONE.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidInputError(
      `--before "${text}" is not a time: write ISO 8601 with a zone, e.g. 2026-12-01T12:00:00Z`,
    );
  }
  const before = isoSeconds(Math.ceil(ms / 1000) * 1000);
  if (before > latest) {
    throw new InvalidInputError(
      `--before ${before} is in the future: a revocation takes back sessions issued so far; to stop new vends, ` +
        'suspend the tenant',
    );
  }
  const expiredBy = Date.parse(before) + maxSessionSeconds * 1000;
  if (expiredBy <= nowMs) {
    throw new InvalidInputError(
      `nothing to revoke: every session issued before ${before} expired by ${isoSeconds(expiredBy)} ` +
        `(sessions of this deployment last at most ${maxSessionSeconds} s)`,
    );
  }
  return before;
}

/** The longest suspension reason kept. */
export const MAX_REASON_LENGTH = 500;

/** A suspension reason: some text, one line, at most `MAX_REASON_LENGTH` characters. */
export function parseSuspendReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') throw new InvalidInputError('--reason must say why the tenant is suspended');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new InvalidInputError('--reason must be one line of text');
  if (trimmed.length > MAX_REASON_LENGTH)
    throw new InvalidInputError(`--reason is longer than ${MAX_REASON_LENGTH} characters`);
  return trimmed;
}

/** Page sizes of `tenants list`. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** A page size from 1 to `MAX_PAGE_SIZE`. */
export function parseLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new InvalidInputError(`--limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}

/** The opaque cursor of the page after `lastKey`. */
export function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

/** The key a cursor from `encodeCursor` holds; `InvalidInputError` for anything else. */
export function decodeCursor(cursor: string): Record<string, unknown> {
  const refused = new InvalidInputError('--cursor is not one that tenants list printed; copy it whole');
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  const valid =
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).length === 1 &&
    typeof (key as { tenantId?: unknown }).tenantId === 'string';
  if (!valid || encodeCursor(key as Record<string, unknown>) !== cursor) throw refused;
  return key as Record<string, unknown>;
}
