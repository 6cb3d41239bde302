import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { Usage } from "../core/usage.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Sampling parameters a call may set; unset ones fall back to the model's configuration. */
export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /**
   * Identifies this sample among identical prompts (e.g. `dialogue-id/turn-3/counselor/attempt-1`).
   * Part of the cache key: two sessions with the same prompt still get their own samples,
   * and rerunning the same work replays the same answers.
   */
  sampleKey: string;
  params?: SamplingParams;
  /** Ask for a JSON object matching this JSON Schema (structured output), where the provider supports it. */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  /** What the call is for. Real providers ignore it (it is not part of the cache key); the rule-based baseline answers from it. */
  task?: ChatTask;
  signal?: AbortSignal;
}

/**
 * The purpose of a call, in structured form, one variant per agent or judge. Real models
 * read only the messages; the rule-based baseline answers from this, so each variant carries
 * exactly what its baseline needs, and a new caller cannot send a task nobody can read.
 */
export type ChatTask =
  | { kind: "client"; language: Language; card: RoleCard }
  | {
      kind: "counselor";
      language: Language;
      /** In a follow-up series (`simulate --sessions`), which session this is; absent alone. */
      session_index?: number;
    }
  | {
      kind: "supervisor";
      language: Language;
      /** Which response-selection prompt (Figure 12 or 13), and the replies as shown. */
      detail: { prompt: 1 | 2; candidates: { A: string; B: string } };
    }
  | {
      kind: "wai";
      language: Language;
      detail:
        | { mode: "per-item"; item: number; statement: string; round: number; session_text: string }
        | { mode: "batched"; items: number[]; round: number; session_text: string };
    }
  | {
      kind: "topics";
      language: Language;
      detail: { round: number; topics: string[]; session_text: string };
    }
  | { kind: "card-builder"; language: Language; detail: { post: string } }
  | {
      kind: "memory";
      language: Language;
      /**
       * Follow-up sessions: the counselor's note or the client's recollection of sessions 1..k,
       * from the memory of 1..k−1 (`previous`, empty after the first) and session k's turns.
       */
      detail: {
        perspective: "counselor" | "client";
        session_index: number;
        previous: string;
        turns: { role: "client" | "counselor"; content: string }[];
      };
    };

export type ChatTaskKind = ChatTask["kind"];

/**
 * The request's task when it is of `kind`; fails the call otherwise, naming both, because a
 * handler for one kind cannot answer another.
 */
export function taskOf<K extends ChatTaskKind>(
  request: ChatRequest,
  kind: K,
): Extract<ChatTask, { kind: K }> {
  const task = request.task;
  if (task?.kind !== kind)
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `expected a ${kind} call, got ${task ? `a ${task.kind} call` : "an untyped call"}`,
    );
  return task as Extract<ChatTask, { kind: K }>;
}

export interface ChatResponse {
  content: string;
  /** The usage of this call; `cached_calls` is 1 when it was replayed from the cache. */
  usage: Usage;
  /** Why generation stopped, as the provider reported it (e.g. `stop`, `length`). */
  finishReason?: string;
  /**
   * Turns (messages after the system prompt) the provider left out, oldest first, to fit
   * the model's context: a local model with `context_overflow: drop_oldest`. Absent when
   * the model saw every message.
   */
  droppedTurns?: number;
  /**
   * Why the request's JSON schema was not enforced (a local model whose grammar could not
   * be built from it): the reply ran unconstrained. Outputs record it as a warning.
   */
  schemaNotEnforced?: string;
}

/**
 * A chat model: one method. Providers implement it, and so do the middleware layers
 * (retry, rate limit, cache, usage accounting), which wrap another ChatModel.
 */
export interface ChatModel {
  /** The model spec as the user wrote it (recorded in outputs, part of the cache key). */
  readonly id: string;
  /** True for psysim's rule-based baseline, which must never be presented as an LLM. */
  readonly isBaseline?: boolean;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/** Embeddings for semantic consistency (Eq. 2). */
export interface EmbeddingModel {
  readonly id: string;
  /** True when this is not a neural embedding (e.g. psysim's offline lexical embedding). */
  readonly isBaseline?: boolean;
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}
