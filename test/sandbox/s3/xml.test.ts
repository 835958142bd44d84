/** S3's XML: result documents in S3's namespace, URL-encoded listings, and the strict request-document parser. */
import { S3Error } from '../../../sandbox/s3/errors';
import { parseCompleteMultipartUpload, parseDelete } from '../../../sandbox/s3/xml-requests';
import {
  renderDeleteResult,
  renderListObjectsV2,
  renderLocation,
  S3_NAMESPACE,
  s3UrlEncode,
} from '../../../sandbox/s3/xml-results';

function malformed(action: () => unknown): S3Error {
  try {
    action();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error');
}

const xml = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseDelete', () => {
  it('reads keys, versions and Quiet, decoding entities and character references', () => {
    const parsed = parseDelete(
      xml(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="${S3_NAMESPACE}"><Quiet>true</Quiet>` +
          '<Object><Key>a &amp; b &lt;c&gt; &#233;&#x1F600;</Key></Object>' +
          '<Object><Key>../../etc/passwd</Key><VersionId>null</VersionId></Object></Delete>',
      ),
    );
    expect(parsed).toEqual({
      quiet: true,
      objects: [{ key: 'a & b <c> é😀' }, { key: '../../etc/passwd', versionId: 'null' }],
    });
  });

  it('keeps the spaces of a key exactly', () => {
    expect(parseDelete(xml('<Delete>\n  <Object><Key>  spaced  </Key></Object>\n</Delete>')).objects).toEqual(
      [{ key: '  spaced  ' }],
    );
  });

  it.each([
    [
      'a DTD (no entity expansion)',
      '<!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>',
    ],
    ['an undefined entity', '<Delete><Object><Key>&x;</Key></Object></Delete>'],
    ['a bare ampersand', '<Delete><Object><Key>a & b</Key></Object></Delete>'],
    ['mismatched tags', '<Delete><Object><Key>k</Object></Key></Delete>'],
    ['another root', '<Remove><Object><Key>k</Key></Object></Remove>'],
    ['trailing content', '<Delete><Object><Key>k</Key></Object></Delete><Delete/>'],
    ['no objects', '<Delete><Quiet>false</Quiet></Delete>'],
    ['an object without a key', '<Delete><Object><VersionId>v</VersionId></Object></Delete>'],
    ['a comment', '<Delete><!-- x --><Object><Key>k</Key></Object></Delete>'],
    [
      'nesting deep enough to exhaust a recursive parser',
      `<Delete>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</Delete>`,
    ],
    ['not XML at all', 'Key=k'],
  ])('answers MalformedXML for %s', (_what, document) => {
    const error = malformed(() => parseDelete(xml(document)));
    expect(error.code).toBe('MalformedXML');
    expect(error.status).toBe(400);
  });

  it('answers MalformedXML above 1000 keys', () => {
    const objects = Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('');
    expect(malformed(() => parseDelete(xml(`<Delete>${objects}</Delete>`))).code).toBe('MalformedXML');
    const thousand = Array.from({ length: 1000 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('');
    expect(parseDelete(xml(`<Delete>${thousand}</Delete>`)).objects).toHaveLength(1000);
  });
});

describe('parseCompleteMultipartUpload', () => {
  it('reads part numbers, ETags and part checksums', () => {
    const parts = parseCompleteMultipartUpload(
      xml(
        `<CompleteMultipartUpload xmlns="${S3_NAMESPACE}"><Part><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber>` +
          '<ChecksumCRC32>DUoRhQ==</ChecksumCRC32></Part><Part><PartNumber>2</PartNumber><ETag>def</ETag></Part>' +
          '</CompleteMultipartUpload>',
      ),
    );
    expect(parts).toEqual([
      { partNumber: 1, etag: '"abc"', checksums: new Map([['CRC32', 'DUoRhQ==']]) },
      { partNumber: 2, etag: 'def', checksums: new Map() },
    ]);
  });

  it.each([
    ['no parts', '<CompleteMultipartUpload/>'],
    [
      'a part without an ETag',
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>',
    ],
    [
      'a part number that is not a number',
      '<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>',
    ],
    ['a foreign element', '<CompleteMultipartUpload><Chunk/></CompleteMultipartUpload>'],
  ])('answers MalformedXML for %s', (_what, document) => {
    expect(malformed(() => parseCompleteMultipartUpload(xml(document))).code).toBe('MalformedXML');
  });
});

describe('result documents', () => {
  it('URL-encodes as S3 does for encoding-type=url: UTF-8 escapes, space as +, slashes kept', () => {
    expect(s3UrlEncode('photos/2026 q3/test_file(3)+é.png')).toBe(
      'photos/2026+q3/test_file%283%29%2B%C3%A9.png',
    );
    expect(s3UrlEncode('a\u0001b~c')).toBe('a%01b%7Ec');
  });

  it('renders ListBucketResult v2 in S3 namespace, URL-encoding keys, prefixes, delimiter and start-after', () => {
    const body = renderListObjectsV2({
      bucket: 'b',
      prefix: 'a b/',
      delimiter: '/',
      maxKeys: 2,
      encodingType: 'url',
      objects: [{ key: 'a b/c&d', lastModifiedMs: Date.UTC(2026, 0, 2), etag: '"e"', size: 3 }],
      commonPrefixes: ['a b/sub/'],
      isTruncated: true,
      owner: undefined,
      keyCount: 2,
      continuationToken: undefined,
      nextContinuationToken: 'tok',
      startAfter: 'a b/0',
    });
    expect(body).toContain(`<ListBucketResult xmlns="${S3_NAMESPACE}">`);
    expect(body).toContain('<Prefix>a+b/</Prefix><Delimiter>/</Delimiter>');
    expect(body).toContain('<Key>a+b/c%26d</Key><LastModified>2026-01-02T00:00:00.000Z</LastModified>');
    expect(body).toContain('<ETag>&quot;e&quot;</ETag>');
    expect(body).toContain('<CommonPrefixes><Prefix>a+b/sub/</Prefix></CommonPrefixes>');
    expect(body).toContain('<StartAfter>a+b/0</StartAfter>');
    expect(body).toContain(
      '<EncodingType>url</EncodingType><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>',
    );
  });

  it('escapes keys in XML when not URL-encoding', () => {
    const body = renderDeleteResult(
      [{ key: '<&>' }],
      [{ key: 'x"y', code: 'AccessDenied', message: 'Access Denied' }],
    );
    expect(body).toContain('<Deleted><Key>&lt;&amp;&gt;</Key></Deleted>');
    expect(body).toContain(
      '<Error><Key>x&quot;y</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
    );
  });

  it('answers an empty LocationConstraint for us-east-1 and the region otherwise', () => {
    expect(renderLocation('us-east-1')).toContain(
      `<LocationConstraint xmlns="${S3_NAMESPACE}"></LocationConstraint>`,
    );
    expect(renderLocation('eu-west-1')).toContain('>eu-west-1</LocationConstraint>');
  });
});
