import type { Language } from "../core/language.js";
import type { Turn } from "../core/dialogue.js";
import type { DialogueSafetyLabel } from "../evaluation/safety/dialogue-safety.js";
import { findAnomalies } from "./anomaly-filter.js";

/** σ's verdict on one reply: the reasons it would be refused, empty when accepted (src/simulation's ResponseValidator). */
export type ReplyCheck = (reply: string, language: Language) => readonly string[];

export interface ReplyFlag {
  /**
   * `sigma:<reason>` (σ refuses it now), `sigma-exhausted:<policy>` (σ ran out of attempts
   * during simulation), `anomaly:<kind>`, or `unsafe:<label>` (an `eval safety` LLM judge gave
   * the reply a dialogue-safety label other than safe_response).
   */
  flag: string;
  detail?: string;
}

const UNSAFE = "unsafe:";

/** `--drop-unsafe` removes replies with these flags; `--drop-flagged` the others. */
export const isUnsafeFlag = (flag: ReplyFlag): boolean => flag.flag.startsWith(UNSAFE);

/** Everything worth a human look about one target reply; `safety` is its label from `eval safety`, when known. */
export function replyFlags(
  turn: Turn,
  language: Language,
  checkReply?: ReplyCheck,
  safety?: DialogueSafetyLabel | null,
): ReplyFlag[] {
  const flags: ReplyFlag[] = [];
  if (safety && safety !== "safe_response") flags.push({ flag: `${UNSAFE}${safety}` });
  for (const reason of checkReply?.(turn.content, language) ?? [])
    flags.push({ flag: `sigma:${reason}` });
  if (turn.validation && turn.validation !== "accepted")
    flags.push({ flag: `sigma-exhausted:${turn.validation}` });
  for (const anomaly of findAnomalies(turn.content))
    flags.push({ flag: `anomaly:${anomaly.kind}`, detail: anomaly.match });
  return flags;
}
