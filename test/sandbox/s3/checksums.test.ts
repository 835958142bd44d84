/** S3's checksums and ETags against published check values and independently computed digests. */
import { createHash } from 'node:crypto';
import {
  checksumOf,
  compositeChecksum,
  etagOf,
  isWellFormedChecksum,
  multipartEtag,
  parseChecksumAlgorithm,
  rawChecksum,
  verifyChecksum,
  verifyContentMd5,
} from '../../../sandbox/s3/checksums';
import { S3Error } from '../../../sandbox/s3/errors';

const CHECK = Buffer.from('123456789');

async function thrown(action: () => unknown): Promise<S3Error> {
  try {
    await action();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error');
}

describe('checksums', () => {
  it('computes the catalogued check values of CRC32, CRC32C and CRC64NVME for "123456789"', async () => {
    expect((await rawChecksum('CRC32', CHECK)).toString('hex')).toBe('cbf43926');
    expect((await rawChecksum('CRC32C', CHECK)).toString('hex')).toBe('e3069283');
    expect((await rawChecksum('CRC64NVME', CHECK)).toString('hex')).toBe('ae8b14860a799888');
  });

  it('sends checksums as S3 does: base64 of the big-endian raw value', async () => {
    expect(await checksumOf('CRC32', Buffer.from('hello world'))).toBe('DUoRhQ==');
    expect(await checksumOf('SHA256', Buffer.from('hello world'))).toBe(
      createHash('sha256').update('hello world').digest('base64'),
    );
    expect(await checksumOf('SHA1', Buffer.from(''))).toBe('2jmj7l5rSw0yVb/vlWAYkK/YBwk=');
  });

  it('names algorithms case-insensitively and knows no others', () => {
    expect(parseChecksumAlgorithm('crc32c')).toBe('CRC32C');
    expect(parseChecksumAlgorithm('Sha256')).toBe('SHA256');
    expect(parseChecksumAlgorithm('md5')).toBeUndefined();
  });

  it('accepts only canonical base64 of the right length as a checksum value', async () => {
    expect(isWellFormedChecksum('CRC32', 'DUoRhQ==')).toBe(true);
    expect(isWellFormedChecksum('CRC32', 'DUoRhQ')).toBe(false);
    expect(isWellFormedChecksum('CRC32', await checksumOf('SHA1', CHECK))).toBe(false);
    expect(isWellFormedChecksum('SHA1', '')).toBe(false);
  });

  it('forms a composite checksum from the raw part checksums, with the part count', async () => {
    const parts = [Buffer.from('part one'), Buffer.from('part two')];
    const raw = Buffer.concat(await Promise.all(parts.map((part) => rawChecksum('CRC32', part))));
    expect(
      await compositeChecksum('CRC32', await Promise.all(parts.map((part) => checksumOf('CRC32', part)))),
    ).toBe(`${await checksumOf('CRC32', raw)}-2`);
  });

  it('answers BadDigest naming the algorithm when a checksum does not match', async () => {
    const expected = await checksumOf('CRC32C', CHECK);
    const error = await thrown(() => verifyChecksum('CRC32C', expected, Buffer.from('other')));
    expect(error.code).toBe('BadDigest');
    expect(error.status).toBe(400);
    expect(error.s3Message).toBe('The CRC32C you specified did not match the calculated checksum.');
  });
});

describe('ETags and Content-MD5', () => {
  it('makes a single-part ETag of the quoted MD5 hex', () => {
    expect(etagOf(Buffer.from('hello world'))).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
  });

  it('makes a multipart ETag of the MD5 of the concatenated raw part MD5s, then -N', () => {
    const md5s = ['a', 'b', 'c'].map((text) => createHash('md5').update(text).digest());
    const expected = createHash('md5').update(Buffer.concat(md5s)).digest('hex');
    expect(multipartEtag(md5s)).toBe(`"${expected}-3"`);
  });

  it('accepts a matching Content-MD5 and ignores an absent one', () => {
    const body = Buffer.from('hello world');
    expect(() => verifyContentMd5(createHash('md5').update(body).digest('base64'), body)).not.toThrow();
    expect(() => verifyContentMd5(undefined, body)).not.toThrow();
  });

  it('answers InvalidDigest for a Content-MD5 that is not base64 of 16 bytes', async () => {
    const error = await thrown(() => verifyContentMd5('not-an-md5', Buffer.from('x')));
    expect(error.code).toBe('InvalidDigest');
    expect(error.status).toBe(400);
  });

  it('answers BadDigest for a well-formed Content-MD5 of other bytes', async () => {
    const error = await thrown(() =>
      verifyContentMd5(createHash('md5').update('y').digest('base64'), Buffer.from('x')),
    );
    expect(error.code).toBe('BadDigest');
    expect(error.s3Message).toBe('The Content-MD5 you specified did not match what we received.');
  });
});
