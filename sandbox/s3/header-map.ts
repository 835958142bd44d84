/** Request headers as the S3 emulator reads them: one map built once from `IncomingMessage.rawHeaders`. */

/**
 * Header values by lower-case name; repeated headers joined with `,`, as SigV4 canonicalizes them, so what the
 * signature covered and what the operations read are the same values.
 */
export function headerMap(rawHeaders: readonly string[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    const previous = map.get(name);
    map.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return map;
}
