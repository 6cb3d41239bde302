import { PsysimError } from "../core/errors.js";
import type { ModelEntry } from "./model-config.js";
import { optionalApiKey, requireApiKey } from "./api-key.js";
import type { EmbeddingModel } from "./chat-model.js";
import { resolveModelSpec, type ResolvedModelSpec } from "./model-spec.js";
import { createOpenAIEmbeddingModel } from "./providers/openai-embedding.js";
import { OLLAMA_BASE_URL, OPENAI_BASE_URL } from "./providers/index.js";
import type { ResolveModelOptions } from "./resolve-model.js";

/** The paper's embedding model (§4.1, Eq. 2). */
export const DEFAULT_EMBEDDING_MODEL = "BAAI/bge-m3";

export interface ResolveEmbeddingOptions extends Pick<
  ResolveModelOptions,
  "config" | "env" | "retry" | "baseDir"
> {
  /** Texts per request; default 64. */
  batchSize?: number;
}

/** Like `resolveModelSpec`, but `openai-compatible:<url>` without a model name means the paper's model. */
export function resolveEmbeddingSpec(
  spec: ModelEntry,
  models?: Readonly<Record<string, ModelEntry>>,
): ResolvedModelSpec {
  const bare =
    typeof spec === "string" ? /^openai-compatible:(https?:\/\/.+)$/s.exec(spec.trim()) : null;
  if (!bare) return resolveModelSpec(spec, models);
  const { config } = resolveModelSpec(`openai-compatible:${DEFAULT_EMBEDDING_MODEL}@${bare[1]}`);
  return { id: spec as string, config };
}

/**
 * Turns a spec into an embedding model: `openai-compatible:[<model>@]<http://host/v1>`
 * (model default `BAAI/bge-m3`), `openai:<model>`, `ollama:<model>`, `llama-cpp:<file.gguf>`,
 * or a name under `models:` with one of those providers.
 */
export async function resolveEmbeddingModel(
  spec: ModelEntry,
  options: ResolveEmbeddingOptions = {},
): Promise<EmbeddingModel> {
  const { id, config } = resolveEmbeddingSpec(spec, options.config?.models);
  const env = options.env ?? process.env;
  const common = {
    id,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  };
  const timeout =
    "timeout_ms" in config && config.timeout_ms !== undefined
      ? { timeoutMs: config.timeout_ms }
      : {};
  switch (config.provider) {
    case "openai": {
      const keyEnv = config.api_key_env ?? "OPENAI_API_KEY";
      return createOpenAIEmbeddingModel({
        ...common,
        ...timeout,
        model: config.model,
        baseUrls: [config.base_url ?? OPENAI_BASE_URL],
        apiKey: requireApiKey(env, keyEnv, id),
        keyEnv,
      });
    }
    case "openai-compatible":
      return createOpenAIEmbeddingModel({
        ...common,
        ...timeout,
        model: config.model,
        baseUrls: [config.base_url].flat(),
        apiKey: optionalApiKey(env, config.api_key_env, id, "EMPTY"),
        ...(config.api_key_env === undefined ? {} : { keyEnv: config.api_key_env }),
      });
    case "ollama":
      return createOpenAIEmbeddingModel({
        ...common,
        ...timeout,
        model: config.model,
        baseUrls: [config.base_url ?? OLLAMA_BASE_URL].flat(),
        apiKey: "ollama",
      });
    case "llama-cpp": {
      const { createLlamaCppEmbeddingModel, llamaCppOptionsFromConfig } =
        await import("./providers/llama-cpp.js");
      const { modelPath, contextSize, threads, gpu, gpuLayers, baseDir } =
        llamaCppOptionsFromConfig(config, id, options.baseDir ?? options.config?.source?.dir);
      return createLlamaCppEmbeddingModel({
        id,
        modelPath,
        contextSize,
        threads,
        gpu,
        gpuLayers,
        baseDir,
      });
    }
    default:
      throw new PsysimError(
        "MODEL_SPEC_INVALID",
        `${id}: a ${config.provider} model cannot embed text; use openai-compatible:[<model>@]<http://host:port/v1> (default model ${DEFAULT_EMBEDDING_MODEL}), openai:<model>, ollama:<model> or llama-cpp:<file.gguf>`,
      );
  }
}
