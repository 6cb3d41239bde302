import { compareGroups, type GroupComparison } from "./statistics/compare-groups.js";
import { T_TEST_NAMES, type TTestKind } from "./statistics/t-test.js";
import {
  datasetStats,
  LENGTH_UNITS,
  sessionStats,
  statsByLanguage,
  type DatasetStats,
  type SessionStats,
} from "./dialogue-stats/dialogue-stats.js";
import type { Dialogue } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
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
  /**
   * `welch` (default: two datasets are independent samples of different sizes and spreads),
   * `student`, or `paired`: sessions matched by role card, for two datasets simulated from
   * the same cards (one session per card in each).
   */
  test?: TTestKind;
  /** Rate both datasets with WAI-O-S (same judge and settings). */
  wai?: WaiOptions;
  /** Label both datasets' topics (same judge, list and settings); `topicsFile` replaces the default list. */
  topics?: Omit<TopicOptions, "topics" | "topicSource"> & { topicsFile?: string };
}

export interface ComparedDataset {
  name: string;
  file: string;
  /** All sessions; average lengths only when the file has one language. */
  stats: DatasetStats;
  /** Table 1 per language: zh in characters, en in words. */
  by_language: Partial<Record<Language, DatasetStats>>;
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
 * (session shape; WAI factors; topic entropy over rounds) mean, sd, n, the chosen two-tailed
 * p and Cohen's d (A minus B). The paper's Figure 4 and topic comparison as a table.
 * Utterance lengths are compared per language, never across zh characters and en words.
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
  const test = options.test ?? "welch";
  const pairs = test === "paired" ? pairByCard(dialogues[0]!, dialogues[1]!, files) : undefined;
  const metrics: MetricComparison[] = [];
  /** Per-session values of both datasets, as pairs (paired) or as two independent samples. */
  const bySession = <T>(
    values: [readonly T[], readonly T[]],
    f: (x: T) => number | null,
  ): GroupComparison => {
    if (pairs) {
      const complete = pairs
        .map(([i, j]) => [f(values[0][i]!), f(values[1][j]!)] as const)
        .filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
      return compareGroups(
        complete.map((p) => p[0]),
        complete.map((p) => p[1]),
        "paired",
      );
    }
    return compareGroups(present(values[0].map(f)), present(values[1].map(f)), test);
  };
  metrics.push({
    metric: "turns per session",
    unit: "session",
    comparison: bySession(stats, (s) => s.turns),
  });
  // Lengths are characters in Chinese and words in English: compared within a language only.
  const languagesOf = (xs: readonly SessionStats[]) => new Set(xs.map((s) => s.language));
  const [langsA, langsB] = [languagesOf(stats[0]), languagesOf(stats[1])];
  const shared = (["zh", "en"] as const).filter((l) => langsA.has(l) && langsB.has(l));
  for (const language of shared) {
    const unit = LENGTH_UNITS[language];
    const own = (f: (s: SessionStats) => number | null) => (s: SessionStats) =>
      s.language === language ? f(s) : null;
    metrics.push({
      metric: `client utterance length, ${language} (${unit}, per session mean)`,
      unit: "session",
      comparison: bySession(
        stats,
        own((s) => perUtterance(s.client_length, s.client_utterances)),
      ),
    });
    metrics.push({
      metric: `counselor utterance length, ${language} (${unit}, per session mean)`,
      unit: "session",
      comparison: bySession(
        stats,
        own((s) => perUtterance(s.counselor_length, s.counselor_utterances)),
      ),
    });
  }

  const datasets = files.map((file, i) => ({
    name: names[i]!,
    file,
    stats: datasetStats(stats[i]!),
    by_language: statsByLanguage(stats[i]!),
  })) as [ComparedDataset, ComparedDataset];
  const sessions: CompareSessions = { stats };
  const settings: Record<string, unknown> = {
    effect_size: "Cohen's d with pooled sample sd, A minus B",
    test: T_TEST_NAMES[test],
    ...(pairs && {
      pairing: `sessions matched by role_card_id: ${pairs.length} pairs`,
    }),
    lengths: "compared within each language present in both datasets (zh characters, en words)",
    ...(shared.length < new Set([...langsA, ...langsB]).size && {
      languages_not_compared: [...new Set([...langsA, ...langsB])].filter(
        (l) => !shared.includes(l as Language),
      ),
    }),
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
    const wai: [WaiSessionScores[], WaiSessionScores[]] = [a.sessions, b.sessions];
    for (const f of WAI_FACTORS) {
      metrics.push({
        metric: `WAI ${f}`,
        unit: "session",
        comparison: bySession(wai, (s) => s.factors[f]),
      });
    }
    metrics.push({
      metric: "WAI all items",
      unit: "session",
      comparison: bySession(wai, (s) => s.total),
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
    // Rounds of two datasets are independent draws, not pairs: a paired request tests them with Welch.
    for (const kind of ["limited", "unlimited"] as const) {
      const key = `entropy_${kind}` as const;
      metrics.push({
        metric: `topic entropy, ${kind} (bits)`,
        unit: "round",
        comparison: compareGroups(
          a.aggregates.rounds.map((r) => r[key]),
          b.aggregates.rounds.map((r) => r[key]),
          test === "paired" ? "welch" : test,
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

/**
 * `--test paired`: session i of A and session j of B played the same role card. Each card
 * must appear once in each dataset, or the pairing would be a guess.
 */
function pairByCard(
  a: readonly Dialogue[],
  b: readonly Dialogue[],
  files: readonly [string, string],
): Array<[number, number]> {
  const index = (ds: readonly Dialogue[], file: string) => {
    const byCard = new Map<string, number>();
    ds.forEach((d, i) => {
      if (d.role_card_id === undefined) return;
      if (byCard.has(d.role_card_id))
        throw new PsysimError(
          "INPUT_INVALID",
          `${file}: card "${d.role_card_id}" has more than one session; --test paired matches one session per card in each dataset (use welch or student)`,
        );
      byCard.set(d.role_card_id, i);
    });
    return byCard;
  };
  const [ia, ib] = [index(a, files[0]), index(b, files[1])];
  const pairs: Array<[number, number]> = [];
  for (const [card, i] of ia) {
    const j = ib.get(card);
    if (j !== undefined) pairs.push([i, j]);
  }
  if (pairs.length < 2)
    throw new PsysimError(
      "INPUT_INVALID",
      `--test paired matches sessions by role_card_id, and ${files[0]} and ${files[1]} share ${pairs.length === 0 ? "no card" : "only one card"}; use welch or student for independent datasets`,
    );
  return pairs;
}
