import type { Dialogue } from "../../core/dialogue.js";
import { PsysimError } from "../../core/errors.js";
import { readDialoguesToJudge, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import { BASELINE_STAGE_JUDGE, baselineStage } from "./baseline-stage-judge.js";
import { HILL_STAGES, type HillStage } from "./hill-stages.js";
import { stageMeasures, type StageMeasures, type StageShares } from "./stage-measures.js";

export interface StageTurn {
  /** Index of the turn in the dialogue's `turns` (0-based). */
  turn: number;
  stage: HillStage;
  rule: string;
}

export interface SessionStages extends StageMeasures {
  id: string;
  counselor: string;
  language: Dialogue["language"];
  turns: StageTurn[];
}

export interface CounselorStages {
  counselor: string;
  sessions: number;
  /** Share of each stage over all counselor turns. */
  share: StageShares;
  /** Per tenth, the mean of the sessions' shares over the sessions with a turn there. */
  share_by_tenth: (StageShares | null)[];
  /** Mean tau-b over the sessions where it is defined, and how many those are. */
  progression_tau_b_mean: number | null;
  progression_defined: number;
  sessions_with_action: number;
  first_action_turn_mean: number | null;
  skips: number;
}

export type StagesResult = EvaluationResult<SessionStages[], CounselorStages[]>;

const UNNAMED = "(unnamed)";

export function sessionStages(dialogue: Dialogue): SessionStages {
  const turns: StageTurn[] = [];
  dialogue.turns.forEach((t, turn) => {
    if (t.role === "counselor")
      turns.push({ turn, ...baselineStage(t.content, dialogue.language) });
  });
  return {
    id: dialogue.id,
    counselor: dialogue.meta?.counselor ?? UNNAMED,
    language: dialogue.language,
    turns,
    ...stageMeasures(turns.map((t) => t.stage)),
  };
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

function shareOf(stages: readonly HillStage[]): StageShares {
  const total = stages.length;
  return Object.fromEntries(
    HILL_STAGES.map((s) => [s, total === 0 ? 0 : stages.filter((x) => x === s).length / total]),
  ) as StageShares;
}

export function counselorStages(
  counselor: string,
  sessions: readonly SessionStages[],
): CounselorStages {
  const taus = sessions.flatMap((s) => (s.progression_tau_b === null ? [] : [s.progression_tau_b]));
  const firstActions = sessions.flatMap((s) =>
    s.first_action_turn === null ? [] : [s.first_action_turn],
  );
  const share_by_tenth = Array.from({ length: 10 }, (_, tenth) => {
    const present = sessions.flatMap((s) =>
      s.share_by_tenth[tenth] ? [s.share_by_tenth[tenth]] : [],
    );
    if (present.length === 0) return null;
    return Object.fromEntries(
      HILL_STAGES.map((stage) => [stage, mean(present.map((p) => p[stage]))!]),
    ) as StageShares;
  });
  return {
    counselor,
    sessions: sessions.length,
    share: shareOf(sessions.flatMap((s) => s.turns.map((t) => t.stage))),
    share_by_tenth,
    progression_tau_b_mean: mean(taus),
    progression_defined: taus.length,
    sessions_with_action: firstActions.length,
    first_action_turn_mean: mean(firstActions),
    skips: sessions.reduce((a, s) => a + s.skips, 0),
  };
}

/** `psysim eval stages`: a Hill stage per counselor turn and the session's process measures. */
export async function stagesReport(
  file: string,
  options: { judge: string; shard?: Shard },
): Promise<StagesResult> {
  if (options.judge !== "baseline")
    throw new PsysimError(
      "INPUT_INVALID",
      `--judge: only "baseline" is available for eval stages in this version, got "${options.judge}"`,
    );
  const dialogues = await readDialoguesToJudge(file, options.shard);
  const sessions = dialogues.map(sessionStages);
  const names = [...new Set(sessions.map((s) => s.counselor))].sort();
  return evaluationResult("stages", {
    inputs: [fileRef("dialogues", file, dialogues.length)],
    settings: withShard(
      {
        judge: BASELINE_STAGE_JUDGE,
        stages: HILL_STAGES,
        labelled: "counselor turns",
        tenth: "counselor turn i of n (0-based) falls in tenth floor(10 (i + 0.5) / n)",
        progression:
          "Kendall's tau-b (scipy.stats.kendalltau's default) of turn position against stage index 0|1|2; null when n < 2 or all turns share one stage",
        skip: "an exploration turn directly followed by an action turn",
      },
      options.shard,
    ),
    sessions,
    aggregates: names.map((name) =>
      counselorStages(
        name,
        sessions.filter((s) => s.counselor === name),
      ),
    ),
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

/** The terminal summary: one line per counselor. */
export function formatStagesSummary(result: StagesResult): string {
  const lines = [`judge: ${BASELINE_STAGE_JUDGE}`];
  for (const c of result.aggregates)
    lines.push(
      `${c.counselor}: ${c.sessions} sessions; exploration ${pct(c.share.exploration)}, insight ${pct(c.share.insight)}, action ${pct(c.share.action)}; ` +
        `tau-b ${c.progression_tau_b_mean === null ? "undefined" : c.progression_tau_b_mean.toFixed(3)} (${c.progression_defined} sessions defined); ` +
        `action reached in ${c.sessions_with_action}, first at turn ${c.first_action_turn_mean === null ? "-" : c.first_action_turn_mean.toFixed(1)} on average; skips ${c.skips}`,
    );
  return lines.join("\n");
}
