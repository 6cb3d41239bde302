import { writeFileAtomic } from "../core/jsonl.js";

/** Writes an evaluation result as indented JSON, atomically. */
export function writeJsonResult(file: string, result: unknown): void {
  writeFileAtomic(file, JSON.stringify(result, null, 2) + "\n");
}
