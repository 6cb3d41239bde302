import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildProgram } from "../../src/cli/program.js";
import { withTemporaryCache } from "../fixtures/run-cli.js";

const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would, and collects what it printed. */
export async function runPsysim(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  args = withTemporaryCache(await buildProgram(), args);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
