import type { Language } from "../core/language.js";
import type { Turn } from "../core/dialogue.js";
import { findAnomalies } from "./anomaly-filter.js";

/** σ's verdict on one reply: the reasons it would be refused, empty when accepted (src/simulation's ResponseValidator). */
export type ReplyCheck = (reply: string, language: Language) => readonly string[];

export interface ReplyFlag {
  /** `sigma:<reason>` (σ refuses it now), `sigma-exhausted:<policy>` (σ ran out of attempts during simulation) or `anomaly:<kind>`. */
  flag: string;
  detail?: string;
}

/** Everything worth a human look about one target reply. */
export function replyFlags(turn: Turn, language: Language, checkReply?: ReplyCheck): ReplyFlag[] {
  const flags: ReplyFlag[] = [];
  for (const reason of checkReply?.(turn.content, language) ?? [])
    flags.push({ flag: `sigma:${reason}` });
  if (turn.validation && turn.validation !== "accepted")
    flags.push({ flag: `sigma-exhausted:${turn.validation}` });
  for (const anomaly of findAnomalies(turn.content))
    flags.push({ flag: `anomaly:${anomaly.kind}`, detail: anomaly.match });
  return flags;
}
