import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDialogues, type Dialogue } from "../../src/core/index.js";
import { card } from "./fixtures.js";

/** What must not depend on the mode: everything but times, usage and cache bookkeeping. */
export function essence(d: Dialogue) {
  return {
    id: d.id,
    turns: d.turns,
    ended_by: d.ended_by,
    termination_phrase: d.termination_phrase,
    seed: d.meta.seed,
    prompts: d.meta.prompts,
  };
}

export async function essences(file: string) {
  return (await readDialogues(file)).map(essence).sort((a, b) => a.id.localeCompare(b.id));
}

export function writeCards(dir: string, n: number): string {
  const file = join(dir, "cards.jsonl");
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) =>
      JSON.stringify(card(`c${String(i).padStart(2, "0")}`, i % 3 === 0 ? "en" : "zh")),
    ).join("\n") + "\n",
  );
  return file;
}
