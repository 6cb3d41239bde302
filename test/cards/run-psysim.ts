import { buildProgram } from "../../src/cli/program.js";
import { spawnCli, withTemporaryCache, type SpawnedRun } from "../fixtures/run-cli.js";

/** Runs the real CLI in a child process, as a user would, and collects what it printed. */
export async function runPsysim(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SpawnedRun> {
  return spawnCli(withTemporaryCache(await buildProgram(), args), env).done;
}
