import type { ChatModel, ChatRequest, ChatResponse } from "../chat-model.js";
import { HttpEndpoint, parseJson } from "./http-endpoint.js";

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
  const endpoint = new HttpEndpoint(options);
  const path = endpoint.pathOf("");

  async function complete(request: ChatRequest): Promise<ChatResponse> {
    const reply = await endpoint.post(
      path,
      JSON.stringify({ messages: request.messages }),
      request.signal ? { signal: request.signal } : {},
    );
    if (reply.status < 200 || reply.status >= 300) throw endpoint.statusFailure(reply);
    const body = parseJson(reply.body);
    const answer =
      typeof body === "object" && body !== null
        ? (body as { response?: unknown }).response
        : undefined;
    if (typeof answer !== "string")
      throw endpoint.failure(
        "malformed",
        `expected a JSON object with a string "response", got ${JSON.stringify(reply.body.slice(0, 80))}`,
      );
    return {
      content: answer,
      usage: { prompt_tokens: 0, completion_tokens: 0, calls: 1, cached_calls: 0, cost_usd: 0 },
      finishReason: "stop",
    };
  }

  return { id: options.id, complete };
}
