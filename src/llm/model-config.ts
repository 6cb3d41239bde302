import { z } from "zod";
import { LlamaCppModelConfigSchema } from "./providers/llama-cpp-options.js";

const HttpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });
const EnvName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "expected the name of an environment variable, e.g. VLLM_API_KEY (never the key itself)",
  );

const Sampling = {
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.int().min(1).optional(),
  seed: z.int().optional(),
};

export const PriceSchema = z.strictObject({
  prompt_per_million: z.number().nonnegative(),
  completion_per_million: z.number().nonnegative(),
});

/** Settings every remote provider shares: how calls are bounded, retried, limited and priced. */
const Remote = {
  ...Sampling,
  timeout_ms: z.int().min(1).optional(),
  max_attempts: z.int().min(1).max(20).optional(),
  /** Calls in a row failing at the endpoint (after retries) before the run stops; default 8. */
  max_consecutive_failures: z.int().min(1).optional(),
  max_concurrency: z.int().min(1).optional(),
  requests_per_minute: z.int().min(1).optional(),
  price: PriceSchema.optional(),
  /** Price of batch requests (wave mode); default half of `price` for OpenAI, `price` elsewhere. */
  batch_price: PriceSchema.optional(),
};

const OpenAIFamily = {
  ...Remote,
  model: z.string().min(1),
  stream: z.boolean().optional(),
  balance: z.enum(["round-robin", "least-in-flight"]).optional(),
};

export const OpenAIModelConfigSchema = z.strictObject({
  provider: z.literal("openai"),
  ...OpenAIFamily,
  base_url: HttpUrl.optional(),
  api_key_env: EnvName.optional(),
});

export const OpenAICompatibleModelConfigSchema = z.strictObject({
  provider: z.literal("openai-compatible"),
  ...OpenAIFamily,
  base_url: z.union([HttpUrl, z.array(HttpUrl).min(1)]),
  api_key_env: EnvName.optional(),
});

export const OllamaModelConfigSchema = z.strictObject({
  provider: z.literal("ollama"),
  ...OpenAIFamily,
  base_url: z.union([HttpUrl, z.array(HttpUrl).min(1)]).optional(),
});

export const HttpBotModelConfigSchema = z.strictObject({
  provider: z.literal("http-bot"),
  ...Remote,
  url: HttpUrl,
  api_key_env: EnvName.optional(),
});

export const BaselineModelConfigSchema = z.strictObject({ provider: z.literal("baseline") });

/** One entry of `models:` as an object. */
export const ModelConfigSchema = z.discriminatedUnion("provider", [
  OpenAIModelConfigSchema,
  OpenAICompatibleModelConfigSchema,
  OllamaModelConfigSchema,
  HttpBotModelConfigSchema,
  LlamaCppModelConfigSchema,
  BaselineModelConfigSchema,
]);
export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type ModelProvider = ModelConfig["provider"];

/** A model as the user may write it in YAML: a spec string (`ollama:qwen2.5:7b`, or another entry's name) or an object. */
export const ModelEntrySchema = z.union([z.string().min(1), ModelConfigSchema]);
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
