import type { Dialogue, Turn } from "../core/dialogue.js";
import { canonicalJson, sha256 } from "../core/hash.js";

/**
 * The hash a Battle carries as `history_ref`: the roles and texts the two candidates
 * answered, nothing else, so the same history hashes the same wherever it was judged
 * (arena run, annotation platform, re-judging).
 */
export function historyRef(history: readonly Pick<Turn, "role" | "content">[]): string {
  return sha256(canonicalJson(history.map(({ role, content }) => ({ role, content }))));
}

/**
 * The history a battle at counselor turn `turn` (1-based, as in Algorithm 2) was judged
 * on: the client's greeting and every exchange before that turn, ending on the client.
 */
export function battleHistory(dialogue: Pick<Dialogue, "turns">, turn: number): Turn[] | undefined {
  const end = 2 * turn - 1;
  if (turn < 1 || end > dialogue.turns.length) return undefined;
  return dialogue.turns.slice(0, end);
}
