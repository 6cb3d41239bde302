import OpenAI from "openai";
import type { EmbeddingModel } from "../chat-model.js";
import { ModelCallError } from "../model-call-error.js";
import { retrying, type RetryOptions } from "../retry.js";
import { fromOpenAIError } from "./openai-error.js";
import { ReplicaPool } from "./replica-pool.js";

export interface OpenAIEmbeddingOptions {
  id: string;
  /** The model name the server knows, e.g. `BAAI/bge-m3`. */
  model: string;
  baseUrls: readonly string[];
  apiKey: string;
  keyEnv?: string;
  /** Per-request timeout; default 120 000 ms. */
  timeoutMs?: number;
  /** Texts per request; default 64. */
  batchSize?: number;
  retry?: RetryOptions;
}

interface Replica {
  url: string;
  client: OpenAI;
}

/** Embeddings from an OpenAI-compatible `/v1/embeddings` endpoint (vLLM, TEI, Ollama, OpenAI), in batches, retried. */
export function createOpenAIEmbeddingModel(options: OpenAIEmbeddingOptions): EmbeddingModel {
  const batchSize = options.batchSize ?? 64;
  const pool = new ReplicaPool(
    options.baseUrls.map((url): Replica => ({
      url,
      client: new OpenAI({
        baseURL: url,
        apiKey: options.apiKey,
        timeout: options.timeoutMs ?? 120_000,
        maxRetries: 0,
      }),
    })),
  );
  const site = (url: string) => ({
    id: options.id,
    url,
    ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
  });

  async function embedBatch(
    replica: Replica,
    batch: string[],
    signal?: AbortSignal,
  ): Promise<number[][]> {
    try {
      const result = await replica.client.embeddings.create(
        { model: options.model, input: batch },
        signal ? { signal } : {},
      );
      const vectors: (number[] | undefined)[] = new Array(batch.length);
      for (const item of result.data ?? []) vectors[item.index] = item.embedding;
      if (vectors.some((v) => !Array.isArray(v)) || result.data.length !== batch.length) {
        throw new ModelCallError(
          "malformed",
          `${options.id} at ${replica.url}: malformed response: expected ${batch.length} embeddings, got ${result.data?.length ?? 0}`,
          { url: replica.url },
        );
      }
      return vectors as number[][];
    } catch (error) {
      throw fromOpenAIError(error, site(replica.url));
    }
  }

  return {
    id: options.id,
    async embed(texts, embedOptions = {}) {
      const out: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        const batch = texts.slice(start, start + batchSize);
        const vectors = await retrying(
          () =>
            pool.run(
              (replica) => embedBatch(replica, batch, embedOptions.signal),
              (e) =>
                e instanceof ModelCallError && ["connection", "timeout", "server"].includes(e.kind),
            ),
          options.retry,
          embedOptions.signal,
        );
        out.push(...vectors);
      }
      return out;
    },
  };
}
