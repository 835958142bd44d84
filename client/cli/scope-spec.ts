/** Parses the `--scope` option of the CLI: `[s3://<bucket>/]<prefix>[:<access>,...]`. */
import type { ScopeEntry } from '../api';

const ACCESS_LEVELS = new Set(['read', 'write', 'delete', 'list']);

/**
 * `tenants/acme/reports/:read,list` → `{ prefix, access }`; `s3://credvend-data/tenants/acme/` → `{ bucket, prefix }`.
 * Key prefixes cannot contain `:`, so the last `:` separates the access levels. The API validates the rest.
 */
export function parseScopeSpec(spec: string): ScopeEntry {
  let rest = spec;
  let bucket: string | undefined;
  if (rest.startsWith('s3://')) {
    const slash = rest.indexOf('/', 5);
    bucket = slash === -1 ? rest.slice(5) : rest.slice(5, slash);
    rest = slash === -1 ? '' : rest.slice(slash + 1);
  }
  let access: ScopeEntry['access'];
  const colon = rest.lastIndexOf(':');
  if (colon !== -1) {
    const levels = rest.slice(colon + 1).split(',');
    const unknown = levels.filter((level) => !ACCESS_LEVELS.has(level));
    if (unknown.length > 0) {
      throw new Error(
        `unknown access level "${unknown.join(',')}" in --scope ${spec}: use read, write, delete, list`,
      );
    }
    access = levels as ScopeEntry['access'];
    rest = rest.slice(0, colon);
  }
  return {
    ...(bucket === undefined ? {} : { bucket }),
    ...(rest === '' ? {} : { prefix: rest }),
    ...(access === undefined ? {} : { access }),
  };
}
