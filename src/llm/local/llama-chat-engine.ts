import type {
  ChatHistoryItem,
  ChatWrapper,
  LlamaChat,
  LlamaContext,
  LlamaGrammar,
} from "node-llama-cpp";
import { PsysimError } from "../../core/errors.js";
import type { ChatMessage } from "../chat-model.js";
import { resolveChatTemplate } from "./chat-template.js";
import type { LoadedLlamaModel } from "./llama-runtime.js";
import { SlotPool } from "./slot-pool.js";

/**
 * The most tokens a context gets when `context_size` is not set, whatever the model was
 * trained for: node-llama-cpp otherwise sizes it to the training length (32k–128k for
 * current models), whose KV cache times `parallel` would not fit most machines.
 */
export const DEFAULT_CONTEXT_CAP = 8192;

export interface ChatEngineSettings {
  /** Tokens each sequence can hold (prompt + reply); `undefined` lets node-llama-cpp fit it to memory, up to DEFAULT_CONTEXT_CAP. */
  contextSize: number | undefined;
  /** Sequences generating at once; more callers wait. */
  parallel: number;
  threads: number;
  chatTemplate: string | undefined;
  spec: string;
}

/** What a call does when its dialogue outgrows the context (see `fitToContext`). */
export type ContextOverflow = "error" | "drop_oldest";

export interface GenerateSettings {
  contextOverflow: ContextOverflow;
  temperature: number;
  topP: number | undefined;
  maxTokens: number;
  seed: number;
  jsonSchema: Record<string, unknown> | undefined;
  signal: AbortSignal | undefined;
}

export interface Generation {
  content: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: "stop" | "length";
  /** Turns left out of the prompt, oldest first, to fit the context (0 when all fit). */
  droppedTurns: number;
  /** Why the request's JSON schema could not become a grammar (the reply ran unconstrained). */
  schemaNotEnforced?: string;
}

/**
 * Turns are dropped this many at a time (an even number keeps user and assistant
 * alternating as before), so the next few calls of a session keep the same shortened
 * start and reuse its evaluated tokens instead of re-reading the whole prompt each turn.
 */
export const DROP_STEP = 8;

interface Slot {
  chat: LlamaChat;
  /** The messages last evaluated on this sequence: its KV cache holds their tokens. */
  lastMessages: readonly ChatMessage[];
}

function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === "assistant"
      ? { type: "model", response: [m.content] }
      : { type: m.role, text: m.content },
  );
  history.push({ type: "model", response: [] }); // the reply to generate
  return history;
}

const storedTemplates = new WeakMap<object, ChatWrapper>();

/**
 * The chat format stored in the GGUF. Recognising it renders the Jinja template against
 * every known format (about a second), so it is done once per loaded model, not per sequence.
 */
function templateOf(loaded: LoadedLlamaModel): ChatWrapper {
  let wrapper = storedTemplates.get(loaded.model);
  if (!wrapper) {
    wrapper = loaded.lib.resolveChatWrapper(loaded.model);
    storedTemplates.set(loaded.model, wrapper);
  }
  return wrapper;
}

function sharedPrefix(a: readonly ChatMessage[], b: readonly ChatMessage[]): number {
  let n = 0;
  while (
    n < a.length &&
    n < b.length &&
    a[n]!.role === b[n]!.role &&
    a[n]!.content === b[n]!.content
  )
    n++;
  return n;
}

/**
 * One llama.cpp context with `parallel` sequences over a loaded model, shared by every
 * chat model and session that uses the same file and settings. llama.cpp batches the
 * sequences' tokens into one evaluation, which is why concurrent sessions share a
 * context rather than each loading its own. A call takes the free sequence that already
 * holds the longest prefix of its messages, so a session's next turn reuses its cache.
 */
export class LlamaChatEngine {
  private readonly grammars = new Map<string, Promise<LlamaGrammar | string>>();

  private constructor(
    private readonly loaded: LoadedLlamaModel,
    private readonly context: LlamaContext,
    private readonly wrapper: ChatWrapper,
    private readonly pool: SlotPool<Slot>,
    private readonly spec: string,
  ) {}

  static async create(
    loaded: LoadedLlamaModel,
    settings: ChatEngineSettings,
  ): Promise<LlamaChatEngine> {
    const { lib, model } = loaded;
    const wrapper =
      settings.chatTemplate === undefined
        ? templateOf(loaded)
        : resolveChatTemplate(lib, settings.chatTemplate, settings.spec);
    let context: LlamaContext;
    try {
      context = await model.createContext({
        contextSize: settings.contextSize ?? { max: DEFAULT_CONTEXT_CAP },
        sequences: settings.parallel,
        threads: settings.threads,
      });
    } catch (error) {
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `${settings.spec}: llama.cpp could not create a context of ${settings.contextSize ?? "auto"} tokens x ${settings.parallel} sequences: ${(error as Error).message}; lower context_size or parallel`,
        { cause: error },
      );
    }
    const slots: Slot[] = [];
    for (let i = 0; i < settings.parallel; i++) {
      const chat = new lib.LlamaChat({
        contextSequence: context.getSequence(),
        chatWrapper: wrapper,
      });
      slots.push({ chat, lastMessages: [] });
    }
    return new LlamaChatEngine(loaded, context, wrapper, new SlotPool(slots), settings.spec);
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** The chat format in use (e.g. `ChatML`), as node-llama-cpp names it. */
  get chatFormat(): string {
    return this.wrapper.wrapperName;
  }

  /** Tokens of the prompt exactly as the model sees it, template included. */
  countPromptTokens(messages: readonly ChatMessage[]): number {
    const { contextText } = this.wrapper.generateContextState({ chatHistory: toHistory(messages) });
    return contextText.tokenize(this.loaded.model.tokenizer).length;
  }

  /**
   * The messages to evaluate and their token count. A call fits when its prompt plus a
   * reply of `maxTokens` fits in the context, so no reply is ever cut by the context's
   * end. When it does not: `error` refuses with the fix; `drop_oldest` keeps the system
   * prompt and the last turn and drops the oldest turns, `DROP_STEP` at a time, until it fits.
   */
  fitToContext(
    messages: readonly ChatMessage[],
    maxTokens: number,
    overflow: ContextOverflow,
  ): { messages: readonly ChatMessage[]; promptTokens: number; droppedTurns: number } {
    const size = this.context.contextSize;
    const promptTokens = this.countPromptTokens(messages);
    if (promptTokens + maxTokens <= size) return { messages, promptTokens, droppedTurns: 0 };
    const head = messages.findIndex((m) => m.role !== "system");
    const system = messages.slice(0, head < 0 ? messages.length : head);
    const turns = messages.slice(system.length);
    if (overflow === "drop_oldest") {
      // Keep the last turn (the one being answered) and the alternation of the rest.
      const most = (turns.length - 1) & ~1;
      for (let drop = Math.min(DROP_STEP, most); drop > 0;) {
        const kept = [...system, ...turns.slice(drop)];
        const tokens = this.countPromptTokens(kept);
        if (tokens + maxTokens <= size)
          return { messages: kept, promptTokens: tokens, droppedTurns: drop };
        if (drop === most) break;
        drop = Math.min(drop + DROP_STEP, most);
      }
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `${this.spec}: even the system prompt and the last turn alone leave no room for a reply of ${maxTokens} tokens (max_tokens) in context_size ${size}; raise context_size or lower max_tokens`,
      );
    }
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `${this.spec}: the dialogue outgrew the context: the prompt has ${promptTokens} tokens and the reply may take ${maxTokens} (max_tokens), more than context_size ${size}; raise context_size, lower max_tokens, or set context_overflow: drop_oldest to drop the oldest turns`,
    );
  }

  async generate(
    messages: readonly ChatMessage[],
    settings: GenerateSettings,
  ): Promise<Generation> {
    const fitted = this.fitToContext(messages, settings.maxTokens, settings.contextOverflow);
    const { promptTokens, droppedTurns } = fitted;
    const built = settings.jsonSchema ? await this.grammarFor(settings.jsonSchema) : undefined;
    const grammar = typeof built === "string" ? undefined : built;
    return this.pool.use(
      async (slot) => {
        let completionTokens = 0;
        slot.lastMessages = [];
        const result = await slot.chat.generateResponse(toHistory(fitted.messages), {
          temperature: settings.temperature,
          topP: settings.topP,
          seed: settings.seed,
          maxTokens: settings.maxTokens,
          // OpenAI-compatible servers apply no repetition penalty by default; neither do we.
          repeatPenalty: false,
          grammar,
          signal: settings.signal,
          onToken: (tokens) => {
            completionTokens += tokens.length;
          },
        });
        slot.lastMessages = fitted.messages;
        const finishReason = result.metadata.stopReason === "maxTokens" ? "length" : "stop";
        return {
          content: result.response,
          promptTokens,
          completionTokens,
          finishReason,
          droppedTurns,
          ...(typeof built === "string" ? { schemaNotEnforced: built } : {}),
        };
      },
      (slot) => sharedPrefix(slot.lastMessages, fitted.messages),
      settings.signal,
    );
  }

  /**
   * A grammar forcing JSON that matches the schema, or why there is none. node-llama-cpp
   * supports a subset of JSON Schema; for a schema outside it the call runs unconstrained,
   * the caller's strict parser (which must exist anyway for hosted models) decides, and the
   * model warns the user once.
   */
  private grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar | string> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.loaded.llama
        .createGrammarForJsonSchema(schema as never)
        .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}
