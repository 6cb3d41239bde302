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
import { runSession, type OnRisk } from "./session-loop.js";
import { SessionGrounding, type GroundingSettings } from "./session-grounding.js";
import { DEFAULT_TERMINATION_PHRASES, TerminationRule } from "./termination-rule.js";
import { followupPrompt, writeSessionMemory, type SessionMemory } from "./session-memory.js";
import { streamDialogues } from "../core/read-records.js";

export interface SimulateOptions {
  cards: readonly RoleCard[];
  /** JSONL file the dialogues are appended to; finished ids already there are skipped. */
  out: string;
  maxTurns?: number;
  /** A client turn matching the crisis lexicon: `record` it in `meta.crisis_flags` (default) or also `stop` the session after the counselor's reply. */
  onRisk?: OnRisk;
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
  /**
   * Sessions per card (default 1). Session k+1 starts from a memory of sessions 1..k that the
   * counselor and client models write after each session (src/simulation/session-memory.ts).
   */
  sessions?: number;
  /** Style examples retrieved from a corpus of real exchanges each turn (docs/grounding.md). */
  grounding?: GroundingSettings;
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
  /** Sessions this run was asked for (after `limit`; cards × `sessions`). */
  requested: number;
  /** Already in the output file from an earlier run. */
  skipped: number;
  completed: number;
  failed: { dialogueId: string; error: string }[];
  usage: UsageByRole;
}

export const SIMULATION_DEFAULTS = {
  maxTurns: 50,
  onRisk: "record" as OnRisk,
  concurrency: 16,
  seed: 0,
  maxAttempts: 5,
  exhaustedPolicy: "accept_last" as ExhaustedPolicy,
  sessions: 1,
};

/**
 * A dialogue's id: the card id for a card's first (or only) session, `<card id>#<k>` for
 * session k of a follow-up series — so a single-session run can later be extended.
 */
export function dialogueIdFor(card: RoleCard, sessionIndex = 1): string {
  return sessionIndex === 1 ? card.id : `${card.id}#${sessionIndex}`;
}

/** The sessions of a card's series, 1..n. */
function sessionIndexes(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
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
  const output = new JsonlAppender(options.out, { kind: "dialogue" });
  try {
    const done = await readRecordIds(options.out);
    const part = options.cards.filter((card) => inShard(card.id, options.shard));
    const wanted = options.limit === undefined ? part : part.slice(0, options.limit);
    const indexes = sessionIndexes(settings.sessions);
    const isDone = (card: RoleCard, k: number) => done.has(dialogueIdFor(card, k));
    const todo = wanted.filter((card) => indexes.some((k) => !isDone(card, k)));
    const total = wanted.length * indexes.length;
    const skipped = wanted.reduce(
      (n, card) => n + indexes.filter((k) => isDone(card, k)).length,
      0,
    );
    // A series resumes at its first missing session, from the memory its finished one leads to.
    const resumeFrom = await finishedBeforeGaps(options.out, todo, indexes, isDone);
    const summary: SimulateSummary = {
      out: options.out,
      requested: total,
      skipped,
      completed: 0,
      failed: [],
      usage: {},
    };
    onEvent({ type: "run-start", total: total - skipped, skipped: summary.skipped });

    // A fatal failure (no key, no credit, breaker open) stops the run; finished dialogues stay.
    // One task per card: the sessions of a series run in order, the series side by side.
    await runWorkerPool(
      todo.length,
      {
        concurrency: settings.concurrency,
        onTaskError: (error, task) => {
          const card = todo[task]!;
          const k = indexes.find((i) => !isDone(card, i)) ?? 1;
          const dialogueId = dialogueIdFor(card, k);
          const message = error instanceof Error ? error.message : String(error);
          summary.failed.push({ dialogueId, error: message });
          onEvent({ type: "session-failed", dialogueId, error: message });
        },
      },
      async (task) => {
        const card = todo[task]!;
        let previous: Dialogue | undefined;
        for (const k of indexes) {
          if (isDone(card, k)) {
            previous = resumeFrom.get(dialogueIdFor(card, k));
            continue;
          }
          const dialogue = await simulateOne(
            card,
            settings,
            models,
            (role, usage) => {
              addUsageByRole(summary.usage, role, usage);
              onEvent({ type: "usage", role, usage });
            },
            settings.sessions > 1 ? { index: k, previous } : undefined,
          );
          output.append(dialogue);
          done.add(dialogue.id);
          previous = dialogue;
          summary.completed++;
          onEvent({ type: "session-end", dialogueId: dialogue.id, turns: dialogue.turns.length });
        }
      },
    );
    return summary;
  } finally {
    output.close();
  }
}

type Settings = typeof SIMULATION_DEFAULTS & SimulateOptions;

/** Finished sessions whose next session is still to run: the memory is rebuilt from them. */
async function finishedBeforeGaps(
  out: string,
  cards: readonly RoleCard[],
  indexes: readonly number[],
  isDone: (card: RoleCard, k: number) => boolean,
): Promise<Map<string, Dialogue>> {
  const wanted = new Set<string>();
  for (const card of cards)
    for (const k of indexes.slice(1))
      if (!isDone(card, k) && isDone(card, k - 1)) wanted.add(dialogueIdFor(card, k - 1));
  const found = new Map<string, Dialogue>();
  if (wanted.size === 0) return found;
  for await (const d of streamDialogues(out)) if (wanted.has(d.id)) found.set(d.id, d);
  return found;
}

/** Session k of a follow-up series, and the finished session k−1 it continues. */
interface SeriesStep {
  index: number;
  previous: Dialogue | undefined;
}

async function simulateOne(
  card: RoleCard,
  settings: Settings,
  models: SimulateModels,
  onUsage: (role: string, usage: Usage) => void,
  series?: SeriesStep,
): Promise<Dialogue> {
  const language = settings.language ?? card.language;
  const dialogueId = dialogueIdFor(card, series?.index);
  const seed = deriveSeed(settings.seed, dialogueId);
  const memoryUsage: UsageByRole = {};
  const memory =
    series && series.index > 1
      ? await writeSessionMemory(
          models,
          {
            language,
            sessionIndex: series.index - 1,
            previous: series.previous?.meta["memory"] as SessionMemory | undefined,
            turns: series.previous?.turns ?? [],
            ...(settings.templates ? { templates: settings.templates } : {}),
            sampling: {
              ...(settings.clientSampling ? { client: settings.clientSampling } : {}),
              ...(settings.counselorSampling ? { counselor: settings.counselorSampling } : {}),
            },
          },
          { dialogueId, turn: 0, seed },
          (role, usage) => {
            addUsageByRole(memoryUsage, role, usage);
            onUsage(role, usage);
          },
        )
      : undefined;
  const followup = memory
    ? {
        client: followupPrompt("client", language, series!.index, memory, settings.templates),
        counselor: followupPrompt("counselor", language, series!.index, memory, settings.templates),
      }
    : undefined;
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
    ...(followup ? { followup: followup.client.text } : {}),
    ...(settings.clientSampling ? { sampling: settings.clientSampling } : {}),
  });
  const counselor = new CounselorAgent({
    model: models.counselor,
    language,
    systemPrompt: followup
      ? `${counselorTemplate.text}\n\n${followup.counselor.text}`
      : counselorTemplate.text,
    ...(series ? { sessionIndex: series.index } : {}),
    validator,
    maxAttempts: settings.maxAttempts,
    exhaustedPolicy: settings.exhaustedPolicy,
    ...(settings.counselorSampling ? { sampling: settings.counselorSampling } : {}),
  });
  const grounding = settings.grounding
    ? new SessionGrounding(settings.grounding, card, language, settings.templates)
    : undefined;
  const startedAt = new Date().toISOString();
  const outcome = await runSession({
    dialogueId,
    client: {
      greeting: () => client.greeting(),
      speak: async (history, context) => {
        const examples = await grounding?.forRole("client", history);
        const spoken = await client.speak(history, context, examples?.block);
        return examples ? { ...spoken, meta: { grounding: examples.ids } } : spoken;
      },
    },
    counselor: async (history, context) => {
      const examples = await grounding?.forRole("counselor", history);
      const reply = await counselor.reply(history, context, examples?.block);
      return {
        turn: {
          role: "counselor",
          content: reply.content,
          ...(reply.rejected.length > 0 ? { rejected: reply.rejected } : {}),
          ...(reply.validation !== "accepted" ? { validation: reply.validation } : {}),
          ...(examples ? { meta: { grounding: examples.ids } } : {}),
        },
        usage: { counselor: reply.usage },
      };
    },
    termination,
    maxTurns: settings.maxTurns,
    onRisk: settings.onRisk,
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
      prompts: {
        client: promptRef(clientTemplate),
        counselor: promptRef(counselorTemplate),
        ...(followup && {
          followup_client: followup.client.ref,
          followup_counselor: followup.counselor.ref,
        }),
        ...Object.fromEntries(
          Object.entries(grounding?.templates ?? {}).map(([role, t]) => [
            `grounding-${role}`,
            promptRef(t),
          ]),
        ),
      },
      ...(series && {
        series_id: card.id,
        session_index: series.index,
        sessions_planned: settings.sessions,
      }),
      ...(memory && { memory }),
      // The card's manner as played, so a dialogue file alone says which rules its client had.
      ...((card.style || card.resistance_level) && {
        client_manner: {
          ...(card.style && { style: card.style }),
          ...(card.resistance_level && { resistance_level: card.resistance_level }),
        },
      }),
      ...(settings.grounding ? { grounding: groundingRecord(settings.grounding) } : {}),
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
      usage: mergeUsage(outcome.usage, memoryUsage),
      ...(outcome.contextDrops.length > 0 ? { context_dropped: outcome.contextDrops } : {}),
      ...(outcome.crisisFlags.length > 0 ? { crisis_flags: outcome.crisisFlags } : {}),
      psysim_version: PSYSIM_VERSION,
    },
  };
}

function mergeUsage(a: UsageByRole, b: UsageByRole): UsageByRole {
  const out: UsageByRole = {};
  for (const part of [a, b])
    for (const [role, usage] of Object.entries(part)) addUsageByRole(out, role, usage);
  return out;
}

/** What a grounded dialogue records about its corpus, so an analysis can tell runs apart. */
function groundingRecord(grounding: GroundingSettings): Record<string, unknown> {
  const { info } = grounding.index;
  return {
    index: grounding.index.file,
    source_sha256: info.source_sha256,
    exchanges: Number(info.exchanges_zh ?? 0) + Number(info.exchanges_en ?? 0),
    k: grounding.k,
    role: grounding.role,
    retrieval: grounding.embedding ? `bm25+${grounding.embedding.id} (reciprocal rank)` : "bm25",
    // A corpus of baseline dialogues is a toy (the demo's), not real sessions.
    ...(info.baseline === "true" ? { toy_corpus: true } : {}),
  };
}
