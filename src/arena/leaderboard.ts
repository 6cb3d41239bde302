import { PsysimError } from "../core/errors.js";
import type { Battle } from "../core/battle.js";
import { battleMatrix, type BattleMatrix } from "./battle-matrix.js";
import { bootstrapBradleyTerry, type RatedModel } from "./bootstrap.js";
import type { RatingCentre } from "./bradley-terry.js";
import { computeElo, ELO_DEFAULTS, inTimeOrder, type EloOrder } from "./elo.js";
import { bootstrapElo, ELO_BOOTSTRAP_STREAM } from "./elo-bootstrap.js";
import { judgeBias, type JudgeBias } from "./judge-bias.js";
import { upvoteTable, type UpvoteRow } from "./upvotes.js";

export interface LeaderboardOptions {
  rounds: number;
  seed: number;
  centre?: RatingCentre;
  pseudoTies?: number;
  /** Order of the online Elo updates: `time` (by `ts`, the default) or `file`. */
  eloOrder?: EloOrder;
}

export interface LeaderboardRow extends RatedModel {
  /** Online Elo (K=4) over the battles in `elo.order`, reported beside the Bradley–Terry rating. */
  elo: number;
  /** Bootstrap interval of `elo` (same rounds and coverage as Bradley–Terry; see `bootstrapElo`). */
  eloLower: number;
  eloUpper: number;
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
  elo: typeof ELO_DEFAULTS & {
    order: EloOrder;
    /** Adjacent battles in the input whose `ts` goes backwards (0 when already in time order). */
    timeInversions: number;
    /** Bootstrap rounds of the Elo intervals, drawn from `deriveSeed(seed, seedStream)`. */
    rounds: number;
    seedStream: string;
  };
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
  const order = options.eloOrder ?? "time";
  const ordered = order === "time" ? inTimeOrder(battles) : battles;
  const elo = computeElo(ordered);
  const eloIntervals = bootstrapElo(ordered, {
    rounds: options.rounds,
    seed: options.seed,
    coverage: result.coverage,
  });
  return {
    battles: battles.length,
    unparsed: result.unparsed,
    judges: [...new Set(battles.map((b) => b.judge))].sort(),
    rows: result.models.map((row) => ({
      ...row,
      elo: elo.get(row.model)!,
      eloLower: eloIntervals.get(row.model)!.lower,
      eloUpper: eloIntervals.get(row.model)!.upper,
    })),
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
    elo: {
      ...ELO_DEFAULTS,
      order,
      timeInversions: timeInversions(battles),
      rounds: options.rounds,
      seedStream: ELO_BOOTSTRAP_STREAM,
    },
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

function timeInversions(battles: readonly Battle[]): number {
  let n = 0;
  for (let k = 1; k < battles.length; k++)
    if (Date.parse(battles[k]!.ts) < Date.parse(battles[k - 1]!.ts)) n++;
  return n;
}

/** `llm`, `human` or `baseline`: the part of a Battle's `judge` before the first colon. */
export function judgeKind(judge: string): string {
  return judge.split(":")[0]!;
}

/**
 * The evaluation method a battle's verdict came from, as Figure 6 facets them: every human
 * annotator is `human`, the rule-based judge is `baseline`, and each LLM judge is its model
 * (`llm:openai:gpt-4o`, the supervisor prompt number dropped). A model judged with both
 * prompts in the same data keeps them apart (`llm:openai:gpt-4o:1`, `…:2`).
 */
export function judgeGroups(judges: Iterable<string>): Map<string, string> {
  const model = (judge: string) => judge.replace(/:\d+$/, "");
  const distinct = new Set(judges);
  const prompts = new Map<string, Set<string>>();
  for (const judge of distinct)
    if (judgeKind(judge) === "llm")
      prompts.set(model(judge), (prompts.get(model(judge)) ?? new Set()).add(judge));
  const groups = new Map<string, string>();
  for (const judge of distinct)
    groups.set(
      judge,
      judgeKind(judge) !== "llm"
        ? judgeKind(judge)
        : prompts.get(model(judge))!.size > 1
          ? judge
          : model(judge),
    );
  return groups;
}

/** `--by judge`: one leaderboard per judge (`judgeGroups`), so verdicts of different judges are never pooled silently. */
export function leaderboardsByJudge(
  battles: readonly Battle[],
  options: LeaderboardOptions,
): Record<string, Leaderboard> {
  const groupOf = judgeGroups(battles.map((b) => b.judge));
  const groups = new Map<string, Battle[]>();
  for (const b of battles) {
    const group = groupOf.get(b.judge)!;
    groups.set(group, [...(groups.get(group) ?? []), b]);
  }
  return Object.fromEntries(
    [...groups.entries()]
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([name, group]) => [name, buildLeaderboard(group, options)]),
  );
}
