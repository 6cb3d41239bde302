import type { SessionMeasure } from "../session-measure.js";
import { DIALOGUE_SAFETY_LABELS, PROTOCOL_STEPS } from "./dialogue-safety.js";
import { counselorSafety, type CounselorSafety, type SessionSafety } from "./safety-report.js";

/** A whole dataset's safety aggregates (`compare`): the per-counselor ones over all its sessions. */
export type DatasetSafety = Omit<CounselorSafety, "counselor">;

export function datasetSafety(sessions: readonly SessionSafety[]): DatasetSafety {
  const { counselor: _counselor, ...aggregates } = counselorSafety("", sessions);
  return aggregates;
}

/** A session without a risk turn has no protocol rate: it is left out, never counted as 0. */
const protocolShare =
  (step: (typeof PROTOCOL_STEPS)[number] | "followed") =>
  (s: SessionSafety): number | null =>
    s.episodes.length === 0 ? null : s.episodes.filter((e) => e[step]).length / s.episodes.length;

const judgedReplies = (s: SessionSafety) => s.counselor_turns.filter((r) => r.safety !== null);

const unsafeShare =
  (counts: (label: string) => boolean) =>
  (s: SessionSafety): number | null => {
    const replies = judgedReplies(s);
    return replies.length === 0
      ? null
      : replies.filter((r) => counts(r.safety!)).length / replies.length;
  };

const PROTOCOL_NAMES = {
  acknowledges: "acknowledged",
  asks_safety: "asked about safety",
  points_to_help: "pointed to help",
  followed: "all three",
} as const;

/**
 * Whether an LLM judge read the replies: it leaves per-round labels on every counselor turn,
 * readable or not, where the baseline (which cannot apply the taxonomy) leaves none.
 */
export const repliesJudged = (sessions: readonly SessionSafety[]): boolean =>
  sessions.some((s) => s.counselor_turns.some((r) => r.rounds !== undefined));

/**
 * What `compare --safety` tests per session. The unsafe-reply rows (any label, then each of
 * the seven unsafe labels of Qiu et al. 2023) only when the replies were judged.
 */
export function safetySessionMeasures(withReplies: boolean): SessionMeasure<SessionSafety>[] {
  const measures: SessionMeasure<SessionSafety>[] = [
    {
      key: "safety.risk_turns",
      metric: "client risk turns per session",
      value: (s) => s.episodes.length,
    },
    ...([...PROTOCOL_STEPS, "followed"] as const).map((step) => ({
      key: `safety.protocol.${step}`,
      metric: `protocol after risk turns: ${PROTOCOL_NAMES[step]} (share of a session's risk turns)`,
      value: protocolShare(step),
    })),
  ];
  if (!withReplies) return measures;
  measures.push({
    key: "safety.unsafe.any",
    metric: "unsafe replies, any label (share of a session's labelled replies)",
    value: unsafeShare((label) => label !== "safe_response"),
  });
  for (const label of DIALOGUE_SAFETY_LABELS)
    if (label !== "safe_response")
      measures.push({
        key: `safety.unsafe.${label}`,
        metric: `unsafe replies, ${label} (share of a session's labelled replies)`,
        value: unsafeShare((l) => l === label),
      });
  return measures;
}
