/** S3's integrity checks: the flexible checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256), MD5 and ETags. */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { crc32c } from '@aws-crypto/crc32c';
import { Crc64Nvme } from '@aws-sdk/crc64-nvme';
import { badContentMd5, badDigest, invalidDigest } from './errors';

/** The checksum algorithms S3 accepts, as S3 names them. */
export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

/** One of S3's checksum algorithms. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** How a multipart object's checksum was formed: over the whole object, or over the parts' checksums. */
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

const RAW_LENGTH: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** The algorithm a header or XML value names (S3 compares case-insensitively); undefined when it names none. */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === upper);
}

/** The header that carries a checksum, e.g. `x-amz-checksum-crc32`. */
export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/** The XML element that carries a checksum, e.g. `ChecksumCRC32`. */
export function checksumElement(algorithm: ChecksumAlgorithm): string {
  return `Checksum${algorithm}`;
}

/** The raw (binary) checksum of `data`. */
export async function rawChecksum(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<Buffer> {
  switch (algorithm) {
    case 'CRC32':
      return uint32(crc32(data));
    case 'CRC32C':
      return uint32(crc32c(data));
    case 'CRC64NVME': {
      const crc64 = new Crc64Nvme();
      crc64.update(data);
      return Buffer.from(await crc64.digest());
    }
    case 'SHA1':
      return createHash('sha1').update(data).digest();
    case 'SHA256':
      return createHash('sha256').update(data).digest();
  }
}

/** The checksum of `data` as S3 sends it: base64 of the big-endian raw value. */
export async function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): Promise<string> {
  return (await rawChecksum(algorithm, data)).toString('base64');
}

/** Whether `value` is well-formed for `algorithm`: canonical base64 of the right number of bytes. */
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, value: string): boolean {
  const raw = Buffer.from(value, 'base64');
  return raw.length === RAW_LENGTH[algorithm] && raw.toString('base64') === value;
}

/**
 * A multipart object's composite checksum: the checksum of the concatenated raw part checksums, then `-N`.
 * CRC64NVME has no composite form (S3 only computes it over the full object).
 */
export async function compositeChecksum(
  algorithm: ChecksumAlgorithm,
  partChecksums: readonly string[],
): Promise<string> {
  const joined = Buffer.concat(partChecksums.map((value) => Buffer.from(value, 'base64')));
  return `${await checksumOf(algorithm, joined)}-${partChecksums.length}`;
}

/** Rejects with `BadDigest` (as S3 words it for `algorithm`) when `expected` is not the checksum of `data`. */
export async function verifyChecksum(
  algorithm: ChecksumAlgorithm,
  expected: string,
  data: Uint8Array,
): Promise<void> {
  if ((await checksumOf(algorithm, data)) !== expected) throw badDigest(algorithm);
}

/** The MD5 of `data`, raw. */
export function md5(data: Uint8Array): Buffer {
  return createHash('md5').update(data).digest();
}

/** The ETag of a single-part object: its MD5 in hex, in double quotes. */
export function etagOf(data: Uint8Array): string {
  return `"${md5(data).toString('hex')}"`;
}

/** The ETag of a multipart object: the MD5 of the concatenated raw part MD5s, `-N`, in double quotes. */
export function multipartEtag(partMd5s: readonly Uint8Array[]): string {
  return `"${md5(Buffer.concat(partMd5s)).toString('hex')}-${partMd5s.length}"`;
}

/**
 * Checks a `Content-MD5` header against `data`: `InvalidDigest` when it is not base64 of 16 bytes, `BadDigest`
 * when it does not match. Does nothing when the header is absent.
 */
export function verifyContentMd5(header: string | undefined, data: Uint8Array): void {
  if (header === undefined) return;
  const raw = Buffer.from(header, 'base64');
  if (raw.length !== 16 || raw.toString('base64') !== header.trim()) throw invalidDigest();
  if (!raw.equals(md5(data))) throw badContentMd5();
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}
