import type { BattleOutcome } from "./battle-score.js";

export interface BattleMatrix {
  models: string[];
  /** counts[i][j] = battles between models[i] and models[j] (symmetric, zero diagonal), as in Figure 14. */
  counts: number[][];
}

/** Battles per pair of counselors (Figure 14), unparsed verdicts included: the meeting happened. */
export function battleMatrix(
  battles: Iterable<Pick<BattleOutcome, "model_a" | "model_b">>,
  models?: readonly string[],
): BattleMatrix {
  const list = [...battles];
  const names = models
    ? [...models]
    : [...new Set(list.flatMap((b) => [b.model_a, b.model_b]))].sort();
  const index = new Map(names.map((m, k) => [m, k]));
  const counts = names.map(() => names.map(() => 0));
  for (const { model_a, model_b } of list) {
    const i = index.get(model_a);
    const j = index.get(model_b);
    if (i === undefined || j === undefined || i === j) continue;
    counts[i]![j]! += 1;
    counts[j]![i]! += 1;
  }
  return { models: names, counts };
}
