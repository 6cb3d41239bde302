import type { ModelConfig } from "../model-config.js";
import type { Price } from "../usage-meter.js";

/** OpenAI bills Batch API requests at half the synchronous price (checked 2026-12-02). */
export const OPENAI_BATCH_FACTOR = 0.5;

/**
 * What a batch request of this model costs per million tokens: `batch_price` when set, else
 * half of `price` for the OpenAI provider, else `price` (a self-hosted vLLM fleet costs the
 * same per token however it is fed). Local models and the baseline cost nothing.
 */
export function batchPriceOf(config: ModelConfig): Price | undefined {
  if (config.provider === "baseline" || config.provider === "llama-cpp")
    return { prompt_per_million: 0, completion_per_million: 0 };
  if (config.batch_price) return config.batch_price;
  if (!config.price || config.provider !== "openai") return config.price;
  return {
    prompt_per_million: config.price.prompt_per_million * OPENAI_BATCH_FACTOR,
    completion_per_million: config.price.completion_per_million * OPENAI_BATCH_FACTOR,
  };
}
