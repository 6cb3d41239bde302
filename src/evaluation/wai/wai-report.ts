import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import { readShardToJudge, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import { evaluateWai, type WaiOptions } from "./wai-rating.js";
import { waiAggregates, type WaiAggregates, type WaiSessionScores } from "./wai-scores.js";
import {
  aggregateByGroup,
  groupDialogues,
  type DialogueGrouping,
} from "../dialogue-stats/group-dialogues.js";

export type WaiResult = EvaluationResult<WaiSessionScores[], WaiAggregates>;

/**
 * `psysim eval wai`: reads the dialogues, rates them, returns the traceable result; with
 * `grouping`, also the aggregates per group (`--by style`, `--by session_index`).
 */
export async function waiReport(
  dialoguesFile: string,
  options: WaiOptions & { shard?: Shard; grouping?: DialogueGrouping },
): Promise<WaiResult> {
  const { dialogues, positions } = await readShardToJudge(dialoguesFile, options.shard);
  // Grouped before any judge call, so a dialogue without its card fails the run for free.
  const groups = options.grouping && groupDialogues(dialogues, options.grouping, dialoguesFile);
  const inputs = [fileRef("dialogues", dialoguesFile, dialogues.length)];
  const evaluation = await evaluateWai(dialogues, options);
  return evaluationResult("wai", {
    inputs,
    settings: withShard(evaluation.settings, options.shard),
    ...(positions && { positions }),
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    ...(groups && {
      by_group: aggregateByGroup(groups, options.grouping!.by, evaluation.sessions, waiAggregates),
    }),
    usage: { judge: evaluation.usage },
  });
}
