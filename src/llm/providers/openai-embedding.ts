import type { EmbeddingModel } from "../chat-model.js";
import { retrying, type RetryOptions } from "../retry.js";
import { parseJson, type HttpEndpoint } from "./http-endpoint.js";
import {
  isReplicaFailure,
  openAIEndpoints,
  type OpenAIEndpointOptions,
} from "./openai-endpoint.js";
import { ReplicaPool } from "./replica-pool.js";

export interface OpenAIEmbeddingOptions extends OpenAIEndpointOptions {
  /** Texts per request; default 64. */
  batchSize?: number;
  retry?: RetryOptions;
}

/**
 * Embeddings from an OpenAI-compatible `/v1/embeddings` endpoint (vLLM, TEI, Ollama, OpenAI),
 * in batches, retried; spoken over the same kept-alive `HttpEndpoint` as chat models.
 */
export function createOpenAIEmbeddingModel(options: OpenAIEmbeddingOptions): EmbeddingModel {
  const batchSize = options.batchSize ?? 64;
  const replicas = openAIEndpoints(options);
  const paths = new Map(replicas.map((r) => [r, r.pathOf("embeddings")]));
  const pool = new ReplicaPool(replicas);

  async function embedBatch(
    replica: HttpEndpoint,
    batch: string[],
    signal?: AbortSignal,
  ): Promise<number[][]> {
    const reply = await replica.post(
      paths.get(replica)!,
      JSON.stringify({ model: options.model, input: batch }),
      signal ? { signal } : {},
    );
    if (reply.status < 200 || reply.status >= 300) throw replica.statusFailure(reply);
    const data = (parseJson(reply.body) as { data?: unknown } | undefined)?.data;
    const vectors: unknown[] = new Array(batch.length);
    const items = Array.isArray(data) ? (data as { index?: unknown; embedding?: unknown }[]) : [];
    for (const item of items) {
      if (typeof item?.index === "number") vectors[item.index] = item.embedding;
    }
    if (items.length !== batch.length || !vectors.every(Array.isArray)) {
      throw replica.failure(
        "malformed",
        `expected ${batch.length} embeddings, got ${Array.isArray(data) ? data.length : 0}`,
      );
    }
    return vectors as number[][];
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
              isReplicaFailure,
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
