import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import { readDialoguesToJudge, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import { evaluateWai, type WaiOptions } from "./wai-rating.js";
import type { WaiAggregates, WaiSessionScores } from "./wai-scores.js";

export type WaiResult = EvaluationResult<WaiSessionScores[], WaiAggregates>;

/** `psysim eval wai`: reads the dialogues, rates them, returns the traceable result. */
export async function waiReport(
  dialoguesFile: string,
  options: WaiOptions & { shard?: Shard },
): Promise<WaiResult> {
  const dialogues = await readDialoguesToJudge(dialoguesFile, options.shard);
  const inputs = [fileRef("dialogues", dialoguesFile, dialogues.length)];
  const evaluation = await evaluateWai(dialogues, options);
  return evaluationResult("wai", {
    inputs,
    settings: withShard(evaluation.settings, options.shard),
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    usage: { judge: evaluation.usage },
  });
}
