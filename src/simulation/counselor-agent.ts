import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import type { ExhaustedPolicy, RejectedReply, Turn } from "../core/dialogue.js";
import { emptyUsage, type Usage } from "../core/usage.js";
import type { ChatMessage, ChatModel, SamplingParams } from "../llm/chat-model.js";
import { callAgentModel, type CallContext } from "./agent-call.js";
import { countWords, type ResponseValidator } from "./response-validator.js";

export type { ExhaustedPolicy } from "../core/dialogue.js";

export interface CounselorAgentOptions {
  model: ChatModel;
  language: Language;
  /** The system prompt (the paper's Figure 9 prompt, a user's own, or none). */
  systemPrompt?: string;
  validator: ResponseValidator;
  /** Generations allowed per turn, the first included. */
  maxAttempts: number;
  exhaustedPolicy: ExhaustedPolicy;
  sampling?: SamplingParams;
  /** Names this counselor in sample keys and turns (the arena runs two side by side). */
  name?: string;
  /** In a follow-up series, which session this is (the baseline opens session 2+ differently). */
  sessionIndex?: number;
  /** Builds the model's input from the history; the default is chat messages with the system prompt. */
  formatMessages?: (history: readonly Turn[], systemPrompt: string | undefined) => ChatMessage[];
}

export interface CounselorReply {
  content: string;
  rejected: RejectedReply[];
  validation: "accepted" | "accepted_last_attempt" | "truncated";
  usage: Usage;
}

export function counselorMessages(
  history: readonly Turn[],
  systemPrompt: string | undefined,
): ChatMessage[] {
  return [
    ...(systemPrompt ? [{ role: "system" as const, content: systemPrompt }] : []),
    ...history.map((t): ChatMessage => ({
      role: t.role === "client" ? "user" : "assistant",
      content: t.content,
    })),
  ];
}

/** Cuts a refused reply down to what σ accepts: one line, within the length limit. */
export function truncateReply(reply: string, validator: ResponseValidator): string {
  const oneLine = reply.replace(/\s*[\r\n\u2028\u2029]+\s*/g, " ").trim();
  if (validator.language === "zh")
    return [...oneLine].slice(0, validator.settings.maxChineseChars).join("");
  if (countWords(oneLine) <= validator.settings.maxEnglishWords) return oneLine;
  const words = oneLine.split(/\s+/);
  let out = "";
  for (const word of words) {
    const next = out ? `${out} ${word}` : word;
    if (countWords(next) > validator.settings.maxEnglishWords) break;
    out = next;
  }
  return out;
}

/** The counselor Ψ (paper §3.5, Figure 9), with response refinement σ applied to every reply. */
export class CounselorAgent {
  readonly name: string;
  private readonly options: CounselorAgentOptions;

  constructor(options: CounselorAgentOptions) {
    this.options = options;
    this.name = options.name ?? "counselor";
  }

  /** `addition` follows the system prompt for this call only (the grounding block). */
  messages(history: readonly Turn[], addition?: string): ChatMessage[] {
    const system = addition
      ? [this.options.systemPrompt, addition].filter(Boolean).join("\n\n")
      : this.options.systemPrompt;
    return (this.options.formatMessages ?? counselorMessages)(history, system);
  }

  async reply(
    history: readonly Turn[],
    context: CallContext,
    addition?: string,
  ): Promise<CounselorReply> {
    const { model, validator, maxAttempts, exhaustedPolicy, language } = this.options;
    const usage = emptyUsage();
    const rejected: RejectedReply[] = [];
    const messages = this.messages(history, addition);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const content = (
        await callAgentModel(
          model,
          {
            messages,
            task: {
              kind: "counselor",
              language,
              ...(this.options.sessionIndex !== undefined && {
                session_index: this.options.sessionIndex,
              }),
            },
          },
          context,
          this.name,
          attempt,
          this.options.sampling ?? {},
          usage,
        )
      ).trim();
      const verdict = validator.check(content);
      if (verdict.ok) return { content, rejected, validation: "accepted", usage };
      rejected.push({ content, reasons: verdict.reasons });
    }
    const last = rejected.at(-1)?.content ?? "";
    if (exhaustedPolicy === "accept_last" && last !== "") {
      rejected.pop();
      return { content: last, rejected, validation: "accepted_last_attempt", usage };
    }
    if (exhaustedPolicy === "truncate" && truncateReply(last, validator) !== "") {
      return { content: truncateReply(last, validator), rejected, validation: "truncated", usage };
    }
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `${model.id}: no counselor reply passed the response validator in ${maxAttempts} attempts (dialogue ${context.dialogueId}, turn ${context.turn}; last refused for ${rejected.at(-1)?.reasons.join(", ") ?? "no reply"})`,
    );
  }
}
