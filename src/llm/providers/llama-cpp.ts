import { PsysimError } from "../../core/errors.js";
import { deriveSeed } from "../../core/random.js";
import type { ChatModel, ChatRequest, ChatResponse } from "../chat-model.js";
import { ModelCallError } from "../model-call-error.js";
import { LlamaChatEngine } from "../local/llama-chat-engine.js";
import { loadCheckedModel, loadOnce } from "../local/llama-runtime.js";
import {
  resolveLlamaCppOptions,
  type LlamaCppModelOptions,
  type ResolvedLlamaCppOptions,
} from "./llama-cpp-options.js";

export {
  createLlamaCppEmbeddingModel,
  type LlamaCppEmbeddingOptions,
} from "./llama-cpp-embedding.js";
export {
  LLAMA_CPP_DEFAULTS,
  LlamaCppModelConfigSchema,
  llamaCppOptionsFromConfig,
  resolveLlamaCppOptions,
  type LlamaCppModelConfig,
  type LlamaCppModelOptions,
  type LlamaGpu,
  type LlamaGpuLayers,
  type NodeLlamaCppImporter,
  type ResolvedLlamaCppOptions,
} from "./llama-cpp-options.js";
export { disposeLlamaCppModels, loadedLlamaCppResources } from "../local/llama-runtime.js";
export { defaultThreadCount } from "../local/thread-count.js";

/** A local chat model: also says which chat format it applies, once loaded. */
export interface LlamaCppChatModel extends ChatModel {
  /** Loads the model and context now (otherwise the first call does); resolves to the chat format in use, e.g. `ChatML`. */
  load(): Promise<{ chatFormat: string; contextSize: number }>;
}

/** The shared engine for these settings: one per file and context shape in the whole process. */
async function engineFor(o: ResolvedLlamaCppOptions): Promise<LlamaChatEngine> {
  const loaded = await loadCheckedModel(o);
  const key = `${loaded.key}|chat|ctx=${o.contextSize ?? "auto"}|parallel=${o.parallel}|threads=${o.threads}|template=${o.chatTemplate ?? ""}`;
  return loadOnce(key, () =>
    LlamaChatEngine.create(loaded, {
      contextSize: o.contextSize,
      parallel: o.parallel,
      threads: o.threads,
      chatTemplate: o.chatTemplate,
      spec: o.id,
    }),
  );
}

/**
 * A GGUF chat model run in-process by llama.cpp. Nothing loads until the first call;
 * every model created for the same file and settings shares one loaded copy and one
 * context of `parallel` sequences, so a client, a counselor and a judge on the same
 * file cost one model's memory. Unless a call sets `seed`, its seed is derived from the
 * configured seed and the request's `sampleKey`: two sessions with the same prompt still
 * get their own samples, and rerunning the same work replays the same text.
 */
export function createLlamaCppChatModel(options: LlamaCppModelOptions): LlamaCppChatModel {
  const o = resolveLlamaCppOptions(options);
  const warn =
    options.onWarning ?? ((message) => process.stderr.write(`psysim: warning: ${message}\n`));
  const warned = new Set<string>();
  return {
    id: o.id,
    async load() {
      const engine = await engineFor(o);
      return { chatFormat: engine.chatFormat, contextSize: engine.contextSize };
    },
    async complete(request: ChatRequest): Promise<ChatResponse> {
      request.signal?.throwIfAborted();
      const engine = await engineFor(o);
      const p = request.params ?? {};
      try {
        const generation = await engine.generate(request.messages, {
          contextOverflow: o.contextOverflow,
          temperature: p.temperature ?? o.sampling.temperature,
          topP: p.top_p ?? o.sampling.top_p,
          maxTokens: p.max_tokens ?? o.sampling.max_tokens,
          seed: p.seed ?? deriveSeed(o.sampling.seed, request.sampleKey),
          jsonSchema: request.jsonSchema?.schema,
          signal: request.signal,
        });
        const schema = request.jsonSchema?.name;
        if (generation.schemaNotEnforced !== undefined && schema && !warned.has(schema)) {
          warned.add(schema);
          warn(
            `${o.id}: the JSON schema "${schema}" is outside what a llama.cpp grammar can enforce (${generation.schemaNotEnforced}); replies are generated unconstrained and parsed strictly`,
          );
        }
        return {
          content: generation.content,
          usage: {
            prompt_tokens: generation.promptTokens,
            completion_tokens: generation.completionTokens,
            calls: 1,
            cached_calls: 0,
            cost_usd: 0,
          },
          finishReason: generation.finishReason,
          ...(generation.droppedTurns > 0 ? { droppedTurns: generation.droppedTurns } : {}),
          ...(generation.schemaNotEnforced === undefined
            ? {}
            : { schemaNotEnforced: generation.schemaNotEnforced }),
        };
      } catch (error) {
        if (request.signal?.aborted)
          throw new ModelCallError("aborted", `${o.id}: call aborted`, {
            url: o.modelPath,
            cause: error,
          });
        if (error instanceof PsysimError) throw error;
        throw new PsysimError(
          "MODEL_CALL_FAILED",
          `${o.id}: llama.cpp generation failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}
