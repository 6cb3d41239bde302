import { Command, CommanderError, InvalidArgumentError } from "commander";
import { PsysimError, UsageError } from "../core/errors.js";

/** Exit status of a command line that cannot be run as given (bad flag, missing argument). */
export const EXIT_USAGE = 2;
/** Exit status of every other failure (bad input, model errors, full disk, a held lock). */
export const EXIT_FAILURE = 1;

/** What Node's file-system errors mean, in words a user can act on. */
const SYSTEM_ERRORS: Record<string, string> = {
  EISDIR: "is a folder, expected a file",
  ENOTDIR: "a part of the path is not a folder",
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EMFILE: "too many open files",
  EFBIG: "file too large",
  EIO: "input/output error",
};

/**
 * The one line a failed command prints (`psysim: …`) and its exit status. Every error ends
 * here, so a user never sees a stack trace; a bug says it is one, and PSYSIM_DEBUG=1 shows
 * its stack.
 */
export function describeFailure(error: unknown): { line: string; exitCode: number } {
  const firstLine = (text: string) => text.split("\n")[0]!.trim();
  if (error instanceof UsageError || error instanceof InvalidArgumentError)
    return { line: `psysim: ${firstLine(error.message)}`, exitCode: EXIT_USAGE };
  if (error instanceof PsysimError)
    return { line: `psysim: ${firstLine(error.message)}`, exitCode: EXIT_FAILURE };
  const system = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof system.code === "string" && system.syscall) {
    const meaning = SYSTEM_ERRORS[system.code] ?? system.code;
    const where = system.path ?? system.syscall;
    return { line: `psysim: ${where}: ${meaning} (${system.code})`, exitCode: EXIT_FAILURE };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    line: `psysim: internal error (a bug in psysim, please report it): ${firstLine(message)}${process.env.PSYSIM_DEBUG ? "" : " — rerun with PSYSIM_DEBUG=1 for the stack"}`,
    exitCode: EXIT_FAILURE,
  };
}

/** Prints `error` as its one line (plus the stack of a bug with PSYSIM_DEBUG=1) and sets the exit status. */
export function reportFailure(error: unknown): void {
  // Commander has already printed its one line (see program.ts); only the status is left.
  if (error instanceof CommanderError && !(error instanceof InvalidArgumentError)) {
    process.exitCode = error.exitCode;
    return;
  }
  const { line, exitCode } = describeFailure(error);
  process.stderr.write(line + "\n");
  if (process.env.PSYSIM_DEBUG && error instanceof Error && !(error instanceof PsysimError))
    process.stderr.write(`${error.stack ?? ""}\n`);
  process.exitCode = exitCode;
}

/**
 * Wraps a command's action so every failure is one `psysim:` line with the right exit
 * status. Before the action runs, its outputs are checked against its inputs (none may be
 * the same file), each output is locked for this process (one writer per output) and an
 * existing `--json` file must be empty or a result of the same command.
 */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const command = args[args.length - 1];
      if (command instanceof Command) await guarded(command, () => action(...args));
      else await action(...args);
    } catch (error) {
      reportFailure(error);
    }
  };
}

async function guarded(command: Command, action: () => Promise<void>): Promise<void> {
  const { commandPaths, JSON_RESULTS } = await import("./output-roles.js");
  const { assertOwnResult, withInputsProtected } = await import("../core/output-guard.js");
  const { OutputLock } = await import("../core/output-lock.js");
  const paths = commandPaths(command);
  await withInputsProtected(paths.inputs, paths.outputs, async () => {
    const locks: import("../core/output-lock.js").OutputLock[] = [];
    try {
      for (const output of paths.locked) {
        const lock = OutputLock.acquire(output.path, paths.name);
        if (lock) locks.push(lock);
        // Under the lock, so no other psysim run can change the file between check and write.
        const expected = JSON_RESULTS[paths.name];
        if (output.flag === "--json")
          assertOwnResult(
            output.path,
            typeof expected === "function" ? expected(command.opts()) : expected,
          );
      }
      await action();
    } finally {
      for (const lock of locks) lock.release();
    }
  });
}

/** Parses a positive integer option with a message naming the flag. */
export function parsePositiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    // A usage error (exit 2) whether commander calls this while parsing or an action does.
    if (value.trim() === "" || !Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} expects a whole number from 1 up, got "${value}"`);
    return n;
  };
}

export function parseInteger(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n))
      throw new InvalidArgumentError(`${flag} expects a whole number, got "${value}"`);
    return n;
  };
}
