import { inferredFields, type Dialogue } from "../../core/dialogue.js";
import type { Language } from "../../core/language.js";
import { TerminationRule } from "../../simulation/termination-rule.js";

/**
 * Outside data does not record why a session stopped. When the termination function g
 * (Table 2, the session's language) fires on the last counselor turn, the session ended
 * the way a psysim session ends on a phrase; the record says it was inferred, because the
 * source may have stopped for another reason that happens to look the same.
 */
export function inferEnding(
  dialogue: Dialogue,
  rules: Map<Language, TerminationRule> = new Map(),
): Dialogue {
  if (dialogue.ended_by !== undefined) return dialogue;
  const last = dialogue.turns.at(-1);
  if (last?.role !== "counselor") return dialogue;
  let rule = rules.get(dialogue.language);
  if (!rule) {
    rule = new TerminationRule(dialogue.language);
    rules.set(dialogue.language, rule);
  }
  const phrase = rule.match(last.content);
  if (phrase === undefined) return dialogue;
  return {
    ...dialogue,
    ended_by: "termination_phrase",
    termination_phrase: phrase,
    meta: { ...dialogue.meta, inferred: [...inferredFields(dialogue), "ended_by"] },
  };
}
