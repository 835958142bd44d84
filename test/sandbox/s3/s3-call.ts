/** Test support for the S3 operations: parsed calls, a recording table-driven authorizer, XML peeking. */
import {
  createObjectStore,
  type ObjectStore,
  type ObjectStoreOptions,
} from '../../../sandbox/s3/object-store';
import { runS3Call } from '../../../sandbox/s3/operations';
import type { IamRequest, S3Call, S3Response } from '../../../sandbox/s3/types';

export const BUCKET = 'credvend-local-data';
export const OTHER_BUCKET = 'other-bucket';

/** One allow rule: an action and a resource, either ending in `*` (a prefix) or exact; optionally an `s3:prefix` pattern. */
export interface AllowRule {
  readonly action: string;
  readonly resource: string;
  readonly prefix?: string;
}

/** Allows what the rules allow, everything when there are none given; records every request. */
export class FakeAuthorizer {
  readonly requests: IamRequest[] = [];
  constructor(private readonly rules: readonly AllowRule[] | 'allow-all' = 'allow-all') {}

  readonly authorize = async (request: IamRequest): Promise<boolean> => {
    this.requests.push(request);
    if (this.rules === 'allow-all') return true;
    return this.rules.some(
      (rule) =>
        rule.action === request.action &&
        matches(rule.resource, request.resource) &&
        (rule.prefix === undefined || matches(rule.prefix, request.context?.['s3:prefix'] ?? '')),
    );
  };

  actions(): string[] {
    return this.requests.map((r) => `${r.action} ${r.resource}`);
  }
}

function matches(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

/** A store holding the two test buckets. */
export function testStore(options: Partial<ObjectStoreOptions> = {}): ObjectStore {
  return createObjectStore({ buckets: [{ name: BUCKET, region: 'eu-west-1' }, OTHER_BUCKET], ...options });
}

/** What a test says about a call; everything but the method has a default. */
export interface CallSpec {
  readonly method: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly payload?: Buffer | string;
  readonly trailers?: Record<string, string>;
}

/** Builds the parsed call the server would hand over. */
export function s3Call(spec: CallSpec, authorizer: FakeAuthorizer = new FakeAuthorizer()): S3Call {
  return {
    method: spec.method,
    bucket: spec.bucket ?? BUCKET,
    key: spec.key ?? '',
    query: new Map(Object.entries(spec.query ?? {})),
    headers: new Map(Object.entries(spec.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    payload: Buffer.isBuffer(spec.payload) ? spec.payload : Buffer.from(spec.payload ?? '', 'utf8'),
    trailers: new Map(Object.entries(spec.trailers ?? {})),
    authorize: authorizer.authorize,
    requestId: 'REQUEST0000000001',
  };
}

/** Runs a call against the store. */
export function run(store: ObjectStore, spec: CallSpec, authorizer?: FakeAuthorizer): Promise<S3Response> {
  return runS3Call(s3Call(spec, authorizer), store);
}

/** The body as text. */
export function text(response: S3Response): string {
  return response.body === undefined ? '' : response.body.toString();
}

/** The text of every `<tag>` element of an XML body, in order. */
export function elements(response: S3Response, tag: string): string[] {
  return [...text(response).matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

/** The text of the first `<tag>` element, or undefined. */
export function element(response: S3Response, tag: string): string | undefined {
  return elements(response, tag)[0];
}

/** Stores an object through PutObject, allowed. */
export async function putText(
  store: ObjectStore,
  key: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<S3Response> {
  const response = await run(store, { method: 'PUT', key, payload: body, headers });
  if (response.status !== 200)
    throw new Error(`PutObject of ${key} answered ${response.status}: ${text(response)}`);
  return response;
}
