import { PsysimError } from "../core/errors.js";
import type { EvaluationResult } from "./evaluation-result.js";
import { fidelityAggregates, type FidelitySession } from "./fidelity/fidelity.js";
import { safetyByCounselor, type SessionSafety } from "./safety/safety-report.js";
import { stagesByCounselor, type SessionStages } from "./stages/stages-report.js";
import { T_TEST_NAMES, type TTestKind } from "./statistics/t-test.js";
import {
  topicAggregates,
  type TopicAggregates,
  type TopicSession,
} from "./topics/topic-distribution.js";
import { waiAggregates, type WaiSessionScores } from "./wai/wai-scores.js";

/** The evaluations whose results `psysim merge` can recompute from shard results. */
export const MERGEABLE_KINDS = ["fidelity", "topics", "wai", "stages", "safety"] as const;
export type MergeableKind = (typeof MERGEABLE_KINDS)[number];

export function isMergeableKind(kind: string): kind is MergeableKind {
  return (MERGEABLE_KINDS as readonly string[]).includes(kind);
}

/** The id a session of each kind carries (the dialogue's id). */
export function sessionIdOf(kind: MergeableKind, session: unknown): string {
  const s = session as { dialogue_id?: unknown; id?: unknown };
  const id = kind === "stages" || kind === "safety" ? s.id : s.dialogue_id;
  return typeof id === "string" ? id : "";
}

function testKindOf(settings: Record<string, unknown>, where: string): TTestKind {
  const text = String(settings["test"]);
  const kind = (Object.keys(T_TEST_NAMES) as TTestKind[]).find((k) =>
    text.startsWith(T_TEST_NAMES[k]),
  );
  if (!kind)
    throw new PsysimError("INPUT_INVALID", `${where}: settings.test: unknown t-test "${text}"`);
  return kind;
}

/**
 * How a result's aggregates follow from its per-session values and settings: the very
 * functions `eval` calls (for the whole file and for each `--by` group), so a merge of shard
 * results recomputes what one unsharded run reports, float for float.
 */
export function aggregationFor(
  result: EvaluationResult<unknown[], unknown> & { kind: MergeableKind },
  where: string,
): (sessions: unknown[]) => unknown {
  const settings = result.settings;
  switch (result.kind) {
    case "wai":
      return (s) => waiAggregates(s as WaiSessionScores[]);
    case "stages":
      return (s) => stagesByCounselor(s as SessionStages[]);
    case "safety":
      return (s) => safetyByCounselor(s as SessionSafety[]);
    case "fidelity": {
      const test = testKindOf(settings, where);
      const withCosine = settings["embedding"] !== null && settings["embedding"] !== undefined;
      return (s) => fidelityAggregates(s as FidelitySession[], test, withCosine);
    }
    case "topics": {
      // The distribution lists every topic of the run's list, in its order, whatever the shard held.
      const topics = (result.aggregates as TopicAggregates).distribution.map(({ id, en, zh }) => ({
        id,
        en,
        zh,
      }));
      const rounds = Number(settings["rounds"]);
      return (s) => topicAggregates(s as TopicSession[], topics, rounds);
    }
  }
}
