import type { Dialogue } from "../core/dialogue.js";

export const SESSION_DROP_REASONS = [
  "errored",
  "no-turns",
  "opens-with-counselor",
  "not-alternating",
  "empty-turn",
  "ends-on-client",
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
 * opens with the client, alternates client and counselor, has no empty turn, and ends on
 * a counselor reply (paper §5.1: every sample ends with the counselor's response).
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
  if (turns.at(-1)!.role === "client")
    return {
      reason: "ends-on-client",
      field: `turns.${turns.length - 1}`,
      message: "the session ends on a client turn; it must end on a counselor reply",
    };
  return undefined;
}
