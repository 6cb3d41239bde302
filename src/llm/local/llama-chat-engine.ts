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

export interface ChatEngineSettings {
  /** Tokens each sequence can hold (prompt + reply); `undefined` lets node-llama-cpp fit it to memory, up to 8192. */
  contextSize: number | undefined;
  /** Sequences generating at once; more callers wait. */
  parallel: number;
  threads: number;
  chatTemplate: string | undefined;
  spec: string;
}

export interface GenerateSettings {
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
}

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
  private readonly grammars = new Map<string, Promise<LlamaGrammar | undefined>>();

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
        contextSize: settings.contextSize ?? { max: 8192 },
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

  async generate(
    messages: readonly ChatMessage[],
    settings: GenerateSettings,
  ): Promise<Generation> {
    const promptTokens = this.countPromptTokens(messages);
    const room = this.context.contextSize - promptTokens;
    if (room < 1) {
      // Refuse rather than let llama.cpp silently drop the start of the conversation.
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `${this.spec}: the prompt has ${promptTokens} tokens but context_size is ${this.context.contextSize}; raise context_size`,
      );
    }
    const grammar = settings.jsonSchema ? await this.grammarFor(settings.jsonSchema) : undefined;
    return this.pool.use(
      async (slot) => {
        let completionTokens = 0;
        slot.lastMessages = [];
        const result = await slot.chat.generateResponse(toHistory(messages), {
          temperature: settings.temperature,
          topP: settings.topP,
          seed: settings.seed,
          maxTokens: Math.min(settings.maxTokens, room),
          // OpenAI-compatible servers apply no repetition penalty by default; neither do we.
          repeatPenalty: false,
          grammar,
          signal: settings.signal,
          onToken: (tokens) => {
            completionTokens += tokens.length;
          },
        });
        slot.lastMessages = messages;
        const finishReason = result.metadata.stopReason === "maxTokens" ? "length" : "stop";
        return { content: result.response, promptTokens, completionTokens, finishReason };
      },
      (slot) => sharedPrefix(slot.lastMessages, messages),
      settings.signal,
    );
  }

  /**
   * A grammar forcing JSON that matches the schema. node-llama-cpp supports a subset of
   * JSON Schema; for a schema outside it the call runs unconstrained and the caller's
   * parser (which must exist anyway for hosted models) decides.
   */
  private grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar | undefined> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.loaded.llama
        .createGrammarForJsonSchema(schema as never)
        .catch(() => undefined);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
  }
}
