import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { loadTemplate, type PromptTemplate, type TemplateOptions } from "../prompts/template.js";
import type { CallContext } from "../simulation/agent-call.js";
import { CLIENT_GREETING, ClientAgent } from "../simulation/client-agent.js";
import type { ExhaustedPolicy } from "../simulation/counselor-agent.js";
import { ResponseValidator, type ValidatorSettings } from "../simulation/response-validator.js";
import { SIMULATION_DEFAULTS } from "../simulation/simulate.js";
import { DEFAULT_TERMINATION_PHRASES, TerminationRule } from "../simulation/termination-rule.js";
import type { ArenaCounselor } from "../arena/arena-counselor.js";
import { counselorAgent, type CandidateReply } from "../arena/arena-turn.js";
import { counselorTurnCount } from "../core/dialogue.js";
import type { EngineRequest, SessionEngine } from "./session-engine.js";

export interface SimulationEngineOptions {
  client: ChatModel;
  /** The counselors the admin may pair, as the arena's registry builds them from `counselors:`. */
  counselors: ReadonlyMap<string, ArenaCounselor>;
  clientSampling?: SamplingParams;
  maxTurns?: number;
  validator?: Partial<ValidatorSettings>;
  maxAttempts?: number;
  exhaustedPolicy?: ExhaustedPolicy;
  terminationPhrases?: Partial<Record<Language, readonly string[]>>;
  templates?: TemplateOptions;
}

/** The platform's engine built from psysim's simulation agents: ClientAgent Ω, CounselorAgent Ψ with σ, TerminationRule g. */
export class SimulationSessionEngine implements SessionEngine {
  readonly clientSpec: string;
  readonly maxTurns: number;
  private readonly options: SimulationEngineOptions;
  private readonly rules = new Map<Language, TerminationRule>();
  /** Templates read once per language, not once per call. */
  private readonly clientTemplates = new Map<Language, PromptTemplate>();

  constructor(options: SimulationEngineOptions) {
    if (options.counselors.size < 2)
      throw new PsysimError(
        "CONFIG_INVALID",
        `the annotation platform needs at least two counselors to compare; ${options.counselors.size} configured`,
      );
    this.options = options;
    this.clientSpec = options.client.id;
    this.maxTurns = options.maxTurns ?? SIMULATION_DEFAULTS.maxTurns;
  }

  counselorNames(): string[] {
    return [...this.options.counselors.keys()];
  }

  greeting(language: Language): string {
    return CLIENT_GREETING[language];
  }

  /** Algorithm 1's turn numbering: the client utterance and the counselor reply that follows share a number. */
  private context(request: EngineRequest): CallContext {
    return {
      dialogueId: request.dialogueKey,
      turn: counselorTurnCount(request.turns) + 1,
      seed: request.seed,
    };
  }

  private clientTemplate(language: Language): PromptTemplate {
    let template = this.clientTemplates.get(language);
    if (!template)
      this.clientTemplates.set(
        language,
        (template = loadTemplate("client", language, this.options.templates)),
      );
    return template;
  }

  async clientReply(request: EngineRequest): Promise<string> {
    const language = request.card.language;
    const agent = new ClientAgent({
      model: this.options.client,
      card: request.card,
      language,
      template: this.clientTemplate(language),
      plannedRounds: this.maxTurns,
      ...(this.options.clientSampling ? { sampling: this.options.clientSampling } : {}),
    });
    return (await agent.speak(request.turns, this.context(request))).content;
  }

  async counselorReply(counselor: string, request: EngineRequest): Promise<CandidateReply> {
    const entry = this.options.counselors.get(counselor);
    if (!entry)
      throw new PsysimError(
        "CONFIG_INVALID",
        `counselor ${counselor} is not configured any more; add it back to the config or reassign`,
      );
    const language = request.card.language;
    // The arena's own counselor (arena/arena-turn.ts), so human and LLM battles compare like with like.
    const agent = counselorAgent(entry, language, {
      validator: new ResponseValidator(language, this.options.validator),
      maxAttempts: this.options.maxAttempts ?? SIMULATION_DEFAULTS.maxAttempts,
      exhaustedPolicy: this.options.exhaustedPolicy ?? SIMULATION_DEFAULTS.exhaustedPolicy,
    });
    const reply = await agent.reply(request.turns, this.context(request));
    return {
      content: reply.content,
      ...(reply.rejected.length ? { rejected: reply.rejected } : {}),
      ...(reply.validation !== "accepted" ? { validation: reply.validation } : {}),
    };
  }

  terminationPhrase(reply: string, language: Language): string | null {
    let rule = this.rules.get(language);
    if (!rule) {
      rule = new TerminationRule(
        language,
        this.options.terminationPhrases?.[language] ?? DEFAULT_TERMINATION_PHRASES[language],
      );
      this.rules.set(language, rule);
    }
    return rule.match(reply) ?? null;
  }
}
