import type { LlamaEmbeddingContext } from "node-llama-cpp";
import { PsysimError } from "../../core/errors.js";
import type { EmbeddingModel } from "../chat-model.js";
import { loadCheckedModel, loadOnce } from "../local/llama-runtime.js";
import { SlotPool } from "../local/slot-pool.js";
import { resolveLlamaCppOptions, type LlamaCppModelOptions } from "./llama-cpp-options.js";

/** The options of a local embedding model: those of a chat model minus sampling, parallelism and chat format. */
export type LlamaCppEmbeddingOptions = Omit<
  LlamaCppModelOptions,
  "sampling" | "parallel" | "chatTemplate"
>;

interface EmbeddingEngine {
  context: LlamaEmbeddingContext;
  /** One embedding context evaluates one text at a time. */
  turn: SlotPool<LlamaEmbeddingContext>;
  dispose(): Promise<void>;
}

/**
 * A GGUF embedding model (e.g. bge-m3, nomic-embed-text) run in-process, for semantic
 * consistency (Eq. 2) with `eval fidelity --embeddings llama-cpp:./embed.gguf`. Vectors
 * are returned as llama.cpp computes them (the model's own pooling); cosine similarity
 * does not need them normalised. An empty text embeds as the zero vector. A text longer than the context is an error, never truncated
 * silently: truncation would change the score.
 */
export function createLlamaCppEmbeddingModel(
  options: LlamaCppEmbeddingOptions,
): EmbeddingModel & { dimensions(): Promise<number> } {
  const o = resolveLlamaCppOptions(options);

  async function engine(): Promise<EmbeddingEngine> {
    const loaded = await loadCheckedModel(o);
    return loadOnce(
      `${loaded.key}|embedding|ctx=${o.contextSize ?? "auto"}|threads=${o.threads}`,
      async () => {
        let context: LlamaEmbeddingContext;
        try {
          context = await loaded.model.createEmbeddingContext({
            contextSize: o.contextSize ?? { max: 8192 },
            threads: o.threads,
          });
        } catch (error) {
          throw new PsysimError(
            "MODEL_CALL_FAILED",
            `${o.id}: llama.cpp could not create an embedding context: ${(error as Error).message}`,
            { cause: error },
          );
        }
        return { context, turn: new SlotPool([context]), dispose: () => context.dispose() };
      },
    );
  }

  return {
    id: o.id,
    async dimensions() {
      return (await engine()).context.model.embeddingVectorSize;
    },
    async embed(texts, callOptions = {}) {
      const { context, turn } = await engine();
      const vectors: number[][] = [];
      for (const [i, text] of texts.entries()) {
        const vector = await turn.use(
          async () => {
            try {
              return (await context.getEmbeddingFor(text)).vector;
            } catch (error) {
              if (!/longer than the usable context/i.test((error as Error).message)) throw error;
              throw new PsysimError(
                "MODEL_CALL_FAILED",
                `${o.id}: text ${i + 1} has ${context.calculateInputLength(text)} tokens, more than the embedding context holds; raise context_size or embed shorter texts`,
                { cause: error },
              );
            }
          },
          undefined,
          callOptions.signal,
        );
        // llama.cpp gives no vector for a text without tokens; the zero vector keeps every row
        // the same width and makes cosine undefined (null), which is what an empty text deserves.
        vectors.push(
          vector.length === 0
            ? new Array<number>(context.model.embeddingVectorSize).fill(0)
            : [...vector],
        );
      }
      return vectors;
    },
  };
}
