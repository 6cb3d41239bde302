/**
 * The few error kinds psysim raises. Each carries a stable `code` so callers (and the
 * CLI) can react without parsing messages, and a message that says how to fix it.
 */
export type ErrorCode =
  | "CONFIG_INVALID"
  | "INPUT_INVALID"
  | "INPUT_LINE_INVALID"
  | "OUTPUT_UNWRITABLE"
  | "MODEL_SPEC_INVALID"
  | "MODEL_CALL_FAILED"
  | "MISSING_API_KEY"
  | "QUOTA_EXHAUSTED"
  | "CIRCUIT_OPEN"
  | "NOT_FOUND"
  /** The request was valid but the state moved on (another tab voted, the session ended). */
  | "CONFLICT"
  | "USAGE_INVALID"
  | "OUTPUT_LOCKED";

/**
 * Failures no other task could escape (a missing key, an empty account, a bad spec, a
 * dead endpoint): a run stops starting work on them instead of failing every task.
 */
const FATAL_CODES: ReadonlySet<ErrorCode> = new Set([
  "MISSING_API_KEY",
  "QUOTA_EXHAUSTED",
  "CIRCUIT_OPEN",
  "MODEL_SPEC_INVALID",
  "CONFIG_INVALID",
  "OUTPUT_UNWRITABLE",
]);

export class PsysimError extends Error {
  readonly code: ErrorCode;
  /** Whether retrying the same call could succeed (used by the retry middleware). */
  readonly isRetryable: boolean;
  /** Whether every other task would fail the same way, so a run should stop (see `isFatal`). */
  readonly isFatal: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; isRetryable?: boolean; isFatal?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PsysimError";
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.isFatal = options.isFatal ?? FATAL_CODES.has(code);
  }
}

/** Whether retrying the same call could succeed: 429, 5xx, timeouts, resets, malformed bodies. */
export function isRetryable(error: unknown): boolean {
  return error instanceof PsysimError && error.isRetryable;
}

/**
 * Whether a failure ends the whole run rather than one task: missing key, quota exhausted,
 * bad spec or config, authentication refused (401/403), an open circuit breaker, an
 * unwritable output. The worker pool stops starting tasks on these and rethrows.
 */
export function isFatal(error: unknown): error is PsysimError {
  return error instanceof PsysimError && error.isFatal;
}

/** A bad record in an input file: reported as `file:line: field: reason`. */
export class InputLineError extends PsysimError {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly reason: string;

  constructor(file: string, line: number, field: string, reason: string) {
    super("INPUT_LINE_INVALID", `${file}:${line}: ${field ? `${field}: ` : ""}${reason}`);
    this.name = "InputLineError";
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/** Several bad records at once, so a user can fix a file in one pass. */
export class InputFileError extends PsysimError {
  readonly problems: InputLineError[];

  constructor(file: string, problems: InputLineError[]) {
    const first = problems[0];
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more bad record${problems.length > 2 ? "s" : ""})`
        : "";
    super("INPUT_INVALID", first ? `${first.message}${more}` : `${file}: invalid input`);
    this.name = "InputFileError";
    this.problems = problems;
  }
}

/**
 * A command line that cannot be run as given (a bad flag value, a missing flag, an output
 * that is also an input): the CLI exits 2 for these, 1 for every other failure.
 */
export class UsageError extends PsysimError {
  constructor(message: string) {
    super("USAGE_INVALID", message);
    this.name = "UsageError";
  }
}
