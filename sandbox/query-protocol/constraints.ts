/**
 * Request parameters against an API model's constraints, reported like AWS's query-protocol services: "N validation
 * error(s) detected: Value '…' at 'member' failed to satisfy constraint: …". Lengths count Unicode code points.
 */
import { malformedInput, validationError } from './errors';

/** A member's pattern. */
export interface Pattern {
  readonly test: RegExp;
  /** The pattern as AWS prints it in the message. */
  readonly display: string;
}

/** A policy document as STS's `Policy` and IAM's `PolicyDocument` take it: tab, newlines, and U+0020 to U+00FF. */
export const POLICY_DOCUMENT: Pattern = {
  test: /^[\t\n\r\u0020-\u00FF]+$/,
  display: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
};

/** Collects constraint violations, then throws one `ValidationError` naming all of them. */
export class Constraints {
  private readonly violations: string[] = [];

  /**
   * Checks a string member; `required` members may not be absent. A `sensitive` member's value (a web identity
   * token) is never repeated in the message, as AWS keeps the model's sensitive members out of its messages.
   */
  string(
    member: string,
    value: string | undefined,
    rule: { min: number; max: number; pattern?: Pattern; required?: boolean; sensitive?: boolean },
  ): void {
    if (value === undefined) {
      if (rule.required)
        this.violations.push(
          `Value null at '${member}' failed to satisfy constraint: Member must not be null`,
        );
      return;
    }
    const shown = rule.sensitive ? undefined : value;
    const length = [...value].length;
    if (rule.pattern !== undefined && !rule.pattern.test.test(value)) {
      this.fail(member, shown, `Member must satisfy regular expression pattern: ${rule.pattern.display}`);
    }
    if (length < rule.min)
      this.fail(member, shown, `Member must have length greater than or equal to ${rule.min}`);
    if (length > rule.max)
      this.fail(member, shown, `Member must have length less than or equal to ${rule.max}`);
  }

  /** Checks an integer member's range. */
  range(member: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min)
      this.fail(member, String(value), `Member must have value greater than or equal to ${min}`);
    if (value > max) this.fail(member, String(value), `Member must have value less than or equal to ${max}`);
  }

  /** Checks a list member's size. */
  listSize(member: string, items: readonly string[], max: number): void {
    if (items.length > max) {
      this.fail(member, `[${items.join(', ')}]`, `Member must have length less than or equal to ${max}`);
    }
  }

  throwIfAny(): void {
    const n = this.violations.length;
    if (n === 0) return;
    throw validationError(
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.violations.join('; ')}`,
    );
  }

  private fail(member: string, value: string | undefined, constraint: string): void {
    const subject = value === undefined ? 'Value' : `Value '${value}'`;
    this.violations.push(`${subject} at '${member}' failed to satisfy constraint: ${constraint}`);
  }
}

/**
 * Parses an integer member like STS: signed 32-bit decimal (`+900` and `0900` are 900); anything else is
 * `MalformedInput` (without a message, except for an empty value).
 */
export function parseInteger(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (raw === '') throw malformedInput('missing value for decimal type');
  if (!/^[+-]?\d+$/.test(raw)) throw malformedInput();
  const value = Number(raw);
  if (value < -(2 ** 31) || value > 2 ** 31 - 1) throw malformedInput();
  return value;
}
