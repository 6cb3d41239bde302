import { PsysimError } from "../core/errors.js";
import { battleScore, type BattleOutcome } from "./battle-score.js";

export interface EloOptions {
  /** Update step; the reference arena uses 4 so one battle moves a rating only a little. */
  k?: number;
  base?: number;
  scale?: number;
  initial?: number;
}

export const ELO_DEFAULTS: Required<EloOptions> = { k: 4, base: 10, scale: 400, initial: 1000 };

/** Probability that a player rated `ra` beats one rated `rb`. */
export function eloExpected(ra: number, rb: number, options: EloOptions = {}): number {
  const { base, scale } = { ...ELO_DEFAULTS, ...options };
  return 1 / (1 + base ** ((rb - ra) / scale));
}

/** `time`: battles sorted by their `ts` (as FastChat does); `file`: the order they were read in. */
export type EloOrder = "time" | "file";

/**
 * Battles in time order (`ts`), ties kept in file order. Concurrent arena sessions append
 * out of order, and online Elo depends on order, so the same battles must give the same Elo
 * whichever order they were written in.
 */
export function inTimeOrder<T extends { ts: string; id?: string }>(battles: readonly T[]): T[] {
  const keyed = battles.map((battle, index) => {
    const time = Date.parse(battle.ts);
    if (Number.isNaN(time))
      throw new PsysimError(
        "INPUT_INVALID",
        `battle ${battle.id ?? index + 1}: ts: "${battle.ts}" is not a date-time; fix it or rate with --order file`,
      );
    return { battle, time, index };
  });
  keyed.sort((x, y) => x.time - y.time || x.index - y.index);
  return keyed.map((k) => k.battle);
}

/**
 * Online Elo over battles in the order given (ratings.md); `inTimeOrder` sorts them first.
 * Order matters — this is why the Bradley–Terry fit is the leaderboard's main estimate and
 * Elo is reported beside it. Unparsed verdicts are skipped.
 */
export function computeElo(
  battles: Iterable<BattleOutcome>,
  options: EloOptions = {},
): Map<string, number> {
  const { k, initial } = { ...ELO_DEFAULTS, ...options };
  const ratings = new Map<string, number>();
  for (const battle of battles) {
    const s = battleScore(battle.winner);
    if (s === null) continue;
    const ra = ratings.get(battle.model_a) ?? initial;
    const rb = ratings.get(battle.model_b) ?? initial;
    const delta = k * (s - eloExpected(ra, rb, options));
    ratings.set(battle.model_a, ra + delta);
    ratings.set(battle.model_b, rb - delta);
  }
  return ratings;
}
