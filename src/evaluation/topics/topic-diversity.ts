import type { Dialogue } from "../../core/dialogue.js";
import type { Language } from "../../core/language.js";
import { emptyUsage } from "../../core/usage.js";
import {
  loadTemplate,
  promptRef,
  renderTemplate,
  type PromptTemplate,
} from "../../prompts/template.js";
import {
  callJudge,
  judgeWarnings,
  type JudgeContext,
  type JudgeEvaluation,
  type JudgeRunOptions,
} from "../judges/judge-call.js";
import { runWorkerPool } from "../../core/worker-pool.js";
import { clientText } from "../text/session-text.js";
import type { Topic } from "./smile-topics.js";
import {
  topicAggregates,
  type TopicAggregates,
  type TopicRoundLabels,
  type TopicSession,
} from "./topic-distribution.js";
import { parseTopicLabels, type TopicLabelsParse } from "./topic-labels-parser.js";
import { defaultTopics, formatTopicList } from "./topic-list.js";

export interface TopicOptions extends JudgeRunOptions {
  /** Default: the 56 SMILE topics with psysim's Chinese names. */
  topics?: readonly Topic[];
  /** Where the topic list came from, recorded in the output. */
  topicSource?: string;
}

export type TopicEvaluation = JudgeEvaluation<TopicSession, TopicAggregates>;

export const TOPIC_DEFAULTS = { rounds: 3, maxAttempts: 3, concurrency: 8, seed: 1 };

const LABELS_SCHEMA = {
  name: "topic_labels",
  schema: {
    type: "object",
    properties: { topics: { type: "array", items: { type: "string" }, minItems: 1 } },
    required: ["topics"],
    additionalProperties: false,
  },
};

/** The labelling prompt for one session, given its language's formatted topic list. */
export function topicsPrompt(
  template: PromptTemplate,
  dialogue: Dialogue,
  topicList: string,
): string {
  return renderTemplate(template, { client_turns: clientText(dialogue), topics: topicList });
}

/**
 * Client-topic diversity (paper §4.1, "Diversity of Clients"): a judge labels each session's
 * client turns with every fitting topic (SMILE-style, multi-label), in independent rounds;
 * the entropy of each round's label distribution is then compared over rounds.
 */
export async function evaluateTopics(
  dialogues: readonly Dialogue[],
  options: TopicOptions,
): Promise<TopicEvaluation> {
  const topics = options.topics ?? defaultTopics();
  const rounds = options.rounds ?? TOPIC_DEFAULTS.rounds;
  const maxAttempts = options.maxAttempts ?? TOPIC_DEFAULTS.maxAttempts;
  const seed = options.seed ?? TOPIC_DEFAULTS.seed;
  const templates = new Map<Language, PromptTemplate>();
  for (const d of dialogues)
    if (!templates.has(d.language))
      templates.set(d.language, loadTemplate("topics", d.language, options.templates));
  const context: JudgeContext = {
    model: options.judge,
    sampling: options.sampling ?? {},
    seed,
    usage: emptyUsage(),
  };
  const lists = new Map<Language, string>(
    [...templates.keys()].map((l) => [l, formatTopicList(topics, l)]),
  );

  const sessions: TopicSession[] = dialogues.map((d) => ({ dialogue_id: d.id, rounds: [] }));
  const total = dialogues.length * rounds;
  let done = 0;
  options.onProgress?.(0, total);
  // Every result is needed, so any failure ends the pass (no per-task handler).
  await runWorkerPool(
    total,
    { concurrency: options.concurrency ?? TOPIC_DEFAULTS.concurrency },
    async (index) => {
      const s = Math.floor(index / rounds);
      const round = (index % rounds) + 1;
      const dialogue = dialogues[s]!;
      const content = topicsPrompt(
        templates.get(dialogue.language)!,
        dialogue,
        lists.get(dialogue.language)!,
      );
      sessions[s]!.rounds.push(
        await labelSession(context, dialogue, content, round, maxAttempts, topics),
      );
      options.onProgress?.(++done, total);
    },
  );
  for (const s of sessions) s.rounds.sort((a, b) => a.round - b.round);

  return {
    settings: {
      judge: options.judge.id,
      judge_baseline: options.judge.isBaseline === true,
      rounds,
      languages: languageCounts(dialogues),
      max_attempts: maxAttempts,
      seed,
      sampling: options.sampling ?? {},
      topics: {
        source:
          options.topicSource ??
          "builtin: SMILE 56 topics (Qiu et al. 2024a) with psysim's Chinese names",
        count: topics.length,
      },
      prompts: Object.fromEntries([...templates].map(([lang, t]) => [lang, promptRef(t)])),
      labelling: "multi-label; each label a session gets counts once per round",
      entropy:
        "Shannon entropy in bits; limited = listed topics only, unlimited = listed and invented labels",
      sd: "sample standard deviation (n - 1) over rounds",
    },
    sessions,
    aggregates: topicAggregates(sessions, topics, rounds),
    usage: context.usage,
    ...judgeWarnings(context),
  };
}

function languageCounts(dialogues: readonly Dialogue[]): Partial<Record<Language, number>> {
  const counts: Partial<Record<Language, number>> = {};
  for (const d of dialogues) counts[d.language] = (counts[d.language] ?? 0) + 1;
  return counts;
}

async function labelSession(
  context: JudgeContext,
  dialogue: Dialogue,
  content: string,
  round: number,
  maxAttempts: number,
  topics: readonly Topic[],
): Promise<TopicRoundLabels> {
  let parsed: TopicLabelsParse = { error: "not asked" };
  let attempt = 0;
  while (attempt < maxAttempts) {
    attempt++;
    const answer = await callJudge(context, {
      messages: [{ role: "user", content }],
      sampleKey: `${dialogue.id}/topics/round-${round}/attempt-${attempt}`,
      jsonSchema: LABELS_SCHEMA,
      task: {
        kind: "topics",
        language: dialogue.language,
        detail: {
          round,
          topics: topics.map((t) => t[dialogue.language]),
          session_text: clientText(dialogue),
        },
      },
    });
    parsed = parseTopicLabels(answer, topics);
    if ("labels" in parsed) return { round, labels: parsed.labels, attempts: attempt };
  }
  return { round, labels: null, attempts: attempt, error: (parsed as { error: string }).error };
}
