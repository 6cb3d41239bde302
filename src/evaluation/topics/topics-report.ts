import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import { readDialoguesToJudge, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import type { TopicAggregates, TopicSession } from "./topic-distribution.js";
import { evaluateTopics, type TopicOptions } from "./topic-diversity.js";
import { readTopicList } from "./topic-list.js";

export type TopicsResult = EvaluationResult<TopicSession[], TopicAggregates>;

/** `psysim eval topics`: reads the dialogues (and a topic list, if given), labels them, returns the result. */
export async function topicsReport(
  dialoguesFile: string,
  options: Omit<TopicOptions, "topics" | "topicSource"> & { topicsFile?: string; shard?: Shard },
): Promise<TopicsResult> {
  const dialogues = await readDialoguesToJudge(dialoguesFile, options.shard);
  const inputs = [fileRef("dialogues", dialoguesFile, dialogues.length)];
  const { topicsFile, shard, ...rest } = options;
  const topics = topicsFile ? await readTopicList(topicsFile) : undefined;
  if (topicsFile) inputs.push(fileRef("topics", topicsFile, topics!.length));
  const evaluation = await evaluateTopics(dialogues, {
    ...rest,
    ...(topics && { topics, topicSource: topicsFile! }),
  });
  return evaluationResult("topics", {
    inputs,
    settings: withShard(evaluation.settings, shard),
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    usage: { judge: evaluation.usage },
  });
}
