import { schemaTag } from "../core/schema.js";
import { definedOnly, JsonlAppender, readRecordIds } from "../core/jsonl.js";
import { deriveSeed } from "../core/random.js";
import { PSYSIM_VERSION } from "../core/version.js";
import { runWorkerPool } from "../core/worker-pool.js";
import { formatShard, inShard, type Shard } from "../core/shard.js";
import { addUsageByRole, type Usage, type UsageByRole } from "../core/usage.js";
import type { Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { loadTemplate, promptRef, type TemplateOptions } from "../prompts/template.js";
import { ClientAgent } from "./client-agent.js";
import { CounselorAgent, type ExhaustedPolicy } from "./counselor-agent.js";
import { ResponseValidator, type ValidatorSettings } from "./response-validator.js";
import { runSession } from "./session-loop.js";
import { DEFAULT_TERMINATION_PHRASES, TerminationRule } from "./termination-rule.js";

export interface SimulateOptions {
  cards: readonly RoleCard[];
  /** JSONL file the dialogues are appended to; finished ids already there are skipped. */
  out: string;
  maxTurns?: number;
  concurrency?: number;
  /** Simulate only the first N cards (of this shard's part, with `shard`). */
  limit?: number;
  /** Only the cards whose id hashes to this part of the pool (`--shard k/n`, see core/shard.ts). */
  shard?: Shard;
  seed?: number;
  /** Force every session into this language; by default each card's own. */
  language?: Language;
  validator?: Partial<ValidatorSettings>;
  maxAttempts?: number;
  exhaustedPolicy?: ExhaustedPolicy;
  terminationPhrases?: Partial<Record<Language, readonly string[]>>;
  templates?: TemplateOptions;
  clientSampling?: SamplingParams;
  counselorSampling?: SamplingParams;
}

export interface SimulateModels {
  client: ChatModel;
  counselor: ChatModel;
}

export type SimulationEvent =
  | { type: "run-start"; total: number; skipped: number }
  | { type: "usage"; role: string; usage: Usage }
  | { type: "session-end"; dialogueId: string; turns: number }
  | { type: "session-failed"; dialogueId: string; error: string };

export interface SimulateSummary {
  out: string;
  /** Sessions this run was asked for (after `limit`). */
  requested: number;
  /** Already in the output file from an earlier run. */
  skipped: number;
  completed: number;
  failed: { dialogueId: string; error: string }[];
  usage: UsageByRole;
}

export const SIMULATION_DEFAULTS = {
  maxTurns: 50,
  concurrency: 16,
  seed: 0,
  maxAttempts: 5,
  exhaustedPolicy: "accept_last" as ExhaustedPolicy,
};

/** A dialogue's id: one session per card, so the card id names it. */
export function dialogueIdFor(card: RoleCard): string {
  return card.id;
}

/**
 * Runs Algorithm 1 for many cards concurrently. A dialogue is appended to `out` only when
 * it is complete, in one write; a failed session is reported and left out, so rerunning
 * the same command retries it while finished calls replay from the cache.
 */
export async function simulate(
  options: SimulateOptions,
  models: SimulateModels,
  onEvent: (event: SimulationEvent) => void = () => {},
): Promise<SimulateSummary> {
  const settings: Settings = {
    ...SIMULATION_DEFAULTS,
    ...definedOnly(options),
    cards: options.cards,
    out: options.out,
  };
  // Open (and repair) the output before reading it, so a torn last line is not counted as finished.
  const output = new JsonlAppender(options.out);
  try {
    const done = await readRecordIds(options.out);
    const part = options.cards.filter((card) => inShard(card.id, options.shard));
    const wanted = options.limit === undefined ? part : part.slice(0, options.limit);
    const todo = wanted.filter((card) => !done.has(dialogueIdFor(card)));
    const summary: SimulateSummary = {
      out: options.out,
      requested: wanted.length,
      skipped: wanted.length - todo.length,
      completed: 0,
      failed: [],
      usage: {},
    };
    onEvent({ type: "run-start", total: todo.length, skipped: summary.skipped });

    // A fatal failure (no key, no credit, breaker open) stops the run; finished dialogues stay.
    await runWorkerPool(
      todo.length,
      {
        concurrency: settings.concurrency,
        onTaskError: (error, task) => {
          const dialogueId = dialogueIdFor(todo[task]!);
          const message = error instanceof Error ? error.message : String(error);
          summary.failed.push({ dialogueId, error: message });
          onEvent({ type: "session-failed", dialogueId, error: message });
        },
      },
      async (task) => {
        const card = todo[task]!;
        const dialogue = await simulateOne(card, settings, models, (role, usage) => {
          addUsageByRole(summary.usage, role, usage);
          onEvent({ type: "usage", role, usage });
        });
        output.append(dialogue);
        summary.completed++;
        onEvent({
          type: "session-end",
          dialogueId: dialogueIdFor(card),
          turns: dialogue.turns.length,
        });
      },
    );
    return summary;
  } finally {
    output.close();
  }
}

type Settings = typeof SIMULATION_DEFAULTS & SimulateOptions;

async function simulateOne(
  card: RoleCard,
  settings: Settings,
  models: SimulateModels,
  onUsage: (role: string, usage: Usage) => void,
): Promise<Dialogue> {
  const language = settings.language ?? card.language;
  const dialogueId = dialogueIdFor(card);
  const seed = deriveSeed(settings.seed, dialogueId);
  const clientTemplate = loadTemplate("client", language, settings.templates);
  const counselorTemplate = loadTemplate("counselor", language, settings.templates);
  const validator = new ResponseValidator(language, settings.validator);
  const termination = new TerminationRule(
    language,
    settings.terminationPhrases?.[language] ?? DEFAULT_TERMINATION_PHRASES[language],
  );
  const client = new ClientAgent({
    model: models.client,
    card,
    language,
    template: clientTemplate,
    plannedRounds: settings.maxTurns,
    ...(settings.clientSampling ? { sampling: settings.clientSampling } : {}),
  });
  const counselor = new CounselorAgent({
    model: models.counselor,
    language,
    systemPrompt: counselorTemplate.text,
    validator,
    maxAttempts: settings.maxAttempts,
    exhaustedPolicy: settings.exhaustedPolicy,
    ...(settings.counselorSampling ? { sampling: settings.counselorSampling } : {}),
  });
  const startedAt = new Date().toISOString();
  const outcome = await runSession({
    dialogueId,
    client,
    counselor: async (history, context) => {
      const reply = await counselor.reply(history, context);
      return {
        turn: {
          role: "counselor",
          content: reply.content,
          ...(reply.rejected.length > 0 ? { rejected: reply.rejected } : {}),
          ...(reply.validation !== "accepted" ? { validation: reply.validation } : {}),
        },
        usage: { counselor: reply.usage },
      };
    },
    termination,
    maxTurns: settings.maxTurns,
    seed,
    onUsage,
  });
  return {
    schema: schemaTag("dialogue"),
    id: dialogueId,
    role_card_id: card.id,
    language,
    turns: outcome.turns,
    ended_by: outcome.endedBy,
    ...(outcome.terminationPhrase !== undefined
      ? { termination_phrase: outcome.terminationPhrase }
      : {}),
    meta: {
      client: models.client.id,
      counselor: models.counselor.id,
      ...(models.client.isBaseline || models.counselor.isBaseline ? { baseline: true } : {}),
      prompts: { client: promptRef(clientTemplate), counselor: promptRef(counselorTemplate) },
      seed,
      run_seed: settings.seed,
      ...(settings.shard ? { shard: formatShard(settings.shard) } : {}),
      max_turns: settings.maxTurns,
      validator: {
        ...validator.settings,
        max_attempts: settings.maxAttempts,
        exhausted_policy: settings.exhaustedPolicy,
      },
      termination_phrases: termination.phrases,
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      usage: outcome.usage,
      ...(outcome.contextDrops.length > 0 ? { context_dropped: outcome.contextDrops } : {}),
      psysim_version: PSYSIM_VERSION,
    },
  };
}
