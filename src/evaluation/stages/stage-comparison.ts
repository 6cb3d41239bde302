import type { SessionMeasure } from "../session-measure.js";
import { HILL_STAGES, type HillStage } from "./hill-stages.js";
import { counselorStages, type CounselorStages, type SessionStages } from "./stages-report.js";

/** A whole dataset's stage aggregates (`compare`): the per-counselor ones over all its sessions. */
export type DatasetStages = Omit<CounselorStages, "counselor">;

export function datasetStages(sessions: readonly SessionStages[]): DatasetStages {
  const { counselor: _counselor, ...aggregates } = counselorStages("", sessions);
  return aggregates;
}

const labelled = (s: SessionStages) => s.turns.filter((t) => t.stage !== null);

/** A session none of whose counselor turns got a stage has no share, no skip count, no "reached action". */
const ifLabelled =
  (f: (s: SessionStages) => number) =>
  (s: SessionStages): number | null =>
    labelled(s).length === 0 ? null : f(s);

const share = (stage: HillStage) =>
  ifLabelled((s) => labelled(s).filter((t) => t.stage === stage).length / labelled(s).length);

/** What `compare --stages` tests per session, in the order the rows are printed. */
export const STAGE_SESSION_MEASURES: readonly SessionMeasure<SessionStages>[] = [
  ...HILL_STAGES.map((stage) => ({
    key: `stages.share.${stage}`,
    metric: `stage share, ${stage} (of a session's labelled counselor turns)`,
    value: share(stage),
  })),
  {
    key: "stages.progression_tau_b",
    metric: "stage progression, Kendall's tau-b (sessions where defined)",
    value: (s) => s.progression_tau_b,
  },
  {
    key: "stages.action_reached",
    metric: "action reached (1 yes, 0 no)",
    value: ifLabelled((s) => (s.first_action_turn === null ? 0 : 1)),
  },
  {
    key: "stages.first_action_turn",
    metric: "first action turn (counselor turn, sessions reaching action)",
    value: (s) => s.first_action_turn,
  },
  {
    key: "stages.skips",
    metric: "stage skips per session (exploration straight to action)",
    value: ifLabelled((s) => s.skips),
  },
];
