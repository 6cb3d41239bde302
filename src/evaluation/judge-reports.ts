import { PsysimError } from "../core/errors.js";
import type { Dialogue } from "../core/dialogue.js";
import { evaluationResult, fileRef, type EvaluationResult } from "./evaluation-result.js";
import { readDialogueFile } from "./read-dialogue-file.js";
import type { TopicAggregates, TopicSession } from "./topic-distribution.js";
import { evaluateTopics, type TopicOptions } from "./topic-diversity.js";
import { readTopicList } from "./topic-list.js";
import { evaluateWai, type WaiOptions } from "./wai-rating.js";
import type { WaiAggregates, WaiSessionScores } from "./wai-scores.js";

/** A judge run over nothing would write an empty result that looks like a finished one. */
async function readSessions(file: string): Promise<Dialogue[]> {
  const dialogues = await readDialogueFile(file);
  if (dialogues.length === 0)
    throw new PsysimError("INPUT_INVALID", `${file}: no sessions to evaluate`);
  return dialogues;
}

export type WaiResult = EvaluationResult<WaiSessionScores[], WaiAggregates>;
export type TopicsResult = EvaluationResult<TopicSession[], TopicAggregates>;

/** `psysim eval wai`: reads the dialogues, rates them, returns the traceable result. */
export async function waiReport(dialoguesFile: string, options: WaiOptions): Promise<WaiResult> {
  const dialogues = await readSessions(dialoguesFile);
  const inputs = [fileRef("dialogues", dialoguesFile, dialogues.length)];
  const evaluation = await evaluateWai(dialogues, options);
  return evaluationResult("wai", {
    inputs,
    settings: evaluation.settings,
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    usage: { judge: evaluation.usage },
  });
}

/** `psysim eval topics`: reads the dialogues (and a topic list, if given), labels them, returns the result. */
export async function topicsReport(
  dialoguesFile: string,
  options: Omit<TopicOptions, "topics" | "topicSource"> & { topicsFile?: string },
): Promise<TopicsResult> {
  const dialogues = await readSessions(dialoguesFile);
  const inputs = [fileRef("dialogues", dialoguesFile, dialogues.length)];
  const { topicsFile, ...rest } = options;
  const topics = topicsFile ? await readTopicList(topicsFile) : undefined;
  if (topicsFile) inputs.push(fileRef("topics", topicsFile, topics!.length));
  const evaluation = await evaluateTopics(dialogues, {
    ...rest,
    ...(topics && { topics, topicSource: topicsFile! }),
  });
  return evaluationResult("topics", {
    inputs,
    settings: evaluation.settings,
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    usage: { judge: evaluation.usage },
  });
}
