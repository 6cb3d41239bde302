import { evaluationResult, fileRef, type EvaluationResult } from "../evaluation-result.js";
import { readShardToJudge, withShard } from "../dataset/read-dialogue-file.js";
import type { Shard } from "../../core/shard.js";
import { topicAggregates, type TopicAggregates, type TopicSession } from "./topic-distribution.js";
import { evaluateTopics, TOPIC_DEFAULTS, type TopicOptions } from "./topic-diversity.js";
import { defaultTopics, readTopicList } from "./topic-list.js";
import {
  aggregateByGroup,
  groupDialogues,
  type DialogueGrouping,
} from "../dialogue-stats/group-dialogues.js";

export type TopicsResult = EvaluationResult<TopicSession[], TopicAggregates>;

/** `psysim eval topics`: reads the dialogues (and a topic list, if given), labels them, returns the result. */
export async function topicsReport(
  dialoguesFile: string,
  options: Omit<TopicOptions, "topics" | "topicSource"> & {
    topicsFile?: string;
    shard?: Shard;
    grouping?: DialogueGrouping;
  },
): Promise<TopicsResult> {
  const { dialogues, positions } = await readShardToJudge(dialoguesFile, options.shard);
  const groups = options.grouping && groupDialogues(dialogues, options.grouping, dialoguesFile);
  const inputs = [fileRef("dialogues", dialoguesFile, dialogues.length)];
  const { topicsFile, shard, grouping, ...rest } = options;
  const topics = topicsFile ? await readTopicList(topicsFile) : undefined;
  if (topicsFile) inputs.push(fileRef("topics", topicsFile, topics!.length));
  const evaluation = await evaluateTopics(dialogues, {
    ...rest,
    ...(topics && { topics, topicSource: topicsFile! }),
  });
  return evaluationResult("topics", {
    inputs,
    settings: withShard(evaluation.settings, shard),
    ...(positions && { positions }),
    sessions: evaluation.sessions,
    aggregates: evaluation.aggregates,
    // Entropy per group: each group's own label distribution, round by round.
    ...(groups && {
      by_group: aggregateByGroup(groups, grouping!.by, evaluation.sessions, (own) =>
        topicAggregates(own, topics ?? defaultTopics(), options.rounds ?? TOPIC_DEFAULTS.rounds),
      ),
    }),
    usage: { judge: evaluation.usage },
  });
}
