/**
 * The one error hierarchy of `credvend-admin`: a stable `code`, the CLI's exit code, and a message that says what to
 * do. The CLI maps them to stderr and exit codes in one place (`cli.ts`); the library throws nothing else on purpose.
 */

/** Exit codes: 1 AWS or anything else, 2 invalid input, 3 a conflicting change, 4 something that does not exist. */
export type AdminExitCode = 1 | 2 | 3 | 4;

/** Base of every error the admin tool raises on purpose. */
export abstract class AdminError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: AdminExitCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Input the tool cannot use: a flag, a time, a cursor, a reason. */
export class InvalidInputError extends AdminError {
  readonly code: string = 'INVALID_INPUT';
  readonly exitCode = 2;
  override name = 'InvalidInputError';
}

/** A tenant file that cannot be read or parsed; `line` and `column` (1-based) point at the problem when known. */
export class TenantFileError extends InvalidInputError {
  override readonly code = 'INVALID_FILE';
  override name = 'TenantFileError';

  constructor(
    readonly file: string,
    readonly reason: string,
    readonly position?: { readonly line: number; readonly column: number },
  ) {
    super(`${file}${position === undefined ? '' : `:${position.line}:${position.column}`}: ${reason}`);
  }
}

/** The problems of one record of a file. */
export interface RecordProblems {
  /** The record's `tenantId`, or `record N` (1-based) when it has none. */
  readonly label: string;
  readonly problems: readonly string[];
}

/** Records that would not be accepted; every problem of every record is listed. Nothing was written. */
export class InvalidRecordError extends InvalidInputError {
  override readonly code = 'INVALID_RECORD';
  override name = 'InvalidRecordError';

  constructor(readonly records: readonly RecordProblems[]) {
    const count = records.reduce((sum, r) => sum + r.problems.length, 0);
    super(
      `${count} problem${count === 1 ? '' : 's'} found, nothing was written:\n${records
        .map((r) => r.problems.map((p) => `  ${r.label}: ${p}`).join('\n'))
        .join('\n')}`,
    );
  }
}

/** The deployment settings (flags, stack outputs or sandbox state) are missing or invalid; every problem listed. */
export class InvalidDeploymentError extends InvalidInputError {
  override readonly code = 'INVALID_DEPLOYMENT';
  override name = 'InvalidDeploymentError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`the deployment settings from ${source} are incomplete or invalid:\n  ${problems.join('\n  ')}`);
  }
}

/** A change that needs a confirmation nobody can give (no terminal, no `--yes`). */
export class ConfirmationRequiredError extends InvalidInputError {
  override readonly code = 'CONFIRMATION_REQUIRED';
  override name = 'ConfirmationRequiredError';
}

/** Someone else changed the tenant between read and write; nothing of this change was written. */
export class ConflictError extends AdminError {
  readonly code = 'CONFLICT';
  readonly exitCode = 3;
  override name = 'ConflictError';

  constructor(
    readonly tenantId: string,
    /** What the write expected: a version, or `null` for "no record yet". */
    readonly expectedVersion: number | null,
    /** What the table holds now: a version, or `null` when the record is gone. */
    readonly actualVersion: number | null,
  ) {
    super(`tenant ${tenantId} ${conflictWhat(expectedVersion, actualVersion)}; run the command again`);
  }
}

function conflictWhat(expected: number | null, actual: number | null): string {
  if (expected === null) return `was created by someone else since you read it (now version ${actual})`;
  if (actual === null) return `was deleted since you read it (version ${expected})`;
  return `changed since you read it (version ${expected} → ${actual})`;
}

/** The tenant (or the stack) does not exist. */
export class NotFoundError extends AdminError {
  readonly code: string = 'TENANT_NOT_FOUND';
  readonly exitCode = 4;
  override name = 'NotFoundError';
}

/** `--stack NAME` names no stack in the region. */
export class StackNotFoundError extends NotFoundError {
  override readonly code = 'STACK_NOT_FOUND';
  override name = 'StackNotFoundError';
}

/** An AWS call failed (credentials, permissions, a missing table, throttling...); the message names the call. */
export class AwsCallError extends AdminError {
  readonly code = 'AWS_ERROR';
  readonly exitCode = 1;
  override name = 'AwsCallError';
}

/** A revocation the revoker refused (e.g. the role policy would outgrow IAM's limit); its message says what to do. */
export class RevocationRefusedError extends AdminError {
  readonly code = 'REVOCATION_REFUSED';
  readonly exitCode = 1;
  override name = 'RevocationRefusedError';
}

/** `--local` without a running sandbox. */
export class SandboxNotRunningError extends AdminError {
  readonly code = 'SANDBOX_NOT_RUNNING';
  readonly exitCode = 1;
  override name = 'SandboxNotRunningError';
}
