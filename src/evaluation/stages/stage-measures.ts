import { HILL_STAGES, stageIndex, type HillStage } from "./hill-stages.js";
import { kendallTauB } from "./kendall-tau-b.js";

export type StageShares = Record<HillStage, number>;

/** Process measures of one session's sequence of counselor-turn stages. */
export interface StageMeasures {
  counselor_turns: number;
  /** Share of each stage among the counselor turns in each tenth of the session; null for a tenth with no turn (sessions under 10 counselor turns). */
  share_by_tenth: (StageShares | null)[];
  /** Kendall's tau-b between turn position and stage index; null when n < 2 or all turns share one stage. */
  progression_tau_b: number | null;
  /** 1-based counselor turn where action first appears; null when it never does. */
  first_action_turn: number | null;
  /** Exploration turns followed directly (among labelled turns) by an action turn (insight skipped). */
  skips: number;
}

/** Counselor turn i of n (0-based) sits at its midpoint (i + 0.5) / n; its tenth is that times 10, floored. */
export const tenthOf = (i: number, n: number): number => Math.floor(((i + 0.5) / n) * 10);

/**
 * A null stage is a turn the judge left unlabelled: it keeps its position (so the others keep
 * theirs) but counts in no share, takes no part in tau-b and breaks no skip.
 */
export function stageMeasures(stages: readonly (HillStage | null)[]): StageMeasures {
  const n = stages.length;
  const counts = Array.from({ length: 10 }, () => ({ exploration: 0, insight: 0, action: 0 }));
  stages.forEach((stage, i) => {
    if (stage !== null) counts[tenthOf(i, n)]![stage]++;
  });
  const share_by_tenth = counts.map((c) => {
    const total = c.exploration + c.insight + c.action;
    if (total === 0) return null;
    return Object.fromEntries(HILL_STAGES.map((s) => [s, c[s] / total])) as StageShares;
  });
  const firstAction = stages.indexOf("action");
  const labelled = stages.flatMap((stage, i) => (stage === null ? [] : [{ stage, i }]));
  let skips = 0;
  for (let k = 1; k < labelled.length; k++)
    if (labelled[k - 1]!.stage === "exploration" && labelled[k]!.stage === "action") skips++;
  return {
    counselor_turns: n,
    share_by_tenth,
    progression_tau_b: kendallTauB(
      labelled.map((l) => l.i + 1),
      labelled.map((l) => stageIndex(l.stage)),
    ),
    first_action_turn: firstAction === -1 ? null : firstAction + 1,
    skips,
  };
}
