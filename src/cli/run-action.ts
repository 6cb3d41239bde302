import { InvalidArgumentError } from "commander";
import { PsysimError } from "../core/errors.js";

/**
 * Wraps a command's action: expected failures print `psysim: <one line>` and exit 1;
 * anything else is a bug and keeps its stack for the report.
 */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof PsysimError) {
        process.stderr.write(`psysim: ${error.message.split("\n")[0]}\n`);
        process.exitCode = 1;
        return;
      }
      throw error;
    }
  };
}

/** Parses a positive integer option with a message naming the flag. */
export function parsePositiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    // Commander reports InvalidArgumentError as one line and exits 1, like runAction does.
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} expects a whole number from 1 up, got "${value}"`);
    return n;
  };
}

export function parseInteger(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`${flag} expects a whole number, got "${value}"`);
    return n;
  };
}
