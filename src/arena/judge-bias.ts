import type { Battle } from "../core/battle.js";

export interface JudgeBias {
  /** Battles judged in both orders (`consistent` set), and how many of them flipped. */
  bothOrders: number;
  flips: number;
  /** flips / bothOrders, or null when no battle was judged both ways. */
  flipRate: number | null;
  /** Decisive battles (a or b won) whose two responses differ in length. */
  decisiveUnequalLength: number;
  longerWon: number;
  /** longerWon / decisiveUnequalLength, or null when there is none; 0.5 means no length preference. */
  longerWonRate: number | null;
}

/** Length in characters (code points), the unit σ uses for Chinese replies. */
function length(text: string): number {
  return [...text].length;
}

/**
 * The two LLM-judge hygiene figures the reference asks for (ratings.md): how often the
 * verdict flips when the order is swapped, and how often the longer response wins.
 */
export function judgeBias(
  battles: Iterable<Pick<Battle, "winner" | "response_a" | "response_b" | "consistent">>,
): JudgeBias {
  let bothOrders = 0;
  let flips = 0;
  let decisiveUnequalLength = 0;
  let longerWon = 0;
  for (const b of battles) {
    if (b.consistent !== undefined) {
      bothOrders += 1;
      if (!b.consistent) flips += 1;
    }
    if (b.winner !== "a" && b.winner !== "b") continue;
    const la = length(b.response_a);
    const lb = length(b.response_b);
    if (la === lb) continue;
    decisiveUnequalLength += 1;
    if ((b.winner === "a") === la > lb) longerWon += 1;
  }
  return {
    bothOrders,
    flips,
    flipRate: bothOrders > 0 ? flips / bothOrders : null,
    decisiveUnequalLength,
    longerWon,
    longerWonRate: decisiveUnequalLength > 0 ? longerWon / decisiveUnequalLength : null,
  };
}
