import { PsysimError } from "../core/errors.js";
import { PSYSIM_VERSION } from "../core/version.js";
import type { Battle } from "../core/battle.js";
import { fileRef, type InputFileRef } from "../evaluation/evaluation-result.js";
import { BT_BASE_RATING, DEFAULT_PSEUDO_TIES, type RatingCentre } from "./bradley-terry.js";
import { buildLeaderboard, leaderboardsByJudge, type Leaderboard } from "./leaderboard.js";
import { readBattleFile } from "./read-battle-files.js";

export interface RatingsOptions {
  files: readonly string[];
  rounds: number;
  seed: number;
  /** `MODEL=RATING`; by default the mean rating is 1000. */
  anchor?: string;
  byJudge?: boolean;
  pseudoTies?: number;
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
  };
  /** One leaderboard for all battles, or one per judge kind (`llm`, `human`, `baseline`) with `--by judge`. */
  leaderboards: Record<string, Leaderboard>;
}

export function parseAnchor(anchor: string): RatingCentre {
  const at = anchor.lastIndexOf("=");
  const model = anchor.slice(0, at).trim();
  const rating = Number(anchor.slice(at + 1));
  if (at <= 0 || model === "" || anchor.slice(at + 1).trim() === "" || !Number.isFinite(rating)) {
    throw new PsysimError(
      "INPUT_INVALID",
      `--anchor expects MODEL=RATING (e.g. gpt-4o=1000), got "${anchor}"`,
    );
  }
  return { kind: "anchor", model, rating };
}

/** `psysim ratings`: reads the battle files, builds the leaderboard(s), records inputs and settings. */
export async function ratingsReport(options: RatingsOptions): Promise<RatingsResult> {
  if (options.files.length === 0)
    throw new PsysimError("INPUT_INVALID", "give at least one battles file");
  const battles: Battle[] = [];
  const inputs: InputFileRef[] = [];
  for (const file of options.files) {
    const read = await readBattleFile(file);
    battles.push(...read);
    inputs.push(fileRef("battles", file, read.length));
  }
  const centre = options.anchor
    ? parseAnchor(options.anchor)
    : ({ kind: "mean", rating: BT_BASE_RATING } as const);
  const settings = {
    rounds: options.rounds,
    seed: options.seed,
    centre,
    ...(options.pseudoTies !== undefined ? { pseudoTies: options.pseudoTies } : {}),
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
    },
    leaderboards,
  };
}
