import type { ChatModel, ChatRequest, ChatResponse } from "../chat-model.js";
import {
  ModelCallError,
  classifyHttpStatus,
  describeFailure,
  networkErrorCode,
  parseRetryAfter,
  type ModelFailureKind,
} from "../model-call-error.js";

export interface HttpBotOptions {
  /** The model spec as the user wrote it. */
  id: string;
  /** The endpoint taking `POST {messages}` and answering `{response}`. */
  url: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  keyEnv?: string;
  /** Per-request timeout; default 120 000 ms. */
  timeoutMs?: number;
}

/**
 * A counselor bot served as `POST {messages: [{role, content}]}` → `{response: "…"}`, the
 * shape of the comparison bots in the paper's arena. Such servers report no token counts,
 * so usage counts calls only.
 */
export function createHttpBotChatModel(options: HttpBotOptions): ChatModel {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const fail = (
    kind: ModelFailureKind,
    detail: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) =>
    new ModelCallError(
      kind,
      `${options.id} at ${options.url}: ${describeFailure(kind, detail, options.keyEnv)}`,
      { url: options.url, ...extra },
    );

  async function complete(request: ChatRequest): Promise<ChatResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let text: string;
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ messages: request.messages }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw fail("aborted", "", { cause: error });
      if (timeout.aborted) throw fail("timeout", "", { cause: error });
      throw fail("connection", networkErrorCode(error) ?? "", { cause: error });
    }
    const body = parseJson(text);
    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers);
      throw fail(
        classifyHttpStatus(response.status, body),
        `${response.status} ${text.slice(0, 120)}`,
        {
          status: response.status,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      );
    }
    const reply =
      typeof body === "object" && body !== null
        ? (body as { response?: unknown }).response
        : undefined;
    if (typeof reply !== "string")
      throw fail(
        "malformed",
        `expected a JSON object with a string "response", got ${JSON.stringify(text.slice(0, 80))}`,
      );
    return {
      content: reply,
      usage: { prompt_tokens: 0, completion_tokens: 0, calls: 1, cached_calls: 0, cost_usd: 0 },
      finishReason: "stop",
    };
  }

  return { id: options.id, complete };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
