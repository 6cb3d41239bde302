import OpenAI from "openai";
import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
} from "openai/resources/chat/completions";
import type { ChatModel, ChatRequest, ChatResponse, SamplingParams } from "../chat-model.js";
import { ModelCallError } from "../model-call-error.js";
import { fromOpenAIError } from "./openai-error.js";
import { ReplicaPool, type BalanceStrategy } from "./replica-pool.js";

export interface OpenAICompatibleOptions {
  /** The model spec as the user wrote it. */
  id: string;
  /** The model name the server knows (`gpt-4o`, `Qwen2-7B-Instruct`, `qwen2.5:7b`). */
  model: string;
  /** One or more base URLs ending in `/v1`; several spread load across replicas. */
  baseUrls: readonly string[];
  apiKey: string;
  /** The environment variable the key came from, named when authentication fails. */
  keyEnv?: string;
  /** Per-request timeout; default 120 000 ms. */
  timeoutMs?: number;
  /** Defaults for every call; a request's own `params` win. */
  sampling?: SamplingParams;
  /** Ask for server-sent events and assemble the reply (some servers time out long non-streamed replies). */
  stream?: boolean;
  balance?: BalanceStrategy;
}

interface Replica {
  url: string;
  client: OpenAI;
}

const REPLICA_FAILURES = new Set(["connection", "timeout", "server"]);

/**
 * A chat model behind any OpenAI-compatible `/v1/chat/completions` endpoint (OpenAI,
 * vLLM, Ollama, DeepSeek, llama.cpp server…), through the official SDK. The SDK's own
 * retries are off: psysim's retry layer decides, so every attempt is counted and logged once.
 */
export function createOpenAICompatibleChatModel(options: OpenAICompatibleOptions): ChatModel {
  const timeout = options.timeoutMs ?? 120_000;
  const replicas = options.baseUrls.map((url): Replica => ({
    url,
    client: new OpenAI({ baseURL: url, apiKey: options.apiKey, timeout, maxRetries: 0 }),
  }));
  const pool = new ReplicaPool(
    replicas,
    options.balance === undefined ? {} : { strategy: options.balance },
  );
  const site = (url: string) => ({
    id: options.id,
    url,
    ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
  });

  async function callReplica(replica: Replica, request: ChatRequest): Promise<ChatResponse> {
    const body = requestBody(options.model, { ...options.sampling, ...request.params }, request);
    try {
      const reply = options.stream
        ? await streamed(replica.client, body, request.signal)
        : await plain(replica.client, body, request.signal);
      if (typeof reply === "string")
        throw new ModelCallError(
          "malformed",
          `${options.id} at ${replica.url}: malformed response: ${reply}`,
          { url: replica.url },
        );
      return reply;
    } catch (error) {
      throw fromOpenAIError(error, site(replica.url));
    }
  }

  return {
    id: options.id,
    complete: (request) =>
      pool.run(
        (replica) => callReplica(replica, request),
        (error) => error instanceof ModelCallError && REPLICA_FAILURES.has(error.kind),
      ),
  };
}

function requestBody(
  model: string,
  params: SamplingParams,
  request: ChatRequest,
): ChatCompletionCreateParamsBase {
  const body: ChatCompletionCreateParamsBase = { model, messages: request.messages };
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

function usageOf(
  usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined,
): ChatResponse["usage"] {
  return {
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    calls: 1,
    cached_calls: 0,
    cost_usd: 0,
  };
}

/** The reply, or why the body was not a usable completion. */
async function plain(
  client: OpenAI,
  body: ChatCompletionCreateParamsBase,
  signal?: AbortSignal,
): Promise<ChatResponse | string> {
  const completion = await client.chat.completions.create(
    body as ChatCompletionCreateParamsNonStreaming,
    signal ? { signal } : {},
  );
  const choice = completion.choices?.[0];
  if (typeof choice?.message?.content !== "string") return "no message content in the reply";
  return {
    content: choice.message.content,
    usage: usageOf(completion.usage),
    ...(choice.finish_reason ? { finishReason: choice.finish_reason } : {}),
  };
}

/** Assembles a streamed reply; a stream that ends without a finish reason was cut off. */
async function streamed(
  client: OpenAI,
  body: ChatCompletionCreateParamsBase,
  signal?: AbortSignal,
): Promise<ChatResponse | string> {
  const stream = await client.chat.completions.create(
    { ...body, stream: true, stream_options: { include_usage: true } },
    signal ? { signal } : {},
  );
  let content = "";
  let finishReason: string | undefined;
  let usage: ChatResponse["usage"] | undefined;
  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    content += choice?.delta?.content ?? "";
    finishReason = choice?.finish_reason ?? finishReason;
    if (chunk.usage) usage = usageOf(chunk.usage);
  }
  if (finishReason === undefined) return "the stream ended without a finish reason";
  return { content, usage: usage ?? usageOf(undefined), finishReason };
}
