import { deriveSeed } from "../../core/random.js";
import { addUsage, type Usage } from "../../core/usage.js";
import type { ChatModel, ChatRequest, SamplingParams } from "../../llm/chat-model.js";
import type { TemplateOptions } from "../../prompts/template.js";

/** What every judge call shares: the model, its sampling, the run seed, and where usage adds up. */
/** How an LLM-judged evaluation (topics, WAI) runs its judge. */
export interface JudgeRunOptions {
  judge: ChatModel;
  /** Independent rounds; default 3 (paper §4.1, §4.2.1). */
  rounds?: number;
  /** Calls per rating before it is recorded as missing; default 3. */
  maxAttempts?: number;
  /** Judge calls in flight; default 8. */
  concurrency?: number;
  seed?: number;
  sampling?: SamplingParams;
  templates?: TemplateOptions;
  onProgress?: (done: number, total: number) => void;
}

/** What an LLM-judged evaluation returns: its settings, per-session values, aggregates and spend. */
export interface JudgeEvaluation<Session, Aggregates> {
  settings: Record<string, unknown>;
  sessions: Session[];
  aggregates: Aggregates;
  usage: Usage;
  /** What the judge could not honour (a JSON schema a local model ran without); absent when none. */
  warnings?: string[];
}

export interface JudgeContext {
  model: ChatModel;
  sampling: SamplingParams;
  seed: number;
  usage: Usage;
  signal?: AbortSignal;
  /** Collected once each, for the evaluation's `warnings`. */
  warnings?: Set<string>;
}

/**
 * One judge call. The sample key (e.g. `d1/wai/round-2/item-4/attempt-1`) names the call in
 * the cache, so each round and each retry is its own sample, and a rerun replays them all.
 */
export async function callJudge(
  context: JudgeContext,
  request: Omit<ChatRequest, "params" | "signal">,
): Promise<string> {
  const response = await context.model.complete({
    ...request,
    params: {
      ...context.sampling,
      seed: context.sampling.seed ?? deriveSeed(context.seed, request.sampleKey),
    },
    ...(context.signal ? { signal: context.signal } : {}),
  });
  addUsage(context.usage, response.usage);
  if (response.schemaNotEnforced !== undefined && request.jsonSchema)
    (context.warnings ??= new Set()).add(
      `${context.model.id}: the JSON schema "${request.jsonSchema.name}" was not enforced (${response.schemaNotEnforced}); replies were parsed strictly`,
    );
  return response.content;
}

/** The evaluation's `warnings` field, present only when there is something to say. */
export function judgeWarnings(context: JudgeContext): { warnings?: string[] } {
  return context.warnings?.size ? { warnings: [...context.warnings] } : {};
}
