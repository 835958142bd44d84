/**
 * Leak scan: every line written to stdout/stderr while a test file runs is kept, and the file fails if any
 * secret it handled (registered with `registerSecret`) or any JWT-shaped string appears in one.
 */
const secrets = new Set<string>();
const lines: string[] = [];

/** Registers a secret value (SecretAccessKey, SessionToken, JWT) that must never be logged. */
export function registerSecret(value: string): void {
  if (value.length >= 8) secrets.add(value);
}

/**
 * Adds what another process logged (a child's stderr, the sandbox's audit lines) to the scan without printing it.
 * Not for output that carries secrets by design, such as `credvend credential-process` on stdout.
 */
export function scanLogOutput(text: string): void {
  lines.push(...text.split('\n').filter((l) => l.length > 0));
}

/** Everything written so far, for tests that assert on log content. */
export function capturedOutput(): readonly string[] {
  return lines;
}

const JWT_SHAPE = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

/** Finds the first leak in what was captured, or undefined. */
export function findLeak(): string | undefined {
  for (const line of lines) {
    if (JWT_SHAPE.test(line)) return `a JWT appears in: ${line.slice(0, 200)}`;
    for (const s of secrets) {
      if (line.includes(s))
        return `a registered secret (${s.slice(0, 4)}…) appears in: ${line.slice(0, 200)}`;
    }
  }
  return undefined;
}

type Write = typeof process.stdout.write;

/** Tees stdout/stderr into the capture; structured log lines (JSON) are kept out of the console to keep it readable. */
export function installCapture(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as Write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      lines.push(...text.split('\n').filter((l) => l.length > 0));
      if (text.trimStart().startsWith('{') && process.env.CREDVEND_SHOW_LOGS !== '1') return true;
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as Write;
  }
}
