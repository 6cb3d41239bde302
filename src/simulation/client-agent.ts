import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { Turn } from "../core/dialogue.js";
import { emptyUsage, type Usage } from "../core/usage.js";
import type { ChatMessage, ChatModel, SamplingParams } from "../llm/chat-model.js";
import { renderTemplate, type PromptTemplate } from "../prompts/template.js";
import { roleCardText } from "../prompts/role-card-text.js";
import { clientMannerRules } from "../prompts/client-manner.js";
import { callAgentModel, type CallContext } from "./agent-call.js";

/** The client's fixed opening line (Algorithm 1: u₁ = Ω.Speak()). */
export const CLIENT_GREETING: Record<Language, string> = { zh: "你好", en: "Hello" };

export interface ClientAgentOptions {
  model: ChatModel;
  card: RoleCard;
  language: Language;
  template: PromptTemplate;
  /** Rounds the client is told to expect, for templates with `{planned_rounds}` (prompt set psysim-v1). */
  plannedRounds: number;
  sampling?: SamplingParams;
  /** Attempts to get a non-empty utterance before the session fails. */
  maxAttempts?: number;
  /** A follow-up session's memory block (template followup-client), after the Figure 7 prompt. */
  followup?: string;
}

/** The client Ω (paper §3.4, Figure 7): speaks from its role card and sees the dialogue with roles flipped. */
export class ClientAgent {
  readonly systemPrompt: string;
  private readonly options: ClientAgentOptions;

  constructor(options: ClientAgentOptions) {
    this.options = options;
    // Figure 7 fixes "50 rounds" in its text; only the psysim-v1 set names the planned rounds.
    this.systemPrompt = renderTemplate(
      options.template,
      {
        role_card: roleCardText(options.card, options.language),
        planned_rounds: String(options.plannedRounds),
        // The card's style and resistance_level (rules 7 and 8); empty for the paper's cards.
        style_rule: clientMannerRules(options.card, options.language),
      },
      ["planned_rounds"],
    );
    if (options.followup) this.systemPrompt += `\n\n${options.followup}`;
  }

  greeting(): string {
    return CLIENT_GREETING[this.options.language];
  }

  /** The client's own lines are `assistant`, the counselor's are `user`; `addition` follows the system prompt (the grounding block). */
  messages(history: readonly Turn[], addition?: string): ChatMessage[] {
    return [
      {
        role: "system",
        content: addition ? `${this.systemPrompt}\n\n${addition}` : this.systemPrompt,
      },
      ...history.map((t): ChatMessage => ({
        role: t.role === "client" ? "assistant" : "user",
        content: t.content,
      })),
    ];
  }

  async speak(
    history: readonly Turn[],
    context: CallContext,
    addition?: string,
  ): Promise<{ content: string; usage: Usage }> {
    const usage = emptyUsage();
    const attempts = this.options.maxAttempts ?? 3;
    const messages = this.messages(history, addition);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const content = (
        await callAgentModel(
          this.options.model,
          {
            messages,
            task: { kind: "client", language: this.options.language, card: this.options.card },
          },
          context,
          "client",
          attempt,
          this.options.sampling ?? {},
          usage,
        )
      ).trim();
      if (content !== "") return { content, usage };
    }
    throw new PsysimError(
      "MODEL_CALL_FAILED",
      `${this.options.model.id}: the client model returned empty utterances ${attempts} times (dialogue ${context.dialogueId}, turn ${context.turn})`,
    );
  }
}
