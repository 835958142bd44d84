/** The aws-chunked decoder against AWS's published chunked-upload examples and an independent test encoder. */
import { createHash, createHmac } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import {
  type AwsChunkedOptions,
  type ChunkSigning,
  decodeAwsChunked,
  parseDeclaredTrailers,
  parseDecodedContentLength,
} from '../../../sandbox/s3/aws-chunked';
import { S3Error } from '../../../sandbox/s3/errors';

// The credentials, time and scope of the AWS documentation's examples ("sigv4-streaming", "sigv4-streaming-trailers").
const DOC = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
};
const DOC_SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const DOC_CHUNK_SIGNATURES = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const DOC_TRAILER_SEED = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
const DOC_TRAILER_CHUNK_SIGNATURES = [
  'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
  '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
  '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
];
const DOC_TRAILER_SIGNATURE = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';
const DOC_PAYLOAD = Buffer.alloc(66560, 'a');

/** The request's signing as authenticateS3 hands it over: smithy's string signer for the request's scope. */
function signingFor(seedSignature: string, secretAccessKey = DOC.secretAccessKey): ChunkSigning {
  const signer = new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: { accessKeyId: DOC.accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  return {
    accessKeyId: DOC.accessKeyId,
    sign: (stringToSign) =>
      signer.sign(stringToSign, {
        signingDate: new Date('2013-05-24T00:00:00Z'),
        signingRegion: 'us-east-1',
        signingService: 's3',
      }),
    amzDate: DOC.amzDate,
    scope: DOC.scope,
    seedSignature,
  };
}

function docBody(signatures: readonly string[], trailer = ''): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`),
    DOC_PAYLOAD.subarray(0, 65536),
    Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`),
    DOC_PAYLOAD.subarray(0, 1024),
    Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n${trailer}\r\n`),
  ]);
}

const signedOptions = (seed = DOC_SEED): AwsChunkedOptions => ({
  framing: { kind: 'signed', trailer: false, signing: signingFor(seed) },
  decodedContentLength: 66560,
  declaredTrailers: [],
});
const signedTrailerOptions = (declaredTrailers = ['x-amz-checksum-crc32c']): AwsChunkedOptions => ({
  framing: { kind: 'signed', trailer: true, signing: signingFor(DOC_TRAILER_SEED) },
  decodedContentLength: 66560,
  declaredTrailers,
});
const docTrailerBody = (trailerLines = 'x-amz-checksum-crc32c:sOO8/Q==\r\n') =>
  docBody(
    DOC_TRAILER_CHUNK_SIGNATURES,
    `${trailerLines}x-amz-trailer-signature:${DOC_TRAILER_SIGNATURE}\r\n`,
  );

/**
 * An encoder written from the AWS documentation with plain node:crypto HMACs, independent of the decoder and of
 * smithy: signed chunks chained from `seed`, then (when given) signed trailers.
 */
function encodeSigned(
  chunks: readonly Buffer[],
  seed: string,
  trailers?: ReadonlyArray<readonly [string, string]>,
): Buffer {
  let key: Buffer = Buffer.from(`AWS4${DOC.secretAccessKey}`);
  for (const part of ['20130524', 'us-east-1', 's3', 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  const hmac = (text: string) => createHmac('sha256', key).update(text).digest('hex');
  const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  const out: Buffer[] = [];
  let previous = seed;
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', DOC.amzDate, DOC.scope, previous, sha(''), sha(chunk)];
    previous = hmac(stringToSign.join('\n'));
    out.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`), chunk);
    if (chunk.length > 0) out.push(Buffer.from('\r\n'));
  }
  if (trailers !== undefined) {
    const lines = trailers.map(([name, value]) => `${name}:${value}\n`).join('');
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', DOC.amzDate, DOC.scope, previous, sha(lines)];
    out.push(Buffer.from(trailers.map(([name, value]) => `${name}:${value}\r\n`).join('')));
    out.push(Buffer.from(`x-amz-trailer-signature:${hmac(stringToSign.join('\n'))}\r\n`));
  }
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

const unsignedOptions = (decodedContentLength: number, declaredTrailers = ['x-amz-checksum-crc32']) => ({
  framing: { kind: 'unsigned-trailer' } as const,
  decodedContentLength,
  declaredTrailers,
});

async function refusal(body: Buffer, options: AwsChunkedOptions): Promise<S3Error> {
  const outcome = await decodeAwsChunked(body, options).then(
    () => new Error('the body was accepted'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof S3Error)) throw outcome;
  return outcome;
}

describe('decodeAwsChunked', () => {
  describe('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
    it('decodes the chunked upload of the AWS documentation, verifying its published chunk signatures', async () => {
      const decoded = await decodeAwsChunked(docBody(DOC_CHUNK_SIGNATURES), signedOptions());
      expect(docBody(DOC_CHUNK_SIGNATURES)).toHaveLength(66824);
      expect(decoded.payload.equals(DOC_PAYLOAD)).toBe(true);
      expect(decoded.trailers.size).toBe(0);
    });

    it('decodes what an independent encoder of the documented algorithm produces, chunk sizes varying', async () => {
      const chunks = [Buffer.alloc(9000, 1), Buffer.alloc(8192, 2), Buffer.from('tail')];
      const decoded = await decodeAwsChunked(encodeSigned(chunks, DOC_SEED), {
        ...signedOptions(),
        decodedContentLength: 17196,
      });
      expect(decoded.payload.equals(Buffer.concat(chunks))).toBe(true);
    });

    it('decodes an empty payload: a lone 0-size chunk', async () => {
      const decoded = await decodeAwsChunked(encodeSigned([], DOC_SEED), {
        ...signedOptions(),
        decodedContentLength: 0,
      });
      expect(decoded.payload).toHaveLength(0);
    });

    it('accepts a body that ends right after the final chunk header, without the closing CRLF', async () => {
      const body = docBody(DOC_CHUNK_SIGNATURES);
      const decoded = await decodeAwsChunked(body.subarray(0, body.length - 2), signedOptions());
      expect(decoded.payload).toHaveLength(66560);
    });

    it('refuses a chunk signature that does not match, naming the key and the signature provided', async () => {
      const wrong = [...DOC_CHUNK_SIGNATURES];
      wrong[1] = 'f'.repeat(64);
      const error = await refusal(docBody(wrong), signedOptions());
      expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      expect(error.details).toMatchObject({
        AWSAccessKeyId: DOC.accessKeyId,
        SignatureProvided: 'f'.repeat(64),
      });
      expect(error.details.StringToSign).toContain('AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n');
    });

    it('refuses chunks chained from another seed signature', async () => {
      const error = await refusal(docBody(DOC_CHUNK_SIGNATURES), signedOptions('0'.repeat(64)));
      expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    });

    it('refuses chunk data that differs from what was signed', async () => {
      const body = docBody(DOC_CHUNK_SIGNATURES);
      body[200] = 'b'.charCodeAt(0);
      expect(await refusal(body, signedOptions())).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
    });

    it('refuses a body whose final 0-size chunk is missing', async () => {
      const body = docBody(DOC_CHUNK_SIGNATURES);
      const cut = body.indexOf('0;chunk-signature=b6c6');
      expect(await refusal(body.subarray(0, cut), signedOptions())).toMatchObject({
        code: 'IncompleteBody',
        status: 400,
      });
    });

    it('refuses a signed chunk without a chunk-signature, and one with another extension', async () => {
      const bare = encodeSigned([Buffer.from('abc')], DOC_SEED);
      const withoutSignature = Buffer.from(
        bare.toString('latin1').replace(/^3;chunk-signature=[0-9a-f]+/, '3'),
        'latin1',
      );
      const options = { ...signedOptions(), decodedContentLength: 3 };
      expect(await refusal(withoutSignature, options)).toMatchObject({ code: 'IncompleteBody', status: 400 });
      const otherExtension = Buffer.from(
        bare.toString('latin1').replace('3;chunk-signature=', '3;chunk-sig='),
        'latin1',
      );
      expect(await refusal(otherExtension, options)).toMatchObject({
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      const upperCase = Buffer.from(
        bare
          .toString('latin1')
          .replace(
            /^3;chunk-signature=([0-9a-f]+)/,
            (_, sig: string) => `3;chunk-signature=${sig.toUpperCase()}`,
          ),
        'latin1',
      );
      expect(await refusal(upperCase, options)).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    });

    it('refuses a chunk smaller than 8 KiB that is not the last, as S3 does', async () => {
      const body = encodeSigned([Buffer.alloc(100), Buffer.alloc(100)], DOC_SEED);
      const error = await refusal(body, { ...signedOptions(), decodedContentLength: 200 });
      expect(error).toMatchObject({ code: 'InvalidChunkSizeError', status: 403 });
      expect(error.details).toEqual({ Chunk: '2', BadChunkSize: '100' });
    });

    it('refuses trailers on a framing that has none', async () => {
      const options = { ...signedOptions(), declaredTrailers: ['x-amz-checksum-crc32'] };
      expect(await refusal(docBody(DOC_CHUNK_SIGNATURES), options)).toMatchObject({
        code: 'MalformedTrailerError',
        status: 400,
      });
      const trailing = docBody(DOC_CHUNK_SIGNATURES, 'x-amz-checksum-crc32:AAAAAA==\r\n');
      expect(await refusal(trailing, signedOptions())).toMatchObject({ code: 'IncompleteBody', status: 400 });
    });
  });

  describe('signed chunks with signed trailers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)', () => {
    it('decodes the documented upload with a CRC32C trailer, verifying the published trailer signature', async () => {
      const decoded = await decodeAwsChunked(docTrailerBody(), signedTrailerOptions());
      expect(decoded.payload.equals(DOC_PAYLOAD)).toBe(true);
      expect([...decoded.trailers]).toEqual([['x-amz-checksum-crc32c', 'sOO8/Q==']]);
    });

    it('decodes trailers from the independent encoder and lower-cases their names', async () => {
      const body = encodeSigned([Buffer.from('hello')], DOC_SEED, [['X-Amz-Checksum-CRC32', 'NhCmhg==']]);
      const decoded = await decodeAwsChunked(body, {
        framing: { kind: 'signed', trailer: true, signing: signingFor(DOC_SEED) },
        decodedContentLength: 5,
        declaredTrailers: ['x-amz-checksum-crc32'],
      });
      expect(decoded.payload.toString()).toBe('hello');
      expect(decoded.trailers.get('x-amz-checksum-crc32')).toBe('NhCmhg==');
    });

    it('refuses a trailer value that differs from what was signed', async () => {
      const error = await refusal(
        docTrailerBody('x-amz-checksum-crc32c:AAAAAA==\r\n'),
        signedTrailerOptions(),
      );
      expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
      expect(error.details.StringToSign).toMatch(/^AWS4-HMAC-SHA256-TRAILER\n/);
    });

    it('refuses a trailer section without its trailer signature', async () => {
      const body = docBody(DOC_TRAILER_CHUNK_SIGNATURES, 'x-amz-checksum-crc32c:sOO8/Q==\r\n');
      expect(await refusal(body, signedTrailerOptions())).toMatchObject({
        code: 'IncompleteBody',
        status: 400,
      });
    });

    it('refuses a trailer that x-amz-trailer did not declare, and a declared one that never came', async () => {
      expect(await refusal(docTrailerBody(), signedTrailerOptions(['x-amz-checksum-sha256']))).toMatchObject({
        code: 'MalformedTrailerError',
        status: 400,
      });
      expect(await refusal(docTrailerBody(''), signedTrailerOptions())).toMatchObject({
        code: 'MalformedTrailerError',
        status: 400,
      });
    });

    it('refuses bytes after the blank line that ends the trailers', async () => {
      const body = Buffer.concat([docTrailerBody(), Buffer.from('extra')]);
      expect(await refusal(body, signedTrailerOptions())).toMatchObject({
        code: 'IncompleteBody',
        status: 400,
      });
    });
  });

  describe('unsigned chunks with trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', () => {
    it('decodes the framing the AWS SDK sends, with its checksum trailer', async () => {
      const body = Buffer.from(
        `2000\r\n${'x'.repeat(8192)}\r\n3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n`,
      );
      const decoded = await decodeAwsChunked(body, unsignedOptions(8195));
      expect(decoded.payload.toString()).toBe(`${'x'.repeat(8192)}abc`);
      expect(decoded.trailers.get('x-amz-checksum-crc32')).toBe('NSRBwg==');
    });

    it('decodes a body without trailers, with or without the closing blank line', async () => {
      for (const body of ['3\r\nabc\r\n0\r\n\r\n', '3\r\nabc\r\n0\r\n']) {
        const decoded = await decodeAwsChunked(Buffer.from(body), unsignedOptions(3, []));
        expect(decoded.payload.toString()).toBe('abc');
      }
    });

    it('refuses a trailer signature where there is nothing to verify it with', async () => {
      const body = Buffer.from(
        '3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:00\r\n\r\n',
      );
      expect(await refusal(body, unsignedOptions(3))).toMatchObject({
        code: 'MalformedTrailerError',
        status: 400,
      });
    });

    it('refuses a trailer line without a name', async () => {
      const body = Buffer.from('3\r\nabc\r\n0\r\n:NSRBwg==\r\n\r\n');
      expect(await refusal(body, unsignedOptions(3))).toMatchObject({
        code: 'MalformedTrailerError',
        status: 400,
      });
    });
  });

  describe('malformed framing', () => {
    const cases: ReadonlyArray<readonly [string, string, number, string]> = [
      ['a size that is not hex', 'zz\r\nabc\r\n0\r\n\r\n', 3, 'IncompleteBody'],
      ['a size with a sign', '+3\r\nabc\r\n0\r\n\r\n', 3, 'IncompleteBody'],
      ['an empty size line', '\r\nabc\r\n0\r\n\r\n', 3, 'IncompleteBody'],
      ['a size larger than the rest of the body', '10\r\nabc\r\n0\r\n\r\n', 16, 'IncompleteBody'],
      ['a size larger than x-amz-decoded-content-length', '4\r\nabcd\r\n0\r\n\r\n', 3, 'IncompleteBody'],
      ['a huge size', `${'f'.repeat(64)}\r\nabc\r\n0\r\n\r\n`, 3, 'IncompleteBody'],
      ['a size beyond 64 hex digits', `${'0'.repeat(80)}3\r\nabc\r\n0\r\n\r\n`, 3, 'IncompleteBody'],
      ['data not followed by CRLF', '3\r\nabcX\r\n0\r\n\r\n', 3, 'IncompleteBody'],
      ['a bare LF line ending', '3\nabc\n0\n\n', 3, 'IncompleteBody'],
      ['a body that stops inside a chunk', '3\r\nab', 3, 'IncompleteBody'],
      ['a body that stops before the final chunk', '3\r\nabc\r\n', 3, 'IncompleteBody'],
      ['an empty body', '', 3, 'IncompleteBody'],
      ['fewer bytes than x-amz-decoded-content-length', '3\r\nabc\r\n0\r\n\r\n', 4, 'IncompleteBody'],
      [
        'a header line with no CRLF within 4 KiB',
        `3;${'x'.repeat(5000)}\r\nabc\r\n0\r\n\r\n`,
        3,
        'IncompleteBody',
      ],
      [
        'bytes after the final chunk and trailers',
        '3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n',
        3,
        'IncompleteBody',
      ],
    ];
    it.each(cases)('refuses %s', async (_, body, length, code) => {
      const error = await refusal(Buffer.from(body, 'latin1'), unsignedOptions(length, []));
      expect(error).toMatchObject({ code, status: 400 });
    });

    it('says how many bytes it expected and how many the chunks announce', async () => {
      const error = await refusal(Buffer.from('4\r\nabcd\r\n0\r\n\r\n'), unsignedOptions(3, []));
      expect(error.details).toEqual({ NumberBytesExpected: '3', NumberBytesProvided: '4' });
      const short = await refusal(Buffer.from('3\r\nabc\r\n0\r\n\r\n'), unsignedOptions(5, []));
      expect(short.details).toEqual({ NumberBytesExpected: '5', NumberBytesProvided: '3' });
    });

    it('throws nothing but S3Errors for arbitrary bodies, signed or not', async () => {
      const bodies = fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc
          .array(
            fc.constantFrom(
              '0',
              '3',
              'a',
              'f',
              ';',
              '=',
              ':',
              '\r\n',
              '\r',
              '\n',
              'chunk-signature=',
              'x-amz-checksum-crc32:',
            ),
            {
              maxLength: 40,
            },
          )
          .map((parts) => Buffer.from(parts.join(''))),
      );
      await fc.assert(
        fc.asyncProperty(bodies, fc.boolean(), async (bytes, signed) => {
          const options: AwsChunkedOptions = signed
            ? { ...signedTrailerOptions(), decodedContentLength: 3 }
            : unsignedOptions(3);
          const outcome = await decodeAwsChunked(Buffer.from(bytes), options).then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(outcome === undefined || outcome instanceof S3Error).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('never yields another payload when any byte of a signed body is changed', async () => {
      const chunks = [Buffer.alloc(8192, 7), Buffer.from('last chunk')];
      const body = encodeSigned(chunks, DOC_SEED, [['x-amz-checksum-crc32', 'AAAAAA==']]);
      const options: AwsChunkedOptions = {
        framing: { kind: 'signed', trailer: true, signing: signingFor(DOC_SEED) },
        decodedContentLength: 8202,
        declaredTrailers: ['x-amz-checksum-crc32'],
      };
      await fc.assert(
        fc.asyncProperty(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
          const changed = Buffer.from(body);
          changed[at] = (changed[at] ?? 0) ^ xor;
          const outcome = await decodeAwsChunked(changed, options).then(
            (decoded) => decoded,
            (error: unknown) => error,
          );
          if (outcome instanceof S3Error) return;
          expect(outcome).toMatchObject({ trailers: new Map([['x-amz-checksum-crc32', 'AAAAAA==']]) });
          expect((outcome as { payload: Buffer }).payload.equals(Buffer.concat(chunks))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('parseDecodedContentLength', () => {
  it('reads a decimal byte count', () => {
    expect(parseDecodedContentLength('66560')).toBe(66560);
  });

  it('answers MissingContentLength when the header is absent or not a number', () => {
    for (const value of [undefined, '', 'ten', '1e3']) {
      expect(() => parseDecodedContentLength(value)).toThrow(
        expect.objectContaining({ code: 'MissingContentLength', status: 411 }),
      );
    }
  });

  it('answers InvalidArgument for a negative or unrepresentable length', () => {
    for (const value of ['-1', '9'.repeat(30)]) {
      expect(() => parseDecodedContentLength(value)).toThrow(
        expect.objectContaining({ code: 'InvalidArgument', status: 400 }),
      );
    }
  });
});

describe('parseDeclaredTrailers', () => {
  it('reads one checksum trailer name, lower-cased', () => {
    expect(parseDeclaredTrailers('X-Amz-Checksum-CRC32C')).toEqual(['x-amz-checksum-crc32c']);
    expect(parseDeclaredTrailers(undefined)).toEqual([]);
  });

  it('refuses names that are not checksums, and more than one checksum', () => {
    expect(() => parseDeclaredTrailers('x-amz-meta-a')).toThrow(
      expect.objectContaining({
        code: 'InvalidRequest',
        status: 400,
        s3Message: 'The value specified in the x-amz-trailer header is not supported',
      }),
    );
    expect(() => parseDeclaredTrailers('x-amz-checksum-crc32,x-amz-checksum-sha1')).toThrow(
      expect.objectContaining({
        code: 'InvalidRequest',
        status: 400,
        s3Message: 'Expecting a single x-amz-checksum- header',
      }),
    );
  });
});
