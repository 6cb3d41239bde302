import { PsysimError, UsageError } from "../core/errors.js";
import { PSYSIM_VERSION } from "../core/version.js";
import { battleExclusion, type Battle, type BattleExclusion } from "../core/battle.js";
import { fileRef, type InputFileRef } from "../evaluation/evaluation-result.js";
import { BT_BASE_RATING, DEFAULT_PSEUDO_TIES, type RatingCentre } from "./bradley-terry.js";
import { buildLeaderboard, leaderboardsByJudge, type Leaderboard } from "./leaderboard.js";
import { readBattleFile } from "./read-battle-files.js";
import type { EloOrder } from "./elo.js";

export interface RatingsOptions {
  files: readonly string[];
  rounds: number;
  seed: number;
  /** `MODEL=RATING`; by default the mean rating is 1000. */
  anchor?: string;
  byJudge?: boolean;
  pseudoTies?: number;
  /** Order of the Elo updates: `time` (by `ts`, default) or `file`. */
  eloOrder?: EloOrder;
}

export interface RatingsResult {
  schema: "psysim.ratings/1";
  psysim_version: string;
  created_at: string;
  inputs: InputFileRef[];
  settings: {
    bootstrap_rounds: number;
    seed: number;
    centre: RatingCentre;
    pseudo_ties: number;
    by: "judge" | null;
    elo_order: EloOrder;
  };
  /**
   * Battles read but not rated (`battleExclusion`, the rule export and the platform share):
   * identical candidates, undone (retracted) and skipped votes.
   */
  left_out: Record<BattleExclusion, number>;
  /** One leaderboard for all battles, or one per judge (`human`, `baseline`, each LLM judge model) with `--by judge`. */
  leaderboards: Record<string, Leaderboard>;
}

/** The battles a leaderboard rates, and how many of each kind were left out. */
export function ratedBattles(battles: readonly Battle[]): {
  rated: Battle[];
  leftOut: Record<BattleExclusion, number>;
} {
  const leftOut: Record<BattleExclusion, number> = { identical: 0, retracted: 0, skipped: 0 };
  const rated: Battle[] = [];
  for (const battle of battles) {
    const why = battleExclusion(battle);
    if (why) leftOut[why] += 1;
    else rated.push(battle);
  }
  return { rated, leftOut };
}

export function parseAnchor(anchor: string): RatingCentre {
  const at = anchor.lastIndexOf("=");
  const model = anchor.slice(0, at).trim();
  const rating = Number(anchor.slice(at + 1));
  if (at <= 0 || model === "" || anchor.slice(at + 1).trim() === "" || !Number.isFinite(rating)) {
    throw new UsageError(`--anchor expects MODEL=RATING (e.g. gpt-4o=1000), got "${anchor}"`);
  }
  return { kind: "anchor", model, rating };
}

/** `psysim ratings`: reads the battle files, builds the leaderboard(s), records inputs and settings. */
export async function ratingsReport(options: RatingsOptions): Promise<RatingsResult> {
  if (options.files.length === 0)
    throw new PsysimError("INPUT_INVALID", "give at least one battles file");
  const read: Battle[] = [];
  const inputs: InputFileRef[] = [];
  for (const file of options.files) {
    const records = await readBattleFile(file);
    read.push(...records);
    inputs.push(fileRef("battles", file, records.length));
  }
  const { rated: battles, leftOut } = ratedBattles(read);
  const centre = options.anchor
    ? parseAnchor(options.anchor)
    : ({ kind: "mean", rating: BT_BASE_RATING } as const);
  const settings = {
    rounds: options.rounds,
    seed: options.seed,
    centre,
    ...(options.pseudoTies !== undefined ? { pseudoTies: options.pseudoTies } : {}),
    eloOrder: options.eloOrder ?? "time",
  };
  const leaderboards = options.byJudge
    ? leaderboardsByJudge(battles, settings)
    : { all: buildLeaderboard(battles, settings) };
  return {
    schema: "psysim.ratings/1",
    psysim_version: PSYSIM_VERSION,
    created_at: new Date().toISOString(),
    inputs,
    settings: {
      bootstrap_rounds: options.rounds,
      seed: options.seed,
      centre,
      pseudo_ties: options.pseudoTies ?? DEFAULT_PSEUDO_TIES,
      by: options.byJudge ? "judge" : null,
      elo_order: settings.eloOrder,
    },
    left_out: leftOut,
    leaderboards,
  };
}
