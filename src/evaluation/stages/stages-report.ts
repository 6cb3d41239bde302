import type { Dialogue } from "../../core/dialogue.js";
import { readShardToJudge, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import type { JudgeRunOptions } from "../judges/judge-call.js";
import { labelTurns, type JudgedTurn } from "../judges/turn-labels.js";
import { BASELINE_STAGE_JUDGE, baselineStage } from "./baseline-stage-judge.js";
import { HILL_SKILLS, HILL_STAGES, type HillSkill, type HillStage } from "./hill-stages.js";
import { STAGE_LABEL_SPEC, type LlmStageLabel } from "./llm-stage-judge.js";
import { stageMeasures, type StageMeasures, type StageShares } from "./stage-measures.js";

export interface StageTurn {
  /** Index of the turn in the dialogue's `turns` (0-based). */
  turn: number;
  /** Null when the LLM judge gave no readable label (see `error`); such turns count in no measure. */
  stage: HillStage | null;
  /** Baseline judge: the cue that decided. */
  rule?: string;
  /** LLM judge: the helping skills named, in the majority round's words. */
  skills?: HillSkill[];
  /** LLM judge: the stage each round gave (null = unparsed). */
  rounds?: (HillStage | null)[];
  error?: string;
}

export interface SessionStages extends StageMeasures {
  id: string;
  counselor: string;
  language: Dialogue["language"];
  turns: StageTurn[];
  /** Counselor turns without a label (LLM judge only: unparsed or rounds tied). */
  unlabelled: number;
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
  unlabelled: number;
  /** LLM judge: how often each helping skill was named over all counselor turns. */
  skills?: Partial<Record<HillSkill, number>>;
}

export type StagesResult = EvaluationResult<SessionStages[], CounselorStages[]>;

const UNNAMED = "(unnamed)";

/** A session's measures from its labelled counselor turns. */
export function sessionStages(
  dialogue: Dialogue,
  labels?: readonly JudgedTurn<LlmStageLabel>[],
): SessionStages {
  const turns: StageTurn[] = labels
    ? labels.map((j) => ({
        turn: j.turn,
        stage: j.label?.stage ?? null,
        ...(j.label && { skills: j.label.skills }),
        rounds: j.rounds.map((r) => r?.stage ?? null),
        ...(j.error !== undefined && { error: j.error }),
      }))
    : dialogue.turns.flatMap((t, turn) =>
        t.role === "counselor" ? [{ turn, ...baselineStage(t.content, dialogue.language) }] : [],
      );
  return {
    id: dialogue.id,
    counselor: dialogue.meta?.counselor ?? UNNAMED,
    language: dialogue.language,
    turns,
    unlabelled: turns.filter((t) => t.stage === null).length,
    ...stageMeasures(turns.map((t) => t.stage)),
  };
}

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

function shareOf(all: readonly (HillStage | null)[]): StageShares {
  const stages = all.filter((s) => s !== null);
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
    unlabelled: sessions.reduce((a, s) => a + s.unlabelled, 0),
    ...(sessions.some((s) => s.turns.some((t) => t.skills)) && { skills: skillCounts(sessions) }),
  };
}

function skillCounts(sessions: readonly SessionStages[]): Partial<Record<HillSkill, number>> {
  const counts: Partial<Record<HillSkill, number>> = {};
  for (const skill of Object.keys(HILL_SKILLS) as HillSkill[]) {
    const n = sessions.reduce(
      (a, s) => a + s.turns.filter((t) => t.skills?.includes(skill)).length,
      0,
    );
    if (n > 0) counts[skill] = n;
  }
  return counts;
}

export interface StagesOptions extends Omit<JudgeRunOptions, "judge"> {
  /** An LLM judge, or undefined for the rule-based baseline. */
  judge?: JudgeRunOptions["judge"];
}

export const STAGES_DEFAULTS = { rounds: 1, maxAttempts: 3, concurrency: 8, seed: 1 };

const MEASURE_SETTINGS = {
  stages: HILL_STAGES,
  labelled: "counselor turns",
  tenth: "counselor turn i of n (0-based) falls in tenth floor(10 (i + 0.5) / n)",
  progression:
    "Kendall's tau-b (scipy.stats.kendalltau's default) of turn position against stage index 0|1|2; null when n < 2 or all turns share one stage",
  skip: "an exploration turn directly followed by an action turn",
  unlabelled:
    "a turn without a readable label (LLM judge) keeps its position but counts in no share, tau-b or skip",
};

/** Hill stages for already-read dialogues: the baseline rules, or the LLM judge (one call per session and round, majority over rounds). */
export async function evaluateStages(
  dialogues: readonly Dialogue[],
  options: StagesOptions = {},
): Promise<{
  settings: Record<string, unknown>;
  sessions: SessionStages[];
  usage?: import("../../core/usage.js").Usage;
  warnings?: string[];
}> {
  if (!options.judge || options.judge.isBaseline)
    return {
      settings: { judge: BASELINE_STAGE_JUDGE, judge_baseline: true, ...MEASURE_SETTINGS },
      sessions: dialogues.map((d) => sessionStages(d)),
    };
  const run = await labelTurns(
    dialogues,
    STAGE_LABEL_SPEC,
    { ...options, judge: options.judge },
    STAGES_DEFAULTS,
  );
  return {
    settings: {
      ...run.settings,
      majority:
        "a turn's stage is the one most rounds gave; a tie between rounds, or no readable answer after max_attempts, leaves it unlabelled with the reason",
      skills: HILL_SKILLS,
      ...MEASURE_SETTINGS,
    },
    sessions: dialogues.map((d, s) => sessionStages(d, run.sessions[s])),
    usage: run.usage,
    ...(run.warnings && { warnings: run.warnings }),
  };
}

/** Per-counselor aggregates (`meta.counselor`, else "(unnamed)"), in name order. */
export function stagesByCounselor(sessions: readonly SessionStages[]): CounselorStages[] {
  const names = [...new Set(sessions.map((s) => s.counselor))].sort();
  return names.map((name) =>
    counselorStages(
      name,
      sessions.filter((s) => s.counselor === name),
    ),
  );
}

/** `psysim eval stages`: a Hill stage per counselor turn and the session's process measures. */
export async function stagesReport(
  file: string,
  options: StagesOptions & { shard?: Shard } = {},
): Promise<StagesResult> {
  const { dialogues, positions } = await readShardToJudge(file, options.shard);
  const evaluation = await evaluateStages(dialogues, options);
  return evaluationResult("stages", {
    inputs: [fileRef("dialogues", file, dialogues.length)],
    settings: withShard(evaluation.settings, options.shard),
    ...(positions && { positions }),
    sessions: evaluation.sessions,
    aggregates: stagesByCounselor(evaluation.sessions),
    ...(evaluation.usage && { usage: { judge: evaluation.usage } }),
  });
}

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

/** The terminal summary: one line per counselor. */
export function formatStagesSummary(result: StagesResult): string {
  const judge = String(result.settings["judge"]);
  const lines = [`judge: ${judge}`];
  for (const c of result.aggregates)
    lines.push(
      `${c.counselor}: ${c.sessions} sessions; exploration ${pct(c.share.exploration)}, insight ${pct(c.share.insight)}, action ${pct(c.share.action)}; ` +
        `tau-b ${c.progression_tau_b_mean === null ? "undefined" : c.progression_tau_b_mean.toFixed(3)} (${c.progression_defined} sessions defined); ` +
        `action reached in ${c.sessions_with_action}, first at turn ${c.first_action_turn_mean === null ? "-" : c.first_action_turn_mean.toFixed(1)} on average; skips ${c.skips}` +
        (c.unlabelled > 0 ? `; unlabelled turns ${c.unlabelled}` : ""),
    );
  return lines.join("\n");
}
