import { ModelCallError } from "../model-call-error.js";
import { HttpEndpoint } from "./http-endpoint.js";

/** Where an OpenAI-compatible model lives: what chat and embedding models share. */
export interface OpenAIEndpointOptions {
  /** The model spec as the user wrote it. */
  id: string;
  /** The model name the server knows (`gpt-4o`, `Qwen2-7B-Instruct`, `BAAI/bge-m3`). */
  model: string;
  /** One or more base URLs ending in `/v1`; several spread load across replicas. */
  baseUrls: readonly string[];
  apiKey: string;
  /** The environment variable the key came from, named when authentication fails. */
  keyEnv?: string;
  /** Per-request timeout; default 120 000 ms (for streams: since the last byte received). */
  timeoutMs?: number;
}

/** One kept-alive endpoint per base URL. */
export function openAIEndpoints(options: OpenAIEndpointOptions): HttpEndpoint[] {
  return options.baseUrls.map(
    (url) =>
      new HttpEndpoint({
        id: options.id,
        url,
        apiKey: options.apiKey,
        ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }),
  );
}

const REPLICA_FAILURES = new Set(["connection", "timeout", "server"]);

/** A failure of this replica rather than of the request: the next replica may succeed. */
export function isReplicaFailure(error: unknown): boolean {
  return error instanceof ModelCallError && REPLICA_FAILURES.has(error.kind);
}
