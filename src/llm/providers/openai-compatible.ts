import type { ChatModel, ChatRequest, ChatResponse, SamplingParams } from "../chat-model.js";
import { HttpEndpoint, firstLine, parseJson, type HttpReply } from "./http-endpoint.js";
import {
  isReplicaFailure,
  openAIEndpoints,
  type OpenAIEndpointOptions,
} from "./openai-endpoint.js";
import { ReplicaPool, type BalanceStrategy } from "./replica-pool.js";

export interface OpenAICompatibleOptions extends OpenAIEndpointOptions {
  /** Defaults for every call; a request's own `params` win. */
  sampling?: SamplingParams;
  /** Ask for server-sent events and assemble the reply (some servers time out long non-streamed replies). */
  stream?: boolean;
  balance?: BalanceStrategy;
}

/** The request body of `POST /chat/completions`, as much of it as psysim sends. */
export interface ChatCompletionBody {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  response_format?: {
    type: "json_schema";
    json_schema: { name: string; schema: Record<string, unknown> };
  };
  stream?: true;
  stream_options?: { include_usage: true };
}

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/**
 * A chat model behind any OpenAI-compatible `/v1/chat/completions` endpoint (OpenAI,
 * vLLM, Ollama, DeepSeek, llama.cpp server…), spoken over node:http with kept-alive
 * connections (see `HttpEndpoint`: the openai SDK's fetch cost more CPU than the rest of
 * psysim per call). There are no hidden retries: psysim's retry layer decides, so every
 * attempt is counted and logged once.
 */
export function createOpenAICompatibleChatModel(options: OpenAICompatibleOptions): ChatModel {
  const replicas = openAIEndpoints(options);
  const paths = new Map(replicas.map((r) => [r, r.pathOf("chat/completions")]));
  const pool = new ReplicaPool(
    replicas,
    options.balance === undefined ? {} : { strategy: options.balance },
  );

  async function callReplica(replica: HttpEndpoint, request: ChatRequest): Promise<ChatResponse> {
    const body = requestBody(options.model, { ...options.sampling, ...request.params }, request);
    if (options.stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    const reply = await replica.post(paths.get(replica)!, JSON.stringify(body), {
      ...(request.signal ? { signal: request.signal } : {}),
      ...(options.stream ? { idleTimeout: true } : {}),
    });
    if (reply.status < 200 || reply.status >= 300) throw replica.statusFailure(reply);
    const answer = options.stream ? fromEvents(reply) : fromJson(reply);
    if (typeof answer === "string") throw replica.failure("malformed", answer);
    return answer;
  }

  return {
    id: options.id,
    complete: (request) => pool.run((replica) => callReplica(replica, request), isReplicaFailure),
  };
}

/** The body psysim sends for `request`; a Batch API line carries the same body. */
export function requestBody(
  model: string,
  params: SamplingParams,
  request: ChatRequest,
): ChatCompletionBody {
  const body: ChatCompletionBody = { model, messages: request.messages };
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.top_p !== undefined) body.top_p = params.top_p;
  // `max_tokens` rather than `max_completion_tokens`: it is what vLLM, Ollama and most servers accept.
  if (params.max_tokens !== undefined) body.max_tokens = params.max_tokens;
  if (params.seed !== undefined) body.seed = params.seed;
  if (request.jsonSchema) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema },
    };
  }
  return body;
}

function usageOf(usage: WireUsage | null | undefined): ChatResponse["usage"] {
  return {
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    calls: 1,
    cached_calls: 0,
    cost_usd: 0,
  };
}

function notJson(text: string): string {
  return `the body is not JSON: ${JSON.stringify(firstLine(text).slice(0, 80))}`;
}

/** The reply, or why the body was not a usable completion. */
function fromJson(reply: HttpReply): ChatResponse | string {
  return completionOf(parseJson(reply.body), reply.body);
}

/**
 * A parsed `chat.completion` object as a ChatResponse, or why it is not usable; `text` is the
 * raw body, quoted when it was not JSON. Batch output lines carry the same object.
 */
export function completionOf(parsed: unknown, text: string): ChatResponse | string {
  const completion = parsed as
    | {
        choices?: { message?: { content?: unknown }; finish_reason?: string | null }[];
        usage?: WireUsage | null;
      }
    | undefined;
  if (typeof completion !== "object" || completion === null) return notJson(text);
  const choice = completion.choices?.[0];
  if (typeof choice?.message?.content !== "string") return "no message content in the reply";
  return {
    content: choice.message.content,
    usage: usageOf(completion.usage),
    ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
  };
}

/**
 * Assembles a reply sent as server-sent events (`data: {chunk}` lines, then `data: [DONE]`);
 * a stream that ends without a finish reason was cut off.
 */
function fromEvents(reply: HttpReply): ChatResponse | string {
  let content = "";
  let finishReason: string | undefined;
  let usage: ChatResponse["usage"] | undefined;
  for (const line of reply.body.split("\n")) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") break;
    const chunk = parseJson(data) as
      | {
          choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
          usage?: WireUsage | null;
          error?: { message?: string };
        }
      | undefined;
    if (typeof chunk !== "object" || chunk === null) return notJson(data);
    if (chunk.error) return `the stream reported an error: ${String(chunk.error.message)}`;
    const choice = chunk.choices?.[0];
    content += choice?.delta?.content ?? "";
    finishReason = choice?.finish_reason ?? finishReason;
    if (chunk.usage) usage = usageOf(chunk.usage);
  }
  if (finishReason === undefined) return "the stream ended without a finish reason";
  return { content, usage: usage ?? usageOf(undefined), finishReason };
}
