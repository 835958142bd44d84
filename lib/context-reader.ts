/** Typed reading of raw CDK context values: strings from `-c key=value` and JSON from cdk.json alike. */

/** Typed access to context values; every problem is appended to `problems`. */
export class ContextReader {
  constructor(
    private readonly lookup: (key: string) => unknown,
    private readonly problems: string[],
  ) {}

  isSet(key: string): boolean {
    const value = this.lookup(key);
    return value !== undefined && value !== null && value !== '';
  }

  /** `null` in cdk.json or the string `null` on the command line. */
  isExplicitNull(key: string): boolean {
    const value = this.lookup(key);
    return value === null || (typeof value === 'string' && value.trim() === 'null');
  }

  string(key: string): string | undefined {
    const value = this.lookup(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      this.problems.push(`${key}: must be a string, got ${JSON.stringify(value)}`);
      return undefined;
    }
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  matching(key: string, pattern: RegExp, what: string): string | undefined {
    const value = this.string(key);
    if (value !== undefined && !pattern.test(value)) {
      this.problems.push(`${key}: "${value}" is not ${what}`);
      return undefined;
    }
    return value;
  }

  /** A comma-separated string or a JSON array of strings; each item checked by `check` (a problem or undefined). */
  list(key: string, check?: (item: string) => string | undefined): string[] | undefined {
    const value = this.lookup(key);
    if (value === undefined || value === null) return undefined;
    let items: string[];
    if (typeof value === 'string') {
      items = value.split(',');
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      items = value as string[];
    } else {
      this.problems.push(`${key}: must be a comma-separated string or a JSON array of strings`);
      return undefined;
    }
    const list = items.map((item) => item.trim()).filter((item) => item.length > 0);
    for (const item of list) {
      const problem = check?.(item);
      if (problem) this.problems.push(`${key}: "${item}" ${problem}`);
    }
    return list;
  }

  number(key: string, range: { min: number; max: number; integer?: boolean }): number | undefined {
    const value = this.lookup(key);
    if (value === undefined || value === null || value === '') return undefined;
    const number =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    if (!Number.isFinite(number) || (range.integer && !Number.isInteger(number))) {
      this.problems.push(
        `${key}: ${JSON.stringify(value)} is not ${range.integer ? 'an integer' : 'a number'}`,
      );
      return undefined;
    }
    if (number < range.min || number > range.max) {
      this.problems.push(`${key}: ${number} must be between ${range.min} and ${range.max}`);
      return undefined;
    }
    return number;
  }

  boolean(key: string): boolean | undefined {
    const value = this.lookup(key);
    if (value === undefined || value === null) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problems.push(`${key}: ${JSON.stringify(value)} must be true or false`);
    return undefined;
  }
}

/** A key that differs from `known` only in case or by at most two edits: a typo, not another tool's key. */
export function isNearMiss(key: string, known: string): boolean {
  const a = key.toLowerCase();
  const b = known.toLowerCase();
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return (previous[b.length] ?? 0) <= 2;
}
