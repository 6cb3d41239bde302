import type { EmbeddingModel } from "../../llm/chat-model.js";
import {
  resolveEmbeddingModel,
  type ResolveEmbeddingOptions,
} from "../../llm/resolve-embedding-model.js";
import { LEXICAL_BASELINE_ID, LexicalEmbeddingModel } from "./lexical-embedding.js";

/**
 * Turns `--embeddings` into a model: `none` (Eq. 1 only), `lexical-baseline` (offline,
 * labelled baseline), or any spec the LLM layer embeds with, e.g.
 * `openai-compatible:http://127.0.0.1:8000/v1` (model BAAI/bge-m3 by default).
 */
export async function embeddingModelFor(
  spec: string,
  options: ResolveEmbeddingOptions = {},
): Promise<EmbeddingModel | undefined> {
  if (spec === "none") return undefined;
  if (spec === LEXICAL_BASELINE_ID) return new LexicalEmbeddingModel();
  return resolveEmbeddingModel(spec, options);
}
