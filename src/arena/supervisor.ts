import type { Winner } from "../core/battle.js";
import type { Language } from "../core/language.js";
import type { Turn } from "../core/dialogue.js";
import { emptyUsage, type Usage } from "../core/usage.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { promptRef, type PromptTemplate } from "../prompts/template.js";
import { callAgentModel, type CallContext } from "../simulation/agent-call.js";
import { presentationOrder, type PresentationOrder } from "./arena-turn.js";
import { parseSupervisorAnswer, type SupervisorLetter } from "./supervisor-answer.js";
import { renderSupervisorPrompt, type SupervisorPrompt } from "./supervisor-template.js";

export interface SupervisorOptions {
  model: ChatModel;
  prompt: SupervisorPrompt;
  /** Templates by language, from `loadSupervisorTemplate`. */
  templates: Partial<Record<Language, PromptTemplate>>;
  /** Calls per judgement; an unparsed answer is asked again with a fresh sample key. */
  maxAttempts?: number;
  sampling?: SamplingParams;
}

export interface Judgement {
  letter: SupervisorLetter | null;
  /** The answer text the letter was read from (the last one when none parsed). */
  answer: string;
  attempts: number;
}

export interface ComparisonVerdict {
  winner: Winner | null;
  /** Which model was shown as option A; unset when both orders were judged. */
  order?: PresentationOrder;
  /** Both-order judging only: whether the two verdicts named the same model. */
  consistent?: boolean;
  rationale: string;
  usage: Usage;
}

/**
 * The supervisor π of Algorithm 2: an LLM that reads the session so far and two candidate
 * replies, shown in a seeded random order, and picks one with prompt 1 (Figure 12) or 2
 * (Figure 13). Answers are parsed strictly and never turned into a pick by default.
 */
export class Supervisor {
  readonly judgeId: string;
  private readonly options: SupervisorOptions;

  constructor(options: SupervisorOptions) {
    this.options = options;
    // A rule-based judge must never pass for an LLM, in the battles it signs either.
    this.judgeId = `${options.model.isBaseline ? "baseline" : "llm"}:${options.model.id}:${options.prompt}`;
  }

  template(language: Language): PromptTemplate {
    const template = this.options.templates[language];
    if (!template) throw new Error(`no supervisor template loaded for ${language}`);
    return template;
  }

  promptRef(language: Language) {
    return promptRef(this.template(language));
  }

  /** One judgement of two replies in the order shown; `speaker` names the call in sample keys. */
  async judge(
    language: Language,
    history: readonly Turn[],
    shown: readonly [string, string],
    context: CallContext,
    speaker: string,
    usage: Usage,
  ): Promise<Judgement> {
    const content = renderSupervisorPrompt(this.template(language), language, history, shown);
    const attempts = this.options.maxAttempts ?? 2;
    let answer = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      answer = await callAgentModel(
        this.options.model,
        {
          messages: [{ role: "user", content }],
          task: {
            kind: "supervisor",
            language,
            detail: { prompt: this.options.prompt, candidates: { A: shown[0], B: shown[1] } },
          },
        },
        context,
        speaker,
        attempt,
        this.options.sampling ?? {},
        usage,
      );
      const verdict = parseSupervisorAnswer(answer);
      if (verdict.letter !== null) return { letter: verdict.letter, answer, attempts: attempt };
    }
    return { letter: null, answer, attempts };
  }

  /**
   * Judges reply a against reply b. The display order is a seeded coin flip per turn; with
   * `bothOrders` both orders are judged and a verdict that follows the position is a tie.
   */
  async compare(
    language: Language,
    history: readonly Turn[],
    replyA: string,
    replyB: string,
    context: CallContext,
    bothOrders: boolean,
  ): Promise<ComparisonVerdict> {
    const usage = emptyUsage();
    const inOrder = async (order: PresentationOrder) => {
      const shown: [string, string] = order === "ab" ? [replyA, replyB] : [replyB, replyA];
      const judgement = await this.judge(
        language,
        history,
        shown,
        context,
        `supervisor-${order}`,
        usage,
      );
      const winner: Winner | null =
        judgement.letter === null
          ? null
          : (judgement.letter === "A") === (order === "ab")
            ? "a"
            : "b";
      return { winner, judgement };
    };
    if (!bothOrders) {
      const order = presentationOrder(context.seed, context.turn);
      const { winner, judgement } = await inOrder(order);
      return { winner, order, rationale: judgement.answer, usage };
    }
    const [ab, ba] = await Promise.all([inOrder("ab"), inOrder("ba")]);
    const rationale = `[ab] ${ab.judgement.answer}\n\n[ba] ${ba.judgement.answer}`;
    if (ab.winner === null || ba.winner === null) return { winner: null, rationale, usage };
    if (ab.winner === ba.winner) return { winner: ab.winner, consistent: true, rationale, usage };
    return { winner: "tie", consistent: false, rationale, usage };
  }
}
