import { buildProgram } from "../../src/cli/program.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI program (all commands, runAction, option parsing) inside the test
 * process with stdout and stderr captured: the same code path as `psysim …`, without a
 * child process per case on a busy machine. An error that escapes runAction (a stack
 * trace for the user) is rethrown, so a test expecting one clean line fails.
 */
export async function runCli(args: string[]): Promise<CliResult> {
  const program = await buildProgram();
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(["node", "psysim", ...args]);
    return { code: process.exitCode ?? 0, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = previous;
  }
}
