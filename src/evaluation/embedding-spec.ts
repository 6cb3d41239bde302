import { PsysimError } from "../core/errors.js";
import type { EmbeddingModel } from "../llm/chat-model.js";
import { LEXICAL_BASELINE_ID, LexicalEmbeddingModel } from "./lexical-embedding.js";

/** The paper's embedding model (§4.1), served over an OpenAI-compatible /v1/embeddings endpoint. */
export const DEFAULT_EMBEDDING_MODEL = "BAAI/bge-m3";

/**
 * Turns `--embeddings` into a model: `none` (Eq. 1 only), `lexical-baseline` (offline,
 * labelled baseline), or a neural model spec for the LLM layer.
 */
export async function embeddingModelFor(spec: string): Promise<EmbeddingModel | undefined> {
  if (spec === "none") return undefined;
  if (spec === LEXICAL_BASELINE_ID) return new LexicalEmbeddingModel();
  throw new PsysimError(
    "MODEL_SPEC_INVALID",
    `embedding model "${spec}": this build has no /v1/embeddings provider wired in yet; use --embeddings lexical-baseline (offline, labelled baseline) or --embeddings none`,
  );
}
