/** ListObjectsV2 and ListObjects v1: IAM context keys, delimiter roll-up, pagination and URL encoding. */
import type { ObjectStore } from '../../../sandbox/s3/object-store';
import { BUCKET, element, elements, FakeAuthorizer, putText, run, testStore, text } from './s3-call';

const ARN = `arn:aws:s3:::${BUCKET}`;

async function storeWith(keys: readonly string[]): Promise<ObjectStore> {
  const store = testStore();
  for (const key of keys) await putText(store, key, key);
  return store;
}

const v2 = (query: Record<string, string>) => ({ method: 'GET', query: { 'list-type': '2', ...query } });

describe('ListObjectsV2', () => {
  it('authorizes s3:ListBucket with s3:prefix only when prefix is present, and s3:delimiter and s3:max-keys', async () => {
    const store = testStore();
    const authorizer = new FakeAuthorizer();
    await run(store, v2({}), authorizer);
    await run(store, v2({ prefix: '' }), authorizer);
    await run(store, v2({ prefix: 'tenants/acme/', delimiter: '/', 'max-keys': '10' }), authorizer);
    expect(authorizer.requests).toEqual([
      { action: 's3:ListBucket', resource: ARN, context: {} },
      { action: 's3:ListBucket', resource: ARN, context: { 's3:prefix': '' } },
      {
        action: 's3:ListBucket',
        resource: ARN,
        context: { 's3:prefix': 'tenants/acme/', 's3:delimiter': '/', 's3:max-keys': '10' },
      },
    ]);
  });

  it('answers 403 AccessDenied when the caller may not list that prefix', async () => {
    const authorizer = new FakeAuthorizer([
      { action: 's3:ListBucket', resource: ARN, prefix: 'tenants/acme/*' },
    ]);
    const response = await run(testStore(), v2({ prefix: 'tenants/globex/' }), authorizer);
    expect(response.status).toBe(403);
    expect(element(response, 'Code')).toBe('AccessDenied');
  });

  it('walks a bucket page by page with a delimiter, counting each common prefix once', async () => {
    const store = await storeWith(['a/1', 'a/2', 'b/1', 'c', 'd/x/y', 'd/z', 'e']);
    const pages: { keys: string[]; prefixes: string[]; keyCount: string | undefined }[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query: Record<string, string> = { delimiter: '/', 'max-keys': '2' };
      if (token !== undefined) query['continuation-token'] = token;
      const response = await run(store, v2(query));
      expect(response.status).toBe(200);
      pages.push({
        keys: elements(response, 'Key'),
        prefixes: elements(response, 'Prefix').slice(1),
        keyCount: element(response, 'KeyCount'),
      });
      token = element(response, 'NextContinuationToken');
      expect(element(response, 'IsTruncated')).toBe(token === undefined ? 'false' : 'true');
      if (token === undefined) break;
    }
    expect(pages).toEqual([
      { keys: [], prefixes: ['a/', 'b/'], keyCount: '2' },
      { keys: ['c'], prefixes: ['d/'], keyCount: '2' },
      { keys: ['e'], prefixes: [], keyCount: '1' },
    ]);
  });

  it('rolls up only below the prefix, and starts after start-after', async () => {
    const store = await storeWith(['t/a/1', 't/a/2', 't/b', 't/c/3', 'u']);
    const response = await run(store, v2({ prefix: 't/', delimiter: '/', 'start-after': 't/a/2' }));
    expect(elements(response, 'Key')).toEqual(['t/b']);
    expect(elements(response, 'Prefix')).toEqual(['t/', 't/c/']);
    expect(element(response, 'StartAfter')).toBe('t/a/2');
  });

  it('URL-encodes keys and prefixes with encoding-type=url, as the AWS CLI and boto3 ask', async () => {
    const store = await storeWith(['dir one/a+b.txt', 'dir one/sub/é']);
    const response = await run(store, v2({ prefix: 'dir one/', delimiter: '/', 'encoding-type': 'url' }));
    expect(elements(response, 'Key')).toEqual(['dir+one/a%2Bb.txt']);
    expect(elements(response, 'Prefix')).toEqual(['dir+one/', 'dir+one/sub/']);
    expect(element(response, 'EncodingType')).toBe('url');
  });

  it('shows owners only with fetch-owner=true', async () => {
    const store = await storeWith(['k']);
    expect(text(await run(store, v2({})))).not.toContain('<Owner>');
    expect(text(await run(store, v2({ 'fetch-owner': 'true' })))).toContain('<Owner><ID>');
  });

  it('answers a max-keys=0 page as complete and empty', async () => {
    const response = await run(await storeWith(['k']), v2({ 'max-keys': '0' }));
    expect(element(response, 'KeyCount')).toBe('0');
    expect(element(response, 'IsTruncated')).toBe('false');
  });

  it.each([
    [{ 'max-keys': 'ten' }, 'max-keys'],
    [{ 'max-keys': '-1' }, 'max-keys'],
    [{ 'encoding-type': 'base64' }, 'encoding-type'],
    [{ 'continuation-token': 'not-a-token' }, 'continuation-token'],
  ])('answers 400 InvalidArgument for %j', async (query, name) => {
    const response = await run(testStore(), v2(query));
    expect(response.status).toBe(400);
    expect(element(response, 'Code')).toBe('InvalidArgument');
    expect(element(response, 'ArgumentName')).toBe(name);
  });
});

describe('ListObjects (v1)', () => {
  it('pages with marker, and sends NextMarker only when a delimiter is given, as S3', async () => {
    const store = await storeWith(['a/1', 'b', 'c']);
    const plain = await run(store, { method: 'GET', query: { 'max-keys': '1' } });
    expect(elements(plain, 'Key')).toEqual(['a/1']);
    expect(element(plain, 'IsTruncated')).toBe('true');
    expect(element(plain, 'NextMarker')).toBeUndefined();
    expect(element(plain, 'Marker')).toBe('');
    const next = await run(store, { method: 'GET', query: { 'max-keys': '1', marker: 'a/1' } });
    expect(elements(next, 'Key')).toEqual(['b']);
    const rolled = await run(store, { method: 'GET', query: { 'max-keys': '1', delimiter: '/' } });
    expect(element(rolled, 'NextMarker')).toBe('a/');
    const after = await run(store, { method: 'GET', query: { delimiter: '/', marker: 'a/' } });
    expect(elements(after, 'Key')).toEqual(['b', 'c']);
    expect(elements(after, 'Prefix')).toEqual(['']);
  });

  it('lists owners in every entry, as v1 does', async () => {
    expect(text(await run(await storeWith(['k']), { method: 'GET' }))).toContain('<Owner><ID>');
  });
});
