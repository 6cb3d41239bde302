import type { ModelConfig, ModelProvider } from "../model-config.js";
import { UsageError } from "../../core/errors.js";
import { optionalApiKey, requireApiKey, type Env } from "../api-key.js";
import type { ChatModel, SamplingParams } from "../chat-model.js";
import { createHttpBotChatModel } from "./http-bot.js";
import { createOpenAICompatibleChatModel } from "./openai-compatible.js";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";
export const OLLAMA_BASE_URL = "http://127.0.0.1:11434/v1";

/** What a provider factory needs besides the model's own configuration. */
export interface ProviderContext {
  /** The model spec or name as the user wrote it. */
  id: string;
  /** Sampling defaults: the config's, overridden by the caller's. */
  sampling: SamplingParams;
  env: Env;
  /** Folder relative paths resolve against (the config file's folder). */
  baseDir?: string;
}

type Factory<P extends ModelProvider> = (
  config: Extract<ModelConfig, { provider: P }>,
  context: ProviderContext,
) => ChatModel | Promise<ChatModel>;

const urls = (value: string | string[] | undefined, fallback: string): string[] =>
  value === undefined ? [fallback] : Array.isArray(value) ? value : [value];

const maybe = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/**
 * One factory per provider. Heavy providers are imported on first use (`await import`),
 * so resolving an OpenAI model never loads llama.cpp.
 */
export const chatProviders: { [P in ModelProvider]: Factory<P> } = {
  openai: (c, { id, sampling, env }) => {
    const keyEnv = c.api_key_env ?? "OPENAI_API_KEY";
    return createOpenAICompatibleChatModel({
      id,
      model: c.model,
      baseUrls: [c.base_url ?? OPENAI_BASE_URL],
      apiKey: requireApiKey(env, keyEnv, id),
      keyEnv,
      sampling,
      ...maybe("timeoutMs", c.timeout_ms),
      ...maybe("stream", c.stream),
      ...maybe("balance", c.balance),
    });
  },
  // Without api_key_env no key is sent: OPENAI_API_KEY is never handed to another host.
  "openai-compatible": (c, { id, sampling, env }) =>
    createOpenAICompatibleChatModel({
      id,
      model: c.model,
      baseUrls: urls(c.base_url, ""),
      apiKey: optionalApiKey(env, c.api_key_env, id, "EMPTY"),
      sampling,
      ...maybe("keyEnv", c.api_key_env),
      ...maybe("timeoutMs", c.timeout_ms),
      ...maybe("stream", c.stream),
      ...maybe("balance", c.balance),
    }),
  ollama: (c, { id, sampling }) =>
    createOpenAICompatibleChatModel({
      id,
      model: c.model,
      baseUrls: urls(c.base_url, OLLAMA_BASE_URL),
      apiKey: "ollama",
      sampling,
      ...maybe("timeoutMs", c.timeout_ms),
      ...maybe("stream", c.stream),
      ...maybe("balance", c.balance),
    }),
  "http-bot": (c, { id, env }) =>
    createHttpBotChatModel({
      id,
      url: c.url,
      ...maybe(
        "apiKey",
        c.api_key_env === undefined ? undefined : requireApiKey(env, c.api_key_env, id),
      ),
      ...maybe("keyEnv", c.api_key_env),
      ...maybe("timeoutMs", c.timeout_ms),
    }),
  "llama-cpp": async (c, { id, sampling, baseDir }) => {
    const { createLlamaCppChatModel, llamaCppOptionsFromConfig } = await import("./llama-cpp.js");
    const options = llamaCppOptionsFromConfig(c, id, baseDir);
    return createLlamaCppChatModel({ ...options, sampling: { ...options.sampling, ...sampling } });
  },
  baseline: async () => (await import("./baseline.js")).createBaselineChatModel(),
};

/** Builds the bare provider model for a configuration (no retry, limits, cache or metering). */
export async function createProviderModel(
  config: ModelConfig,
  context: ProviderContext,
): Promise<ChatModel> {
  const factory = chatProviders[config.provider] as (
    config: ModelConfig,
    context: ProviderContext,
  ) => ChatModel | Promise<ChatModel>;
  return factory(config, context);
}

/** Where a model's batches go (wave mode): its name, first base URL and key. */
export interface BatchTarget {
  id: string;
  model: string;
  baseUrl: string;
  apiKey: string;
  keyEnv?: string;
}

/**
 * The batch endpoint of a model served in the OpenAI format, with the key chosen as for its
 * interactive calls; other providers answer only interactively.
 */
export function batchTargetOf(config: ModelConfig, context: ProviderContext): BatchTarget {
  const { id, env } = context;
  switch (config.provider) {
    case "openai": {
      const keyEnv = config.api_key_env ?? "OPENAI_API_KEY";
      return {
        id,
        model: config.model,
        baseUrl: config.base_url ?? OPENAI_BASE_URL,
        apiKey: requireApiKey(env, keyEnv, id),
        keyEnv,
      };
    }
    case "openai-compatible":
      return {
        id,
        model: config.model,
        baseUrl: urls(config.base_url, "")[0]!,
        apiKey: optionalApiKey(env, config.api_key_env, id, "EMPTY"),
        ...maybe("keyEnv", config.api_key_env),
      };
    case "ollama":
      return {
        id,
        model: config.model,
        baseUrl: urls(config.base_url, OLLAMA_BASE_URL)[0]!,
        apiKey: "ollama",
      };
    default:
      throw new UsageError(
        `${id}: wave mode sends OpenAI-format batches; a ${config.provider} model answers only interactively (use --mode interactive, or drop eval's --batch)`,
      );
  }
}
