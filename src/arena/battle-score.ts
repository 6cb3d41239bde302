import type { Winner } from "../core/battle.js";

/**
 * Model A's score in one battle (ratings.md): a win 1, a loss 0, a tie or "both bad" ½.
 * An unparsed verdict (`null`) carries no information and has no score.
 */
export function battleScore(winner: Winner | null): number | null {
  switch (winner) {
    case "a":
      return 1;
    case "b":
      return 0;
    case "tie":
    case "both_bad":
      return 0.5;
    default:
      return null;
  }
}

/** The fields of a Battle the ratings read: who met and who won. */
export interface BattleOutcome {
  model_a: string;
  model_b: string;
  winner: Winner | null;
}
