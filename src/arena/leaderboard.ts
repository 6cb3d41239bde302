import { PsysimError } from "../core/errors.js";
import type { Battle } from "../core/battle.js";
import { battleMatrix, type BattleMatrix } from "./battle-matrix.js";
import { bootstrapBradleyTerry, type RatedModel } from "./bootstrap.js";
import type { RatingCentre } from "./bradley-terry.js";
import { computeElo, ELO_DEFAULTS } from "./elo.js";
import { judgeBias, type JudgeBias } from "./judge-bias.js";
import { upvoteTable, type UpvoteRow } from "./upvotes.js";

export interface LeaderboardOptions {
  rounds: number;
  seed: number;
  centre?: RatingCentre;
  pseudoTies?: number;
}

export interface LeaderboardRow extends RatedModel {
  /** Online Elo over the battles in file order (K=4), reported beside the Bradley–Terry rating. */
  elo: number;
}

export interface Leaderboard {
  battles: number;
  /** Battles with `winner: null`: counted in the matrix and occurrences, not in any rating. */
  unparsed: number;
  judges: string[];
  rows: LeaderboardRow[];
  bradleyTerry: {
    centre: RatingCentre;
    rounds: number;
    seed: number;
    coverage: number;
    converged: boolean;
    iterations: number;
    /** Set when the data leave no finite MLE; see `fitBradleyTerry`. */
    separation: { groups: string[][]; pseudoTies: number } | null;
    roundsWithPseudoTies: number;
    roundsNotConverged: number;
  };
  elo: typeof ELO_DEFAULTS;
  matrix: BattleMatrix;
  upvotes: UpvoteRow[];
  judgeBias: JudgeBias;
}

/** Everything `psysim ratings` reports for one set of battles. */
export function buildLeaderboard(
  battles: readonly Battle[],
  options: LeaderboardOptions,
): Leaderboard {
  if (battles.length === 0) throw new PsysimError("INPUT_INVALID", "no battles to rate");
  const rated = battles.filter((b) => b.winner !== null);
  if (rated.length === 0)
    throw new PsysimError(
      "INPUT_INVALID",
      `none of the ${battles.length} battles has a verdict (all winners are null); nothing to rate`,
    );
  const result = bootstrapBradleyTerry(battles, {
    rounds: options.rounds,
    seed: options.seed,
    ...(options.centre ? { centre: options.centre } : {}),
    ...(options.pseudoTies !== undefined ? { pseudoTies: options.pseudoTies } : {}),
  });
  const elo = computeElo(battles);
  return {
    battles: battles.length,
    unparsed: result.unparsed,
    judges: [...new Set(battles.map((b) => b.judge))].sort(),
    rows: result.models.map((row) => ({ ...row, elo: elo.get(row.model)! })),
    bradleyTerry: {
      centre: result.point.centre,
      rounds: result.rounds,
      seed: result.seed,
      coverage: result.coverage,
      converged: result.point.converged,
      iterations: result.point.iterations,
      separation: result.point.separation,
      roundsWithPseudoTies: result.roundsWithPseudoTies,
      roundsNotConverged: result.roundsNotConverged,
    },
    elo: ELO_DEFAULTS,
    matrix: battleMatrix(
      battles,
      result.models.map((m) => m.model).concat(unratedModels(battles, result.models)),
    ),
    upvotes: upvoteTable(battles),
    judgeBias: judgeBias(battles),
  };
}

function unratedModels(battles: readonly Battle[], rated: readonly RatedModel[]): string[] {
  const known = new Set(rated.map((m) => m.model));
  return [...new Set(battles.flatMap((b) => [b.model_a, b.model_b]))]
    .filter((m) => !known.has(m))
    .sort();
}

/** `llm`, `human` or `baseline`: the part of a Battle's `judge` before the first colon. */
export function judgeKind(judge: string): string {
  return judge.split(":")[0]!;
}

/** `--by judge`: one leaderboard per kind of judge, so LLM and human verdicts are never pooled silently. */
export function leaderboardsByJudge(
  battles: readonly Battle[],
  options: LeaderboardOptions,
): Record<string, Leaderboard> {
  const groups = new Map<string, Battle[]>();
  for (const b of battles) {
    const kind = judgeKind(b.judge);
    groups.set(kind, [...(groups.get(kind) ?? []), b]);
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([kind, group]) => [kind, buildLeaderboard(group, options)]),
  );
}
