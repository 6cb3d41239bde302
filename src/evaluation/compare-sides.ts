import { compareGroups, type GroupComparison } from "./statistics/compare-groups.js";
import type { TTestKind } from "./statistics/t-test.js";
import {
  datasetStats,
  LENGTH_UNITS,
  statsByLanguage,
  type DatasetStats,
  type SessionStats,
} from "./dialogue-stats/dialogue-stats.js";
import type { Dialogue } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import type { TopicAggregates, TopicSession } from "./topics/topic-distribution.js";
import { WAI_FACTORS } from "./wai/wai-items.js";
import { waiAggregates, type WaiAggregates, type WaiSessionScores } from "./wai/wai-scores.js";
import type { SessionMeasure } from "./session-measure.js";
import type { SessionStages } from "./stages/stages-report.js";
import {
  datasetStages,
  STAGE_SESSION_MEASURES,
  type DatasetStages,
} from "./stages/stage-comparison.js";
import type { SessionSafety } from "./safety/safety-report.js";
import {
  datasetSafety,
  repliesJudged,
  safetySessionMeasures,
  type DatasetSafety,
} from "./safety/safety-comparison.js";

export interface ComparedDataset {
  name: string;
  file: string;
  /** All sessions; average lengths only when the file has one language. */
  stats: DatasetStats;
  /** Table 1 per language: zh in characters, en in words. */
  by_language: Partial<Record<Language, DatasetStats>>;
  wai?: WaiAggregates;
  topics?: TopicAggregates;
  /** With `--stages`: the dataset's Hill-stage aggregates (shares, share by tenth, tau-b mean, …). */
  stages?: DatasetStages;
  /** With `--safety`: risk turns, protocol rates over risk turns, reply labels. */
  safety?: DatasetSafety;
}

export interface MetricComparison {
  /** Stable name for programs (`turns`, `wai.bond`, `stages.progression_tau_b`, `safety.protocol.followed`, …). */
  key: string;
  /** The row's name as printed. */
  metric: string;
  /** What one value is: a session's, or a round's (topic entropy). */
  unit: "session" | "round";
  comparison: GroupComparison;
}

/** One side of a comparison after its judges ran: every per-session value, in dialogue order. */
export interface ComparedSide {
  name: string;
  file: string;
  dialogues: readonly Dialogue[];
  stats: SessionStats[];
  wai?: WaiSessionScores[];
  topics?: TopicSession[];
  stages?: SessionStages[];
  safety?: SessionSafety[];
}

export interface SideComparison {
  datasets: [ComparedDataset, ComparedDataset];
  metrics: MetricComparison[];
  /** Pairs matched by role card, with `--test paired`. */
  pairs?: number;
  /** Languages present in both sides: utterance lengths are compared within each. */
  languages: Language[];
}

const perUtterance = (total: number, count: number): number | null =>
  count === 0 ? null : total / count;
const present = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

/** The sessions of `side` whose dialogue id is in `ids`, every per-session list cut alike. */
export function sliceSide(
  side: ComparedSide,
  ids: ReadonlySet<string>,
  name: string,
): ComparedSide {
  const keep = side.dialogues.map((d) => ids.has(d.id));
  const cut = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
  return {
    name,
    file: side.file,
    dialogues: cut(side.dialogues),
    stats: cut(side.stats),
    ...(side.wai && { wai: cut(side.wai) }),
    ...(side.topics && { topics: cut(side.topics) }),
    ...(side.stages && { stages: cut(side.stages) }),
    ...(side.safety && { safety: cut(side.safety) }),
  };
}

/**
 * Two sides' per-session values compared: session shape, utterance lengths per language, WAI
 * factors, topic entropy over rounds, Hill-stage measures, safety measures — each with mean, sd, n, the two-tailed p of `test` and
 * Cohen's d (A minus B). Pure: the judges have already run.
 */
export function compareSides(
  sides: [ComparedSide, ComparedSide],
  test: TTestKind,
  topicAggregatesOf?: (sessions: TopicSession[]) => TopicAggregates,
): SideComparison {
  const [a, b] = sides;
  const stats: [SessionStats[], SessionStats[]] = [a.stats, b.stats];
  const pairs =
    test === "paired" ? pairByCard(a.dialogues, b.dialogues, [a.file, b.file]) : undefined;
  const metrics: MetricComparison[] = [];
  /** Per-session values of both sides, as pairs (paired) or as two independent samples. */
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
  const rows = <T>(
    values: [readonly T[], readonly T[]],
    measures: readonly SessionMeasure<T>[],
  ) => {
    for (const m of measures)
      metrics.push({
        key: m.key,
        metric: m.metric,
        unit: "session",
        comparison: bySession(values, m.value),
      });
  };
  metrics.push({
    key: "turns",
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
      key: `client_length.${language}`,
      metric: `client utterance length, ${language} (${unit}, per session mean)`,
      unit: "session",
      comparison: bySession(
        stats,
        own((s) => perUtterance(s.client_length, s.client_utterances)),
      ),
    });
    metrics.push({
      key: `counselor_length.${language}`,
      metric: `counselor utterance length, ${language} (${unit}, per session mean)`,
      unit: "session",
      comparison: bySession(
        stats,
        own((s) => perUtterance(s.counselor_length, s.counselor_utterances)),
      ),
    });
  }
  const datasets = sides.map((side) => ({
    name: side.name,
    file: side.file,
    stats: datasetStats(side.stats),
    by_language: statsByLanguage(side.stats),
  })) as [ComparedDataset, ComparedDataset];

  if (a.wai && b.wai) {
    const wai: [WaiSessionScores[], WaiSessionScores[]] = [a.wai, b.wai];
    datasets[0].wai = waiAggregates(a.wai);
    datasets[1].wai = waiAggregates(b.wai);
    for (const f of WAI_FACTORS)
      metrics.push({
        key: `wai.${f}`,
        metric: `WAI ${f}`,
        unit: "session",
        comparison: bySession(wai, (s) => s.factors[f]),
      });
    metrics.push({
      key: "wai.all_items",
      metric: "WAI all items",
      unit: "session",
      comparison: bySession(wai, (s) => s.total),
    });
  }

  if (a.topics && b.topics && topicAggregatesOf) {
    const [ta, tb] = [topicAggregatesOf(a.topics), topicAggregatesOf(b.topics)];
    datasets[0].topics = ta;
    datasets[1].topics = tb;
    // Rounds of two datasets are independent draws, not pairs: a paired request tests them with Welch.
    for (const kind of ["limited", "unlimited"] as const) {
      const key = `entropy_${kind}` as const;
      metrics.push({
        key: `topics.${key}`,
        metric: `topic entropy, ${kind} (bits)`,
        unit: "round",
        comparison: compareGroups(
          ta.rounds.map((r) => r[key]),
          tb.rounds.map((r) => r[key]),
          test === "paired" ? "welch" : test,
        ),
      });
    }
  }

  if (a.stages && b.stages) {
    datasets[0].stages = datasetStages(a.stages);
    datasets[1].stages = datasetStages(b.stages);
    rows([a.stages, b.stages], STAGE_SESSION_MEASURES);
  }

  if (a.safety && b.safety) {
    datasets[0].safety = datasetSafety(a.safety);
    datasets[1].safety = datasetSafety(b.safety);
    rows([a.safety, b.safety], safetySessionMeasures(repliesJudged([...a.safety, ...b.safety])));
  }
  return {
    datasets,
    metrics,
    ...(pairs && { pairs: pairs.length }),
    languages: [...shared],
  };
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
