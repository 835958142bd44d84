/** The query protocol's input: form/query decoding (first value wins) and its numbered list members. */

/** Decoded name/value pairs in wire order. */
export type FormPairs = ReadonlyArray<readonly [string, string]>;

/** Request parameters; a repeated name keeps its first value, as STS and IAM do. */
export type QueryParams = ReadonlyMap<string, string>;

/**
 * Decodes `application/x-www-form-urlencoded` text (also a URL's query string). Undefined when a percent escape
 * is malformed or decodes to invalid UTF-8.
 */
export function decodeForm(text: string): FormPairs | undefined {
  const pairs: Array<readonly [string, string]> = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : part.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    pairs.push([name, value]);
  }
  return pairs;
}

function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The parameters of a request: first value of each name. */
export function toParams(pairs: FormPairs): QueryParams {
  const params = new Map<string, string>();
  for (const [name, value] of pairs) if (!params.has(name)) params.set(name, value);
  return params;
}

/** Every value of each name, for the canonical query of a signature. */
export function toMultiValueQuery(pairs: FormPairs): Record<string, string | string[]> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of pairs) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  // fromEntries defines own properties, so a name like `__proto__` stays a plain key.
  return Object.fromEntries(
    [...grouped].map(([name, values]): [string, string | string[]] => [
      name,
      values.length === 1 ? (values[0] ?? '') : values,
    ]),
  );
}

/** `Name.member.1`, `Name.member.2`, … up to the first gap; `[]` when absent or sent as an empty list. */
export function memberList(params: QueryParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; ; i += 1) {
    const value = params.get(`${name}.member.${i}`);
    if (value === undefined) return values;
    values.push(value);
  }
}

/** `Name.member.N.Field` structures up to the first index where none of `fields` is present. */
export function memberStructList<F extends string>(
  params: QueryParams,
  name: string,
  fields: readonly F[],
): Array<Record<F, string | undefined>> {
  const items: Array<Record<F, string | undefined>> = [];
  for (let i = 1; ; i += 1) {
    const entries = fields.map((field) => [field, params.get(`${name}.member.${i}.${field}`)] as const);
    if (entries.every(([, value]) => value === undefined)) return items;
    items.push(Object.fromEntries(entries) as Record<F, string | undefined>);
  }
}
