import { readFileSync } from "node:fs";
import { PsysimError } from "../../core/errors.js";
import type { StopWordList } from "./fidelity.js";

/** A stop-word file: one word per line, lower-cased on reading; blank lines and `#` comments ignored. */
export function readStopWords(file: string): StopWordList {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PsysimError(
      "NOT_FOUND",
      `${file}: cannot read the stop-word list (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const words = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== "" && !l.startsWith("#")),
  );
  return { source: file, words };
}
