import type { Dialogue } from "../../src/core/dialogue.js";
import type { Language } from "../../src/core/language.js";

/** A well-formed session of `exchanges` counselor turns whose every line names its session and turn. */
export function session(id: string, exchanges: number, language: Language = "zh"): Dialogue {
  const turns: Dialogue["turns"] = [
    { role: "client", content: language === "zh" ? "你好" : "Hello" },
  ];
  for (let k = 1; k <= exchanges; k++) {
    turns.push({ role: "counselor", content: `${id} counselor ${k}` });
    if (k < exchanges) turns.push({ role: "client", content: `${id} client ${k + 1}` });
  }
  return { schema: "psysim.dialogue/1", id, language, turns, ended_by: "max_turns", meta: {} };
}

export const jsonlOf = (records: unknown[]) =>
  records.map((r) => JSON.stringify(r)).join("\n") + "\n";
