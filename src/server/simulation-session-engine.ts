import { PsysimError } from "../core/errors.js";
import type { Language } from "../core/language.js";
import { deriveSeed } from "../core/random.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { loadTemplate, type PromptTemplate, type TemplateOptions } from "../prompts/template.js";
import type { CallContext } from "../simulation/agent-call.js";
import { CLIENT_GREETING, ClientAgent } from "../simulation/client-agent.js";
import { CounselorAgent, type ExhaustedPolicy } from "../simulation/counselor-agent.js";
import { ResponseValidator, type ValidatorSettings } from "../simulation/response-validator.js";
import { SIMULATION_DEFAULTS } from "../simulation/simulate.js";
import { DEFAULT_TERMINATION_PHRASES, TerminationRule } from "../simulation/termination-rule.js";
import type { Turn } from "../core/dialogue.js";
import type { ArenaCounselor } from "../arena/arena-counselor.js";
import { flattenTranscript } from "../arena/counselor-registry.js";
import type { CandidateReply } from "./annotation-store.js";
import { counselorTurnCount } from "./arena-sessions.js";
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
  seed?: number;
}

/** The platform's engine built from psysim's simulation agents: ClientAgent Ω, CounselorAgent Ψ with σ, TerminationRule g. */
export class SimulationSessionEngine implements SessionEngine {
  readonly clientSpec: string;
  readonly maxTurns: number;
  private readonly options: SimulationEngineOptions;
  private readonly rules = new Map<Language, TerminationRule>();
  /** Templates read once per language (and counselor), not once per call. */
  private readonly clientTemplates = new Map<Language, PromptTemplate>();
  private readonly systemPrompts = new Map<string, { text: string } | undefined>();

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
      seed: deriveSeed(this.options.seed ?? 0, request.dialogueKey),
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
    const key = `${counselor}/${language}`;
    if (!this.systemPrompts.has(key)) this.systemPrompts.set(key, entry.systemPrompt(language));
    const system = this.systemPrompts.get(key);
    // Built as the arena's own session builds its counselors (src/arena/arena-session.ts), so human and LLM battles compare like with like.
    const agent = new CounselorAgent({
      model: entry.model,
      language,
      ...(system ? { systemPrompt: system.text } : {}),
      validator: new ResponseValidator(language, this.options.validator),
      maxAttempts: this.options.maxAttempts ?? SIMULATION_DEFAULTS.maxAttempts,
      exhaustedPolicy: this.options.exhaustedPolicy ?? SIMULATION_DEFAULTS.exhaustedPolicy,
      name: entry.name,
      ...(entry.sampling ? { sampling: entry.sampling } : {}),
      ...(entry.transcript
        ? {
            formatMessages: (history: readonly Turn[], prompt: string | undefined) =>
              flattenTranscript(entry.transcript!, history, prompt),
          }
        : {}),
    });
    const reply = await agent.reply(request.turns, this.context(request));
    return {
      content: reply.content,
      ...(reply.rejected.length ? { rejected: reply.rejected } : {}),
      validation: reply.validation,
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
