import { buildProgram } from "../../src/cli/program.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI program in this process (same commands, options and error handling as
 * `psysim`, without paying a child process and a TypeScript compile per call), capturing
 * what it prints and the exit code it sets.
 */
export async function runCli(args: string[]): Promise<CliRun> {
  const program = await buildProgram();
  program.exitOverride();
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(["node", "psysim", ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    const commanderCode = (error as { exitCode?: number }).exitCode;
    if (commanderCode === undefined) throw error;
    code = commanderCode;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = before;
  }
  return { code, stdout, stderr };
}
