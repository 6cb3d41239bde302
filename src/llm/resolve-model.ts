import type { ModelConfig, ModelEntry } from "./model-config.js";
import type { Env } from "./api-key.js";
import type { CallCache } from "./call-cache.js";
import { withCallCache } from "./call-cache.js";
import type { SamplingParams } from "./chat-model.js";
import { modelIdentity, resolveModelSpec } from "./model-spec.js";
import {
  batchTargetOf,
  createProviderModel,
  type BatchTarget,
  type ProviderContext,
} from "./providers/index.js";
import type { WaveQueue } from "./batch/wave-queue.js";
import type { BatchRunner } from "./batch/batch-runner.js";
import { batchPriceOf } from "./batch/batch-price.js";
import { withCircuitBreaker, type CircuitBreakers } from "./circuit-breaker.js";
import { withRateLimit, type RateLimiters } from "./rate-limit.js";
import { withRetry, type RetryOptions } from "./retry.js";
import { withUsageMeter, type MeteredChatModel, type UsageMeter } from "./usage-meter.js";

export interface ResolveModelOptions {
  /** psysim.yaml, for names under `models:` (its `source.dir` anchors relative paths). */
  config?: { models: Record<string, ModelEntry>; source?: { dir: string } };
  /** Where finished calls are kept and replayed from; without one nothing is cached. */
  cache?: CallCache | null;
  /** Sampling defaults for this use (e.g. the counselor's), over the model's configured ones. */
  sampling?: SamplingParams;
  /** Adds up usage and cost of every call. */
  meter?: UsageMeter;
  /** Rate-limit queues; default the process-wide ones, shared by every user of a model. */
  limiters?: RateLimiters;
  /**
   * The run's circuit breakers: a remote model whose endpoint fails
   * `max_consecutive_failures` (8) calls in a row stops the run. Without them none trips.
   */
  breakers?: CircuitBreakers;
  /** Backoff settings, and injectable sleep/random for tests. `max_attempts` in the config wins. */
  retry?: RetryOptions;
  /** Where API keys are read from; default `process.env`. */
  env?: Env;
  /** Folder relative paths resolve against; default the config file's folder, else the working directory. */
  baseDir?: string;
  /**
   * Wave mode: remote calls go into the queue's batches instead of over HTTP one by one
   * (no retry or rate limit: the batch runner has its own); the baseline still answers at once.
   */
  wave?: { queue: WaveQueue; runner: (target: BatchTarget) => BatchRunner };
}

/** Models served over the network: retried, rate limited and priced. */
type RemoteModelConfig = Exclude<ModelConfig, { provider: "baseline" | "llama-cpp" }>;
const isRemote = (config: ModelConfig): config is RemoteModelConfig =>
  config.provider !== "baseline" && config.provider !== "llama-cpp";

function endpointsOf(config: RemoteModelConfig): string[] {
  return config.provider === "http-bot" ? [config.url] : [config.base_url ?? ""].flat();
}

const FREE = { prompt_per_million: 0, completion_per_million: 0 };

function samplingOf(config: ModelConfig): SamplingParams {
  const s: SamplingParams = {};
  if (!("temperature" in config)) return s;
  if (config.temperature !== undefined) s.temperature = config.temperature;
  if (config.top_p !== undefined) s.top_p = config.top_p;
  if (config.max_tokens !== undefined) s.max_tokens = config.max_tokens;
  if (config.seed !== undefined) s.seed = config.seed;
  return s;
}

/**
 * Turns a model spec (`openai:gpt-4o`, `ollama:qwen2.5:7b`, a name under `models:`, …)
 * into a ChatModel on psysim's one call path:
 * provider → retry → rate limit → cache → usage.
 * A cache hit therefore costs nothing and takes no rate-limit slot. Local models
 * (llama-cpp, baseline) skip retry and rate limiting; the baseline is not cached either.
 */
export async function resolveChatModel(
  spec: ModelEntry,
  options: ResolveModelOptions = {},
): Promise<MeteredChatModel> {
  const { id, config } = resolveModelSpec(spec, options.config?.models);
  const sampling = { ...samplingOf(config), ...options.sampling };
  const baseDir = options.baseDir ?? options.config?.source?.dir;
  const context: ProviderContext = {
    id,
    sampling,
    env: options.env ?? process.env,
    ...(baseDir === undefined ? {} : { baseDir }),
  };
  const meter = options.meter ? { meter: options.meter } : {};
  const identity = modelIdentity(config);
  if (options.wave && config.provider !== "baseline") {
    const target = batchTargetOf(config, context);
    let batched = options.wave.queue.model({
      id,
      model: target.model,
      sampling,
      group: {
        key: `${identity}@${target.baseUrl}`,
        slug: id.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60),
        runner: options.wave.runner(target),
      },
    });
    if (options.cache) batched = withCallCache(batched, options.cache, { identity, sampling });
    const batchPrice = batchPriceOf(config);
    return withUsageMeter(batched, { ...(batchPrice ? { price: batchPrice } : {}), ...meter });
  }
  let model = await createProviderModel(config, context);
  if (config.provider === "baseline") return withUsageMeter(model, { price: FREE, ...meter });

  if (isRemote(config)) {
    model = withRetry(model, {
      ...options.retry,
      ...(config.max_attempts === undefined ? {} : { maxAttempts: config.max_attempts }),
    });
    const limits = {
      ...(config.max_concurrency === undefined ? {} : { maxConcurrency: config.max_concurrency }),
      ...(config.requests_per_minute === undefined
        ? {}
        : { requestsPerMinute: config.requests_per_minute }),
    };
    const key = `${identity}@${endpointsOf(config).join(",")}`;
    model = withRateLimit(model, limits, {
      key,
      ...(options.limiters ? { limiters: options.limiters } : {}),
    });
    if (options.breakers)
      model = withCircuitBreaker(
        model,
        options.breakers.breakerFor(key, id, config.max_consecutive_failures),
      );
  }
  if (options.cache) model = withCallCache(model, options.cache, { identity, sampling });
  const price = isRemote(config) ? config.price : FREE;
  return withUsageMeter(model, { ...(price ? { price } : {}), ...meter });
}
