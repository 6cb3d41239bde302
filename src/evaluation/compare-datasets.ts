import { compareGroups, type GroupComparison } from "./statistics/compare-groups.js";
import {
  datasetStats,
  sessionStats,
  type DatasetStats,
  type SessionStats,
} from "./dialogue-stats/dialogue-stats.js";
import { evaluationResult, fileRef, type EvaluationResult } from "./evaluation-result.js";
import { readDialogueFile } from "./dataset/read-dialogue-file.js";
import type { TopicAggregates, TopicSession } from "./topics/topic-distribution.js";
import { evaluateTopics, type TopicOptions } from "./topics/topic-diversity.js";
import { readTopicList } from "./topics/topic-list.js";
import { evaluateWai, type WaiOptions } from "./wai/wai-rating.js";
import { WAI_FACTORS } from "./wai/wai-items.js";
import type { WaiAggregates, WaiSessionScores } from "./wai/wai-scores.js";
import { addUsage, emptyUsage, type UsageByRole } from "../core/usage.js";

export interface CompareOptions {
  /** Rate both datasets with WAI-O-S (same judge and settings). */
  wai?: WaiOptions;
  /** Label both datasets' topics (same judge, list and settings); `topicsFile` replaces the default list. */
  topics?: Omit<TopicOptions, "topics" | "topicSource"> & { topicsFile?: string };
}

export interface ComparedDataset {
  name: string;
  file: string;
  stats: DatasetStats;
  wai?: WaiAggregates;
  topics?: TopicAggregates;
}

export interface MetricComparison {
  metric: string;
  /** What one value is: a session's, or a round's (topic entropy). */
  unit: "session" | "round";
  comparison: GroupComparison;
}

export interface CompareSessions {
  stats: [SessionStats[], SessionStats[]];
  wai?: [WaiSessionScores[], WaiSessionScores[]];
  topics?: [TopicSession[], TopicSession[]];
}

export type CompareResult = EvaluationResult<
  CompareSessions,
  { datasets: [ComparedDataset, ComparedDataset]; metrics: MetricComparison[] }
>;

const perUtterance = (total: number, count: number): number | null =>
  count === 0 ? null : total / count;
const present = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

/**
 * `psysim compare`: two datasets side by side — Table 1, and for every metric computed
 * (session shape; WAI factors; topic entropy over rounds) mean, sd, n, Welch's two-tailed
 * p and Cohen's d (A minus B). The paper's Figure 4 and topic comparison as a table.
 */
export async function compareDatasets(
  files: [string, string],
  names: [string, string],
  options: CompareOptions = {},
): Promise<CompareResult> {
  const dialogues = await Promise.all(files.map((f) => readDialogueFile(f)));
  const inputs = files.map((f, i) =>
    fileRef(`dialogues-${i === 0 ? "a" : "b"}`, f, dialogues[i]!.length),
  );
  const stats = dialogues.map((ds) => ds.map(sessionStats)) as [SessionStats[], SessionStats[]];
  const metrics: MetricComparison[] = [];
  const pair = (metric: string, f: (s: SessionStats) => number | null) =>
    metrics.push({
      metric,
      unit: "session",
      comparison: compareGroups(present(stats[0].map(f)), present(stats[1].map(f))),
    });
  pair("turns per session", (s) => s.turns);
  pair("client utterance length (per session mean)", (s) =>
    perUtterance(s.client_length, s.client_utterances),
  );
  pair("counselor utterance length (per session mean)", (s) =>
    perUtterance(s.counselor_length, s.counselor_utterances),
  );

  const datasets = files.map((file, i) => ({
    name: names[i]!,
    file,
    stats: datasetStats(stats[i]!),
  })) as [ComparedDataset, ComparedDataset];
  const sessions: CompareSessions = { stats };
  const settings: Record<string, unknown> = {
    effect_size: "Cohen's d with pooled sample sd, A minus B",
    test: "Welch's two-tailed t-test",
    sd: "sample standard deviation (n - 1)",
  };
  const usage: UsageByRole = {};

  if (options.wai) {
    const [a, b] = [
      await evaluateWai(dialogues[0]!, options.wai),
      await evaluateWai(dialogues[1]!, options.wai),
    ];
    sessions.wai = [a.sessions, b.sessions];
    datasets[0].wai = a.aggregates;
    datasets[1].wai = b.aggregates;
    settings["wai"] = a.settings;
    usage["wai-judge"] = addUsage(addUsage(emptyUsage(), a.usage), b.usage);
    for (const f of WAI_FACTORS) {
      metrics.push({
        metric: `WAI ${f}`,
        unit: "session",
        comparison: compareGroups(
          present(a.sessions.map((s) => s.factors[f])),
          present(b.sessions.map((s) => s.factors[f])),
        ),
      });
    }
    metrics.push({
      metric: "WAI all items",
      unit: "session",
      comparison: compareGroups(
        present(a.sessions.map((s) => s.total)),
        present(b.sessions.map((s) => s.total)),
      ),
    });
  }

  if (options.topics) {
    const { topicsFile, ...rest } = options.topics;
    const topics = topicsFile ? await readTopicList(topicsFile) : undefined;
    if (topicsFile) inputs.push(fileRef("topics", topicsFile, topics!.length));
    const topicOptions = { ...rest, ...(topics && { topics, topicSource: topicsFile! }) };
    const [a, b] = [
      await evaluateTopics(dialogues[0]!, topicOptions),
      await evaluateTopics(dialogues[1]!, topicOptions),
    ];
    sessions.topics = [a.sessions, b.sessions];
    datasets[0].topics = a.aggregates;
    datasets[1].topics = b.aggregates;
    settings["topics"] = {
      ...a.settings,
      languages: [a.settings["languages"], b.settings["languages"]],
    };
    usage["topics-judge"] = addUsage(addUsage(emptyUsage(), a.usage), b.usage);
    for (const kind of ["limited", "unlimited"] as const) {
      const key = `entropy_${kind}` as const;
      metrics.push({
        metric: `topic entropy, ${kind} (bits)`,
        unit: "round",
        comparison: compareGroups(
          a.aggregates.rounds.map((r) => r[key]),
          b.aggregates.rounds.map((r) => r[key]),
        ),
      });
    }
  }

  return evaluationResult("compare", {
    inputs,
    settings,
    sessions,
    aggregates: { datasets, metrics },
    ...(Object.keys(usage).length > 0 && { usage }),
  });
}
