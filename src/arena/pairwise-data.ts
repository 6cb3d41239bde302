import { PsysimError } from "../core/errors.js";
import { battleScore, type BattleOutcome } from "./battle-score.js";

/**
 * Battles collapsed per unordered pair of models (ratings.md: "collapse battles into
 * (a, b, y, w)"). `i < j` index `models`; `score` is model i's points against j (a win 1,
 * a tie or both-bad ½), `n` the battles between them.
 */
export interface PairwiseData {
  models: string[];
  pairs: PairCount[];
}

export interface PairCount {
  i: number;
  j: number;
  n: number;
  score: number;
}

/** Where one battle falls: its pair, and whether model i won (0), tied (1) or lost (2). */
export interface CollapsedBattles {
  models: string[];
  /** Pair index → [i, j]. */
  pairModels: Array<[number, number]>;
  /** Per battle with a verdict: `pair * 3 + outcome`. */
  cells: Int32Array;
  /** Battles skipped because the verdict was unparsed (`winner: null`). */
  unparsed: number;
}

export function collapseBattles(battles: Iterable<BattleOutcome>): CollapsedBattles {
  const scored: Array<{ a: string; b: string; s: number }> = [];
  const names = new Set<string>();
  let unparsed = 0;
  for (const battle of battles) {
    if (battle.model_a === battle.model_b) {
      throw new PsysimError(
        "INPUT_INVALID",
        `a battle between ${battle.model_a} and itself cannot be rated; remove it`,
      );
    }
    const s = battleScore(battle.winner);
    if (s === null) {
      unparsed += 1;
      continue;
    }
    scored.push({ a: battle.model_a, b: battle.model_b, s });
    names.add(battle.model_a).add(battle.model_b);
  }
  const models = [...names].sort();
  const index = new Map(models.map((m, k) => [m, k]));
  const pairIndex = new Map<number, number>();
  const pairModels: Array<[number, number]> = [];
  const cells = new Int32Array(scored.length);
  scored.forEach(({ a, b, s }, k) => {
    const ia = index.get(a)!;
    const ib = index.get(b)!;
    const [i, j, si] = ia < ib ? [ia, ib, s] : [ib, ia, 1 - s];
    const key = i * models.length + j;
    let pair = pairIndex.get(key);
    if (pair === undefined) {
      pair = pairModels.length;
      pairIndex.set(key, pair);
      pairModels.push([i, j]);
    }
    cells[k] = pair * 3 + (si === 1 ? 0 : si === 0 ? 2 : 1);
  });
  return { models, pairModels, cells, unparsed };
}

/** Pairwise data from per-cell battle counts (all battles, or one bootstrap resample). */
export function pairwiseFromCounts(
  collapsed: CollapsedBattles,
  counts: ArrayLike<number>,
): PairwiseData {
  const pairs: PairCount[] = [];
  collapsed.pairModels.forEach(([i, j], p) => {
    const wins = counts[p * 3]!;
    const ties = counts[p * 3 + 1]!;
    const losses = counts[p * 3 + 2]!;
    const n = wins + ties + losses;
    if (n > 0) pairs.push({ i, j, n, score: wins + ties / 2 });
  });
  return { models: collapsed.models, pairs };
}

export function cellCounts(collapsed: CollapsedBattles): Float64Array {
  const counts = new Float64Array(collapsed.pairModels.length * 3);
  for (const cell of collapsed.cells) counts[cell]! += 1;
  return counts;
}

export function pairwiseData(battles: Iterable<BattleOutcome>): PairwiseData {
  const collapsed = collapseBattles(battles);
  return pairwiseFromCounts(collapsed, cellCounts(collapsed));
}
