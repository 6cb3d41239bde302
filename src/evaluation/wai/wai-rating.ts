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
import { transcript } from "../text/session-text.js";
import { WAI_ITEMS, waiGuideline, type WaiItem } from "./wai-items.js";
import {
  waiAggregates,
  waiSessionScores,
  type WaiAggregates,
  type WaiRating,
  type WaiSessionScores,
} from "./wai-scores.js";
import { parseWaiBatch, parseWaiScore, type ScoreParse } from "./wai-score-parser.js";

export type WaiMode = "per-item" | "batched";

export interface WaiOptions extends JudgeRunOptions {
  /** `per-item`: one call per item with its guideline, as the paper (Figure 11); `batched`: all twelve in one structured call. */
  mode?: WaiMode;
}

export type WaiEvaluation = JudgeEvaluation<WaiSessionScores, WaiAggregates>;

export const WAI_DEFAULTS = {
  mode: "per-item" as WaiMode,
  rounds: 3,
  maxAttempts: 3,
  concurrency: 8,
  seed: 1,
};

const BATCH_SCHEMA = {
  name: "wai_o_s_scores",
  schema: {
    type: "object",
    properties: Object.fromEntries(
      WAI_ITEMS.map((i) => [`item_${i.number}`, { type: "integer", minimum: 1, maximum: 7 }]),
    ),
    required: WAI_ITEMS.map((i) => `item_${i.number}`),
    additionalProperties: false,
  },
};

function itemBlock(item: WaiItem, language: Language): string {
  return `item_${item.number}: ${item.text[language]}\n${waiGuideline(item, language)}`;
}

/** The per-item prompt (Figure 11) for one session and item, as sent and as `--dry-run` counts it. */
export function waiItemPrompt(template: PromptTemplate, dialogue: Dialogue, item: WaiItem): string {
  return renderTemplate(template, {
    conversation: transcript(dialogue),
    questionnaire: item.text[dialogue.language],
    guidelines: waiGuideline(item, dialogue.language),
  });
}

/** The batched prompt, all twelve items in one call. */
export function waiBatchPrompt(template: PromptTemplate, dialogue: Dialogue): string {
  return renderTemplate(template, {
    conversation: transcript(dialogue),
    items: WAI_ITEMS.map((i) => itemBlock(i, dialogue.language)).join("\n\n"),
  });
}

/**
 * WAI-O-S with an LLM observer (paper §4.2.1): every session rated on the twelve items in
 * `rounds` independent rounds; unparseable answers are asked again with a new sample key,
 * then recorded as missing — never guessed.
 */
export async function evaluateWai(
  dialogues: readonly Dialogue[],
  options: WaiOptions,
): Promise<WaiEvaluation> {
  const mode = options.mode ?? WAI_DEFAULTS.mode;
  const rounds = options.rounds ?? WAI_DEFAULTS.rounds;
  const maxAttempts = options.maxAttempts ?? WAI_DEFAULTS.maxAttempts;
  const seed = options.seed ?? WAI_DEFAULTS.seed;
  const templateName = mode === "per-item" ? "wai-item" : "wai-batched";
  const templates = new Map<Language, PromptTemplate>();
  for (const d of dialogues)
    if (!templates.has(d.language))
      templates.set(d.language, loadTemplate(templateName, d.language, options.templates));
  const context: JudgeContext = {
    model: options.judge,
    sampling: options.sampling ?? {},
    seed,
    usage: emptyUsage(),
  };

  const ratings: WaiRating[][] = dialogues.map(() => []);
  const perSession = mode === "per-item" ? rounds * WAI_ITEMS.length : rounds;
  const total = dialogues.length * perSession;
  let done = 0;
  options.onProgress?.(0, total);
  // Every result is needed, so any failure ends the pass (no per-task handler).
  await runWorkerPool(
    total,
    { concurrency: options.concurrency ?? WAI_DEFAULTS.concurrency },
    async (index) => {
      const s = Math.floor(index / perSession);
      const k = index % perSession;
      const dialogue = dialogues[s]!;
      const template = templates.get(dialogue.language)!;
      if (mode === "per-item") {
        const round = Math.floor(k / WAI_ITEMS.length) + 1;
        ratings[s]!.push(
          await rateItem(
            context,
            template,
            dialogue,
            WAI_ITEMS[k % WAI_ITEMS.length]!,
            round,
            maxAttempts,
          ),
        );
      } else {
        ratings[s]!.push(...(await rateBatch(context, template, dialogue, k + 1, maxAttempts)));
      }
      options.onProgress?.(++done, total);
    },
  );

  const sessions = dialogues.map((d, s) =>
    waiSessionScores(
      d.id,
      ratings[s]!.sort((a, b) => a.round - b.round || a.item - b.item),
    ),
  );
  return {
    settings: {
      judge: options.judge.id,
      judge_baseline: options.judge.isBaseline === true,
      mode,
      rounds,
      max_attempts: maxAttempts,
      seed,
      sampling: options.sampling ?? {},
      prompts: Object.fromEntries([...templates].map(([lang, t]) => [lang, promptRef(t)])),
      reverse_keyed_items: WAI_ITEMS.filter((i) => i.reversed).map((i) => i.number),
      scoring:
        "items 4 and 10 reversed as 8 - x; rounds averaged per item; factor = mean of its available items; missing ratings left out, never imputed",
      sd: "sample standard deviation (n - 1)",
    },
    sessions,
    aggregates: waiAggregates(sessions),
    usage: context.usage,
    ...judgeWarnings(context),
  };
}

async function rateItem(
  context: JudgeContext,
  template: PromptTemplate,
  dialogue: Dialogue,
  item: WaiItem,
  round: number,
  maxAttempts: number,
): Promise<WaiRating> {
  const content = waiItemPrompt(template, dialogue, item);
  let parsed: ScoreParse = { error: "not asked" };
  let attempt = 0;
  while (attempt < maxAttempts) {
    attempt++;
    const answer = await callJudge(context, {
      messages: [{ role: "user", content }],
      sampleKey: `${dialogue.id}/wai/round-${round}/item-${item.number}/attempt-${attempt}`,
      task: {
        kind: "wai",
        language: dialogue.language,
        detail: {
          mode: "per-item",
          item: item.number,
          statement: item.text[dialogue.language],
          round,
          session_text: transcript(dialogue),
        },
      },
    });
    parsed = parseWaiScore(answer);
    if ("score" in parsed)
      return { item: item.number, round, raw: parsed.score, attempts: attempt };
  }
  return {
    item: item.number,
    round,
    raw: null,
    attempts: attempt,
    error: (parsed as { error: string }).error,
  };
}

/** All twelve items in one call; items the answer lacks are asked again, and each keeps the first valid score it got. */
async function rateBatch(
  context: JudgeContext,
  template: PromptTemplate,
  dialogue: Dialogue,
  round: number,
  maxAttempts: number,
): Promise<WaiRating[]> {
  const content = waiBatchPrompt(template, dialogue);
  const result = new Map<number, WaiRating>();
  const pending = () => WAI_ITEMS.map((i) => i.number).filter((n) => result.get(n)?.raw == null);
  for (let attempt = 1; attempt <= maxAttempts && pending().length > 0; attempt++) {
    const answer = await callJudge(context, {
      messages: [{ role: "user", content }],
      sampleKey: `${dialogue.id}/wai-batched/round-${round}/attempt-${attempt}`,
      jsonSchema: BATCH_SCHEMA,
      task: {
        kind: "wai",
        language: dialogue.language,
        detail: {
          mode: "batched",
          items: WAI_ITEMS.map((i) => i.number),
          round,
          session_text: transcript(dialogue),
        },
      },
    });
    for (const [n, parsed] of parseWaiBatch(answer, pending())) {
      result.set(
        n,
        "score" in parsed
          ? { item: n, round, raw: parsed.score, attempts: attempt }
          : { item: n, round, raw: null, attempts: attempt, error: parsed.error },
      );
    }
  }
  return WAI_ITEMS.map((i) => result.get(i.number)!);
}
