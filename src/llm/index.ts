export {
  ModelConfigSchema,
  ModelEntrySchema,
  PriceSchema,
  type ModelConfig,
  type ModelEntry,
  type ModelProvider,
} from "./model-config.js";
export type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatTask,
  ChatTaskKind,
  EmbeddingModel,
  SamplingParams,
} from "./chat-model.js";
export { taskOf } from "./chat-model.js";
export {
  ModelCallError,
  parseRetryAfter,
  classifyHttpStatus,
  type ModelFailureKind,
} from "./model-call-error.js";
export { requireApiKey, type Env } from "./api-key.js";
export {
  MODEL_SPEC_FORMS,
  parseModelSpec,
  resolveModelSpec,
  modelIdentity,
  type ResolvedModelSpec,
} from "./model-spec.js";
export { resolveChatModel, type ResolveModelOptions } from "./resolve-model.js";
export {
  resolveEmbeddingModel,
  resolveEmbeddingSpec,
  DEFAULT_EMBEDDING_MODEL,
  type ResolveEmbeddingOptions,
} from "./resolve-embedding-model.js";
export {
  CircuitBreaker,
  CircuitBreakers,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  withCircuitBreaker,
} from "./circuit-breaker.js";
export { preflightModels, type PreflightOptions, type PreflightTarget } from "./preflight.js";
export { withRetry, retrying, backoffDelay, type RetryOptions } from "./retry.js";
export { withRateLimit, RateLimiters, processRateLimiters, type RateLimits } from "./rate-limit.js";
export {
  CallCache,
  withCallCache,
  callCacheKey,
  openConfiguredCache,
  DEFAULT_CACHE_PATH,
  type CachedCall,
  type CallCacheOptions,
  type CallKeyParts,
} from "./call-cache.js";
export {
  UsageMeter,
  withUsageMeter,
  costOf,
  type MeteredChatModel,
  type Price,
} from "./usage-meter.js";
export {
  createOpenAICompatibleChatModel,
  type OpenAICompatibleOptions,
} from "./providers/openai-compatible.js";
export {
  createOpenAIEmbeddingModel,
  type OpenAIEmbeddingOptions,
} from "./providers/openai-embedding.js";
export { createHttpBotChatModel, type HttpBotOptions } from "./providers/http-bot.js";
export {
  ReplicaPool,
  type BalanceStrategy,
  type ReplicaPoolOptions,
} from "./providers/replica-pool.js";
export {
  chatProviders,
  createProviderModel,
  OPENAI_BASE_URL,
  OLLAMA_BASE_URL,
  type ProviderContext,
} from "./providers/index.js";
export * from "./providers/llama-cpp.js";
export {
  createTransformersEmbeddingModel,
  type TransformersEmbeddingOptions,
} from "./local/transformers-embedding.js";
