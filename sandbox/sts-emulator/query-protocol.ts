/** The AWS query protocol: form/query decoding (first value wins, numbered members) and XML rendering. */
import type { StsError } from './errors';

export const STS_VERSION = '2011-06-15';
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const AWS_FAULT_NAMESPACE = 'http://webservices.amazon.com/AWSFault/2005-15-09';

/** Decoded name/value pairs in wire order. */
export type FormPairs = ReadonlyArray<readonly [string, string]>;

/** Request parameters; a repeated name keeps its first value, as STS does. */
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

/** An XML element: text content or child elements. */
export type XmlNode =
  | { readonly name: string; readonly text: string }
  | { readonly name: string; readonly children: readonly XmlNode[] };

/** A text element, or nothing when the value is absent (absent members are omitted, never empty). */
export function textNode(name: string, value: string | number | undefined): XmlNode[] {
  return value === undefined ? [] : [{ name, text: String(value) }];
}

/** The success document of `action`, e.g. `<AssumeRoleResponse><AssumeRoleResult>…`. */
export function renderResult(action: string, result: readonly XmlNode[], requestId: string): string {
  const document = {
    name: `${action}Response`,
    children: [
      { name: `${action}Result`, children: result },
      { name: 'ResponseMetadata', children: [{ name: 'RequestId', text: requestId }] },
    ],
  };
  return renderDocument(document, STS_NAMESPACE);
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function renderError(error: StsError, requestId: string): string {
  const document = {
    name: 'ErrorResponse',
    children: [
      {
        name: 'Error',
        children: [
          { name: 'Type', text: error.type },
          { name: 'Code', text: error.code },
          ...textNode('Message', error.awsMessage),
        ],
      },
      { name: 'RequestId', text: requestId },
    ],
  };
  return renderDocument(document, error.namespace === 'sts' ? STS_NAMESPACE : AWS_FAULT_NAMESPACE);
}

function renderDocument(root: XmlNode & { children: readonly XmlNode[] }, namespace: string): string {
  const [, ...rest] = renderNode(root, '');
  return [`<${root.name} xmlns="${namespace}">`, ...rest, ''].join('\n');
}

function renderNode(node: XmlNode, indent: string): string[] {
  if ('text' in node) return [`${indent}<${node.name}>${escapeXml(node.text)}</${node.name}>`];
  return [
    `${indent}<${node.name}>`,
    ...node.children.flatMap((child) => renderNode(child, `${indent}  `)),
    `${indent}</${node.name}>`,
  ];
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/**
 * Escapes text for XML content and attributes. Characters that XML 1.0 cannot carry at all (NUL and other C0
 * controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so echoed input can never break the document.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[&<>"'\r]/g, (c) => XML_ENTITIES[c] ?? c)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to replace
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    );
}
