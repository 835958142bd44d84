/** Parses what a caller sends (a JSON body or query parameters) into a typed, syntactically safe `VendRequest`. */
import * as z from 'zod/mini';
import './zod-messages';
import { InvalidRequestError, InvalidScopeError, RequestTooLargeError } from './errors';
import { ACCESS_LEVELS, type VendRequest } from './model';
import { BUCKET_PATTERN, PREFIX_PATTERN, REGION_PATTERN } from './tenant-record';

/** Largest request body accepted, in bytes; a real request is a few hundred. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Most scope entries one request may carry (each costs policy characters). */
export const MAX_SCOPE_ENTRIES = 10;

const scopeEntrySchema = z.strictObject({
  bucket: z.optional(
    z.string().check(z.maxLength(63), z.regex(BUCKET_PATTERN, 'is not a valid bucket name')),
  ),
  prefix: z.optional(
    z
      .string()
      .check(
        z.maxLength(512),
        z.regex(PREFIX_PATTERN, 'must be key-prefix segments of safe characters, each ending in "/"'),
      ),
  ),
  access: z.optional(
    z.array(z.enum(ACCESS_LEVELS)).check(
      z.minLength(1),
      z.maxLength(ACCESS_LEVELS.length),
      z.refine((a) => new Set(a).size === a.length, 'must not repeat a level'),
    ),
  ),
});

const bodySchema = z.strictObject({
  scope: z.optional(z.array(scopeEntrySchema).check(z.minLength(1), z.maxLength(MAX_SCOPE_ENTRIES))),
  durationSeconds: z.optional(
    z
      .number()
      .check(
        z.refine(Number.isInteger, 'must be a whole number of seconds'),
        z.positive(),
        z.maximum(1_000_000),
      ),
  ),
  region: z.optional(z.string().check(z.maxLength(32), z.regex(REGION_PATTERN, 'is not an AWS region name'))),
});

/** Parses the JSON body of `POST /v1/credentials` (and its dry run). An empty body asks for the defaults. */
export function parseVendBody(body: string | null | undefined): VendRequest {
  if (body === null || body === undefined || body.trim() === '') return {};
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    throw new RequestTooLargeError(`The request body must not exceed ${MAX_BODY_BYTES} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new InvalidRequestError('The request body is not valid JSON.', { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
  return checked(bodySchema.safeParse(json));
}

/** The query parameters of the GET formats: one scope entry at most. */
export type QueryParameters = Readonly<Record<string, readonly string[] | undefined>>;

const QUERY_KEYS = new Set(['bucket', 'prefix', 'access', 'durationSeconds', 'region']);

/** Parses `?bucket=&prefix=&access=read,list&durationSeconds=&region=` of the GET formats. */
export function parseVendQuery(query: QueryParameters): VendRequest {
  const single: Record<string, string> = {};
  for (const [key, values] of Object.entries(query)) {
    if (values === undefined) continue;
    if (!QUERY_KEYS.has(key)) throw new InvalidRequestError(`Unknown query parameter "${printable(key)}".`);
    if (values.length !== 1) throw new InvalidRequestError(`Query parameter "${key}" must be given once.`);
    single[key] = values[0] as string;
  }
  const { bucket, prefix, access, durationSeconds, region } = single;
  if (durationSeconds !== undefined && !/^\d{1,7}$/.test(durationSeconds)) {
    throw new InvalidRequestError('durationSeconds must be a whole number of seconds.');
  }
  const entry = {
    ...(bucket === undefined ? {} : { bucket }),
    ...(prefix === undefined ? {} : { prefix }),
    ...(access === undefined ? {} : { access: access.split(',') }),
  };
  const candidate = {
    ...(Object.keys(entry).length === 0 ? {} : { scope: [entry] }),
    ...(durationSeconds === undefined ? {} : { durationSeconds: Number(durationSeconds) }),
    ...(region === undefined ? {} : { region }),
  };
  return checked(bodySchema.safeParse(candidate));
}

function checked(result: ReturnType<typeof bodySchema.safeParse>): VendRequest {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined ? 'request' : issue.path.map(String).join('.') || 'request';
  const what = issue === undefined ? 'is invalid' : issue.message;
  const message = `${where}: ${printable(what)}`;
  if (issue !== undefined && issue.path[0] === 'scope') throw new InvalidScopeError(message);
  throw new InvalidRequestError(message);
}

/** Keeps caller text in messages short and printable. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
