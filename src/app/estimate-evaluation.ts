import type { Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import { loadTemplate, type TemplateOptions } from "../prompts/template.js";
import { WAI_ITEMS } from "../evaluation/wai/wai-items.js";
import {
  WAI_DEFAULTS,
  waiBatchPrompt,
  waiItemPrompt,
  type WaiMode,
} from "../evaluation/wai/wai-rating.js";
import type { Topic } from "../evaluation/topics/smile-topics.js";
import { defaultTopics, formatTopicList } from "../evaluation/topics/topic-list.js";
import { TOPIC_DEFAULTS, topicsPrompt } from "../evaluation/topics/topic-diversity.js";
import {
  turnLabelPrompt,
  turnLabelTemplates,
  type TurnLabelSpec,
} from "../evaluation/judges/turn-labels.js";
import { estimateTokens, type EstimatedModel, type RunEstimate } from "./estimate-run.js";

/**
 * What a judge is assumed to answer (documented in docs/models.md). The prompts are the
 * real ones, rendered from the dialogues; only the answers and re-asks are assumed.
 */
export const JUDGE_ESTIMATE_ASSUMPTIONS = {
  /** A per-item WAI answer: one score, maybe a short reason. */
  waiItemReplyTokens: 10,
  /** A batched WAI answer: twelve scores as JSON. */
  waiBatchedReplyTokens: 100,
  /** A topic answer: a JSON list of a few labels. */
  topicsReplyTokens: 40,
  /** One turn's entry in a per-turn judge's answer (`{"turn": 4, "stage": "insight", "skills": [...]}`, or a safety entry with its three steps). */
  turnLabelReplyTokens: 25,
};

/** Every call is asked once: re-asks of unparsed answers (up to `max_attempts`) are not counted. */
function addPrompts(
  estimate: RunEstimate,
  judge: EstimatedModel,
  role: string,
  prompts: Iterable<string>,
  replyTokens: number,
  times: number,
): void {
  let calls = 0;
  let tokens = 0;
  for (const prompt of prompts) {
    calls++;
    tokens += estimateTokens(prompt);
  }
  estimate.add(judge, role, calls * times, tokens * times, calls * times * replyTokens);
}

function templatesByLanguage(
  name: string,
  dialogues: readonly Dialogue[],
  templates: TemplateOptions | undefined,
) {
  const byLanguage = new Map<Language, ReturnType<typeof loadTemplate>>();
  for (const d of dialogues)
    if (!byLanguage.has(d.language))
      byLanguage.set(d.language, loadTemplate(name, d.language, templates));
  return byLanguage;
}

/** `eval wai`: one call per session, round and item (per-item) or per session and round (batched). */
export function addWaiEstimate(
  estimate: RunEstimate,
  judge: EstimatedModel,
  dialogues: readonly Dialogue[],
  options: { mode?: WaiMode; rounds?: number; templates?: TemplateOptions },
): void {
  const mode = options.mode ?? WAI_DEFAULTS.mode;
  const rounds = options.rounds ?? WAI_DEFAULTS.rounds;
  const templates = templatesByLanguage(
    mode === "per-item" ? "wai-item" : "wai-batched",
    dialogues,
    options.templates,
  );
  function* prompts(): Generator<string> {
    for (const d of dialogues) {
      const template = templates.get(d.language)!;
      if (mode === "batched") yield waiBatchPrompt(template, d);
      else for (const item of WAI_ITEMS) yield waiItemPrompt(template, d, item);
    }
  }
  const a = JUDGE_ESTIMATE_ASSUMPTIONS;
  addPrompts(
    estimate,
    judge,
    "wai judge",
    prompts(),
    mode === "batched" ? a.waiBatchedReplyTokens : a.waiItemReplyTokens,
    rounds,
  );
}

/** `eval topics`: one labelling call per session and round. */
export function addTopicsEstimate(
  estimate: RunEstimate,
  judge: EstimatedModel,
  dialogues: readonly Dialogue[],
  options: { rounds?: number; templates?: TemplateOptions; topics?: readonly Topic[] },
): void {
  const topics = options.topics ?? defaultTopics();
  const templates = templatesByLanguage("topics", dialogues, options.templates);
  const lists = new Map([...templates.keys()].map((l) => [l, formatTopicList(topics, l)]));
  addPrompts(
    estimate,
    judge,
    "topics judge",
    dialogues.map((d) => topicsPrompt(templates.get(d.language)!, d, lists.get(d.language)!)),
    JUDGE_ESTIMATE_ASSUMPTIONS.topicsReplyTokens,
    options.rounds ?? TOPIC_DEFAULTS.rounds,
  );
}

/** `eval fidelity` with an embedding model: the texts, `batchSize` to a request. */
export function addEmbeddingEstimate(
  estimate: RunEstimate,
  model: EstimatedModel,
  texts: readonly string[],
  batchSize: number,
): void {
  let tokens = 0;
  for (const text of texts) tokens += estimateTokens(text);
  estimate.add(model, "embeddings", Math.ceil(texts.length / batchSize), tokens, 0);
}

/**
 * `eval stages|safety` with an LLM judge: one call per session and round that has turns to
 * label, with the prompt `labelTurns` sends; the answer is assumed to be one entry per turn.
 */
export function addTurnLabelEstimate<L>(
  estimate: RunEstimate,
  judge: EstimatedModel,
  role: string,
  dialogues: readonly Dialogue[],
  spec: TurnLabelSpec<L>,
  options: { rounds: number; templates?: TemplateOptions },
): void {
  const templates = turnLabelTemplates(spec, dialogues, options.templates);
  let calls = 0;
  let prompt = 0;
  let reply = 0;
  for (const d of dialogues) {
    const turns = spec.turns(d);
    const content = turnLabelPrompt(spec, templates, d, turns);
    if (content === undefined) continue;
    calls++;
    prompt += estimateTokens(content);
    reply += turns.length * JUDGE_ESTIMATE_ASSUMPTIONS.turnLabelReplyTokens;
  }
  const r = options.rounds;
  estimate.add(judge, role, calls * r, prompt * r, reply * r);
}
