import { writeFileAtomic } from "../core/jsonl.js";
import { assertOwnResult, resultIdentity } from "../core/output-guard.js";

/**
 * Writes a `--json` result as indented JSON, atomically (a reader sees the old or the new
 * file, never half of one). An existing file is replaced only when it is empty or a psysim
 * result of the same command (same schema and kind), so a rerun updates its own result and
 * nothing else is lost.
 */
export function writeJsonResult(file: string, result: unknown): void {
  assertOwnResult(file, resultIdentity(result));
  writeFileAtomic(file, JSON.stringify(result, null, 2) + "\n");
}
