import type { Dialogue } from "../core/dialogue.js";

export const SESSION_DROP_REASONS = [
  "errored",
  "no-turns",
  "opens-with-counselor",
  "not-alternating",
  "empty-turn",
  "no-counselor-reply",
  "duplicate-id",
] as const;
export type SessionDropReason = (typeof SESSION_DROP_REASONS)[number];

export interface SessionProblem {
  reason: SessionDropReason;
  /** The offending field, e.g. `turns.4`, or "" for the whole session. */
  field: string;
  message: string;
}

/**
 * Why a session cannot become training data, or undefined when it can. A usable session
 * opens with the client, alternates client and counselor, has no empty turn, and has a
 * counselor reply to train on (paper §5.1: every sample ends with the counselor's
 * response). A final client turn that no reply answers is not a problem: `endOnCounselor`
 * trims it.
 */
export function sessionProblem(dialogue: Dialogue): SessionProblem | undefined {
  const turns = dialogue.turns;
  if (dialogue.ended_by === "error")
    return {
      reason: "errored",
      field: "ended_by",
      message: `the session ended with an error${dialogue.error ? ` (${dialogue.error})` : ""}; rerun it`,
    };
  if (turns.length === 0)
    return { reason: "no-turns", field: "turns", message: "the session has no turns" };
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    const expected = i % 2 === 0 ? "client" : "counselor";
    if (turn.role !== expected) {
      return i === 0
        ? {
            reason: "opens-with-counselor",
            field: "turns.0",
            message:
              "the session opens with a counselor turn; it must open with the client's greeting",
          }
        : {
            reason: "not-alternating",
            field: `turns.${i}`,
            message: `two ${turn.role} turns in a row; client and counselor must alternate`,
          };
    }
    if (turn.content.trim() === "")
      return { reason: "empty-turn", field: `turns.${i}`, message: `empty ${turn.role} turn` };
  }
  if (turns.length === 1)
    return {
      reason: "no-counselor-reply",
      field: "turns",
      message: "the session has no counselor reply to train on",
    };
  return undefined;
}

/**
 * Drops a final client turn that no counselor reply answers (common in imported sessions
 * that stop mid-exchange), so the session ends on its last counselor reply instead of being
 * lost whole. Returns the dialogue unchanged when there is nothing to trim or no reply to keep.
 */
export function endOnCounselor(dialogue: Dialogue): { dialogue: Dialogue; trimmed: boolean } {
  const turns = dialogue.turns;
  if (turns.length < 2 || turns.at(-1)!.role !== "client" || turns.at(-2)!.role !== "counselor")
    return { dialogue, trimmed: false };
  return { dialogue: { ...dialogue, turns: turns.slice(0, -1) }, trimmed: true };
}
