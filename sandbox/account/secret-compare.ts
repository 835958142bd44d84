/**
 * The comparisons every front makes against the account's credentials, in one place: SigV4 signatures and session
 * tokens compared in constant time, and the SHA-256 hex digests signatures are built on (node:crypto's).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `data` as lower-case hex, as SigV4 writes payload and canonical-request hashes. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Whether `provided` is the 64-hex signature `expected`, compared in constant time. */
export function sameSignature(expected: string, provided: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(provided, 'hex'));
}

/** Constant-time comparison of two secrets of any length (their digests have equal length). */
export function sameSecret(provided: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(provided), digest(expected));
}
