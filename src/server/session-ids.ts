import { randomBytes } from "node:crypto";

/**
 * Ids of the platform's own sessions, and so of its battles (`<session>/turn-N`). Imported
 * battles may not use this prefix, so an import can never take the id of a vote to come.
 */
export const HUMAN_BATTLE_PREFIX = "hs-";

export function newSessionId(): string {
  return `${HUMAN_BATTLE_PREFIX}${randomBytes(6).toString("hex")}`;
}

/** The id of a vote: the arena's `<dialogue>/turn-N`, with `/vK` for the K-th vote on a turn after undos. */
export function humanBattleId(sessionId: string, turn: number, earlierVotes: number): string {
  return `${sessionId}/turn-${turn}${earlierVotes > 0 ? `/v${earlierVotes + 1}` : ""}`;
}
