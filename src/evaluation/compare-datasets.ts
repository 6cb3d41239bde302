import { T_TEST_NAMES, type TTestKind } from "./statistics/t-test.js";
import { sessionStats, type SessionStats } from "./dialogue-stats/dialogue-stats.js";
import type { Dialogue } from "../core/dialogue.js";
import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import {
  evaluationResult,
  fileRef,
  type EvaluationResult,
  type GroupResult,
  type InputFileRef,
} from "./evaluation-result.js";
import { readDialogueFile } from "./dataset/read-dialogue-file.js";
import { topicAggregates, type TopicSession } from "./topics/topic-distribution.js";
import { evaluateTopics, TOPIC_DEFAULTS, type TopicOptions } from "./topics/topic-diversity.js";
import { defaultTopics, readTopicList } from "./topics/topic-list.js";
import { evaluateWai, type WaiOptions } from "./wai/wai-rating.js";
import type { WaiSessionScores } from "./wai/wai-scores.js";
import { addUsage, emptyUsage, type Usage, type UsageByRole } from "../core/usage.js";
import { evaluateStages, type SessionStages, type StagesOptions } from "./stages/stages-report.js";
import { evaluateSafety, type SafetyOptions, type SessionSafety } from "./safety/safety-report.js";
import { groupDialogues, type DialogueGrouping } from "./dialogue-stats/group-dialogues.js";
import {
  compareSides,
  sliceSide,
  type ComparedDataset,
  type ComparedSide,
  type MetricComparison,
  type SideComparison,
} from "./compare-sides.js";

export type { ComparedDataset, MetricComparison } from "./compare-sides.js";

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
  /** Label Hill's stages in both datasets (same judge; no judge = the rule-based baseline). */
  stages?: StagesOptions;
  /** The safety check on both datasets (same judge, window and resources; no judge = the lexicon and cue rules). */
  safety?: Omit<SafetyOptions, "shard">;
  /** `--by`: also compare A and B within each value of a card field or of `session_index`. */
  grouping?: DialogueGrouping;
}

export interface CompareSessions {
  stats: [SessionStats[], SessionStats[]];
  wai?: [WaiSessionScores[], WaiSessionScores[]];
  topics?: [TopicSession[], TopicSession[]];
  stages?: [SessionStages[], SessionStages[]];
  safety?: [SessionSafety[], SessionSafety[]];
}

export type CompareAggregates = {
  datasets: [ComparedDataset, ComparedDataset];
  metrics: MetricComparison[];
};

export type CompareResult = EvaluationResult<CompareSessions, CompareAggregates>;

/** Both files' per-session values after their judges ran once, with the settings and cost. */
interface Evaluated {
  sides: ComparedSide[];
  settings: Record<string, unknown>;
  usage: UsageByRole;
  topicAggregatesOf?: (sessions: TopicSession[]) => ReturnType<typeof topicAggregates>;
}

async function evaluateFiles(
  dialogues: Dialogue[][],
  files: readonly string[],
  names: readonly string[],
  options: CompareOptions,
  inputs: InputFileRef[],
): Promise<Evaluated> {
  const sides: ComparedSide[] = dialogues.map((ds, i) => ({
    name: names[i]!,
    file: files[i]!,
    dialogues: ds,
    stats: ds.map(sessionStats),
  }));
  const settings: Record<string, unknown> = {};
  const usage: UsageByRole = {};
  /** What a judge could not honour on either dataset (a JSON schema a local model ran without), kept with its settings. */
  const withWarnings = (judged: Record<string, unknown>, results: { warnings?: string[] }[]) => {
    const warnings = [...new Set(results.flatMap((r) => r.warnings ?? []))];
    return warnings.length > 0 ? { ...judged, warnings } : judged;
  };
  let topicAggregatesOf: Evaluated["topicAggregatesOf"];
  if (options.wai) {
    const results = [];
    for (const ds of dialogues) results.push(await evaluateWai(ds, options.wai));
    results.forEach((r, i) => (sides[i]!.wai = r.sessions));
    settings["wai"] = withWarnings(results[0]!.settings, results);
    // A rule-based judge spends no tokens; counting its calls as model usage would mislead.
    if (!options.wai.judge.isBaseline)
      usage["wai-judge"] = results.reduce((u, r) => addUsage(u, r.usage), emptyUsage());
  }
  if (options.topics) {
    const { topicsFile, ...rest } = options.topics;
    const topics = topicsFile ? await readTopicList(topicsFile) : undefined;
    if (topicsFile) inputs.push(fileRef("topics", topicsFile, topics!.length));
    const topicOptions = { ...rest, ...(topics && { topics, topicSource: topicsFile! }) };
    const results = [];
    for (const ds of dialogues) results.push(await evaluateTopics(ds, topicOptions));
    results.forEach((r, i) => (sides[i]!.topics = r.sessions));
    settings["topics"] = withWarnings(
      { ...results[0]!.settings, languages: results.map((r) => r.settings["languages"]) },
      results,
    );
    if (!options.topics.judge.isBaseline)
      usage["topics-judge"] = results.reduce((u, r) => addUsage(u, r.usage), emptyUsage());
    const list = topics ?? defaultTopics();
    const rounds = rest.rounds ?? TOPIC_DEFAULTS.rounds;
    topicAggregatesOf = (sessions) => topicAggregates(sessions, list, rounds);
  }
  /** A per-turn judge's run on each dataset in turn; the baseline rules spend no tokens, so record no usage. */
  const eachDataset = async <
    R extends { settings: Record<string, unknown>; usage?: Usage; warnings?: string[] },
  >(
    kind: "stages" | "safety",
    evaluate: (ds: Dialogue[]) => Promise<R>,
  ): Promise<R[]> => {
    const results: R[] = [];
    for (const ds of dialogues) results.push(await evaluate(ds));
    settings[kind] = withWarnings(results[0]!.settings, results);
    if (results.every((r) => r.usage))
      usage[`${kind}-judge`] = results.reduce((u, r) => addUsage(u, r.usage!), emptyUsage());
    return results;
  };
  if (options.stages) {
    const results = await eachDataset("stages", (ds) => evaluateStages(ds, options.stages));
    results.forEach((r, i) => (sides[i]!.stages = r.sessions));
  }
  if (options.safety) {
    const results = await eachDataset("safety", (ds) => evaluateSafety(ds, options.safety));
    results.forEach((r, i) => (sides[i]!.safety = r.sessions));
  }
  return { sides, settings, usage, ...(topicAggregatesOf && { topicAggregatesOf }) };
}

function comparisonSettings(
  whole: SideComparison,
  sides: readonly ComparedSide[],
  test: TTestKind,
): Record<string, unknown> {
  const all = new Set(sides.flatMap((s) => s.stats.map((x) => x.language)));
  const notCompared = [...all].filter((l) => !whole.languages.includes(l as Language));
  return {
    effect_size: "Cohen's d with pooled sample sd, A minus B",
    test: T_TEST_NAMES[test],
    ...(whole.pairs !== undefined && {
      pairing: `sessions matched by role_card_id: ${whole.pairs} pairs`,
    }),
    lengths: "compared within each language present in both datasets (zh characters, en words)",
    ...(notCompared.length > 0 && { languages_not_compared: notCompared }),
    sd: "sample standard deviation (n - 1)",
  };
}

function resultOf(
  evaluated: Evaluated,
  pair: [ComparedSide, ComparedSide],
  test: TTestKind,
  inputs: InputFileRef[],
  extra: { settings?: Record<string, unknown>; by_group?: GroupResult<CompareAggregates>[] },
): CompareResult {
  const whole = compareSides(pair, test, evaluated.topicAggregatesOf);
  const sessions: CompareSessions = {
    stats: [pair[0].stats, pair[1].stats],
    ...(pair[0].wai && pair[1].wai && { wai: [pair[0].wai, pair[1].wai] }),
    ...(pair[0].topics && pair[1].topics && { topics: [pair[0].topics, pair[1].topics] }),
    ...(pair[0].stages && pair[1].stages && { stages: [pair[0].stages, pair[1].stages] }),
    ...(pair[0].safety && pair[1].safety && { safety: [pair[0].safety, pair[1].safety] }),
  };
  return evaluationResult("compare", {
    inputs,
    settings: {
      ...comparisonSettings(whole, pair, test),
      ...evaluated.settings,
      ...extra.settings,
    },
    sessions,
    aggregates: { datasets: whole.datasets, metrics: whole.metrics },
    ...(extra.by_group && { by_group: extra.by_group }),
    ...(Object.keys(evaluated.usage).length > 0 && { usage: evaluated.usage }),
  });
}

const groupEntry = (
  field: string,
  value: string,
  pair: [ComparedSide, ComparedSide],
  comparison: SideComparison,
): GroupResult<CompareAggregates> => ({
  field,
  value,
  sessions: pair[0].dialogues.length + pair[1].dialogues.length,
  dialogue_ids: [...pair[0].dialogues, ...pair[1].dialogues].map((d) => d.id),
  aggregates: { datasets: comparison.datasets, metrics: comparison.metrics },
});

const idsOf = (ds: readonly Dialogue[]) => new Set(ds.map((d) => d.id));

/**
 * `psysim compare`: two datasets side by side — Table 1, and for every metric computed
 * (session shape; WAI factors; topic entropy over rounds; Hill-stage process measures; client
 * risk, protocol adherence and unsafe replies) mean, sd, n, the chosen two-tailed
 * p and Cohen's d (A minus B). The paper's Figure 4 and topic comparison as a table.
 * Utterance lengths are compared per language, never across zh characters and en words.
 * With `grouping`, also A against B within each value present in both (judges run once).
 */
export async function compareDatasets(
  files: [string, string],
  names: [string, string],
  options: CompareOptions = {},
): Promise<CompareResult> {
  const dialogues = await Promise.all(files.map((f) => readDialogueFile(f)));
  const groups = options.grouping
    ? dialogues.map((ds, i) => groupDialogues(ds, options.grouping!, files[i]!))
    : undefined;
  const inputs = files.map((f, i) =>
    fileRef(`dialogues-${i === 0 ? "a" : "b"}`, f, dialogues[i]!.length),
  );
  const test = options.test ?? "welch";
  const evaluated = await evaluateFiles(dialogues, files, names, options, inputs);
  const [a, b] = evaluated.sides as [ComparedSide, ComparedSide];
  const byGroup = groups?.[0]!.flatMap((ga) => {
    const gb = groups[1]!.find((g) => g.value === ga.value);
    if (!gb) return [];
    const pair: [ComparedSide, ComparedSide] = [
      sliceSide(a, idsOf(ga.dialogues), a.name),
      sliceSide(b, idsOf(gb.dialogues), b.name),
    ];
    const field = options.grouping!.by;
    return [
      groupEntry(field, ga.value, pair, compareSides(pair, test, evaluated.topicAggregatesOf)),
    ];
  });
  return resultOf(evaluated, [a, b], test, inputs, {
    ...(byGroup && {
      settings: { by: options.grouping!.by, groups: "A against B within each value found in both" },
      by_group: byGroup,
    }),
  });
}

/**
 * `psysim compare FILE --by FIELD`: the groups of one file against a reference group (the
 * first in the field's order — unset, plain, low, session 1 — or `reference`). The top-level
 * comparison is the reference against all other sessions; `by_group` has one per other value.
 * The judges rate every session once.
 */
export async function compareWithinFile(
  file: string,
  options: CompareOptions & { grouping: DialogueGrouping; reference?: string },
): Promise<CompareResult> {
  const dialogues = await readDialogueFile(file);
  const field = options.grouping.by;
  const groups = groupDialogues(dialogues, options.grouping, file);
  const reference = options.reference ?? groups[0]?.value;
  const ref = groups.find((g) => g.value === reference);
  if (!ref || groups.length < 2)
    throw new PsysimError(
      "INPUT_INVALID",
      `${file}: --by ${field} ${!ref ? `has no group "${reference}" (groups: ${groups.map((g) => g.value).join(", ")})` : `finds one group only ("${reference}")`}; a comparison needs the reference and at least one other`,
    );
  const inputs = [fileRef("dialogues", file, dialogues.length)];
  const test = options.test ?? "welch";
  const evaluated = await evaluateFiles([dialogues], [file], [file], options, inputs);
  const side = evaluated.sides[0]!;
  const refIds = idsOf(ref.dialogues);
  const refSide = sliceSide(side, refIds, `${field}=${ref.value}`);
  const others = groups.filter((g) => g !== ref);
  const byGroup = others.map((g) => {
    const pair: [ComparedSide, ComparedSide] = [
      refSide,
      sliceSide(side, idsOf(g.dialogues), `${field}=${g.value}`),
    ];
    return groupEntry(field, g.value, pair, compareSides(pair, test, evaluated.topicAggregatesOf));
  });
  const rest = sliceSide(
    side,
    new Set(dialogues.filter((d) => !refIds.has(d.id)).map((d) => d.id)),
    `${field}≠${ref.value}`,
  );
  // Several later groups repeat a card (a series): the pooled rest cannot pair, so it is Welch.
  const pooledTest = test === "paired" && others.length > 1 ? "welch" : test;
  return resultOf(evaluated, [refSide, rest], pooledTest, inputs, {
    settings: {
      by: field,
      by_group_test: T_TEST_NAMES[test],
      reference: ref.value,
      groups: "the reference group (A) against each other group (B); top level: against all others",
    },
    by_group: byGroup,
  });
}
