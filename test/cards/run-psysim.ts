import { buildProgram } from "../../src/cli/program.js";
import { spawnCli, withTemporaryCache, type SpawnedRun } from "../fixtures/run-cli.js";

/**
 * Runs the real CLI in a child process, as a user would, and collects what it printed. The
 * signal is there only when the process was killed, so a run compares equal to `{ code, stdout,
 * stderr }`.
 */
export async function runPsysim(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Omit<SpawnedRun, "signal"> & { signal?: string }> {
  const { signal, ...run } = await spawnCli(withTemporaryCache(await buildProgram(), args), env)
    .done;
  return signal === null ? run : { ...run, signal };
}
