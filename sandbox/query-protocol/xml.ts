/** The query protocol's output: XML documents of results and errors in the service's namespace. */
import type { QueryError } from './errors';

const AWS_FAULT_NAMESPACE = 'http://webservices.amazon.com/AWSFault/2005-15-09';

/** An XML element: text content or child elements. */
export type XmlNode =
  | { readonly name: string; readonly text: string }
  | { readonly name: string; readonly children: readonly XmlNode[] };

/** A text element, or nothing when the value is absent (absent members are omitted, never empty). */
export function textNode(name: string, value: string | number | boolean | undefined): XmlNode[] {
  return value === undefined ? [] : [{ name, text: String(value) }];
}

/**
 * The success document of `action` in `namespace`, e.g. `<AssumeRoleResponse><AssumeRoleResult>…`; without a
 * `<…Result>` element when `result` is undefined (actions that return nothing, like IAM's `PutRolePolicy`).
 */
export function renderResult(
  action: string,
  result: readonly XmlNode[] | undefined,
  requestId: string,
  namespace: string,
): string {
  const document = {
    name: `${action}Response`,
    children: [
      ...(result === undefined ? [] : [{ name: `${action}Result`, children: result }]),
      { name: 'ResponseMetadata', children: [{ name: 'RequestId', text: requestId }] },
    ],
  };
  return renderDocument(document, namespace);
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function renderError(error: QueryError, requestId: string, serviceNamespace: string): string {
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
  return renderDocument(document, error.namespace === 'service' ? serviceNamespace : AWS_FAULT_NAMESPACE);
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
