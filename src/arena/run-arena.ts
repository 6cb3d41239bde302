import { PsysimError } from "../core/errors.js";
import { definedOnly, JsonlAppender } from "../core/jsonl.js";
import { runWorkerPool } from "../core/worker-pool.js";
import { inShard, type Shard } from "../core/shard.js";
import { addUsageByRole, type Usage, type UsageByRole } from "../core/usage.js";
import type { Language } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import type { Battle } from "../core/battle.js";
import type { Dialogue } from "../core/dialogue.js";
import type { ChatModel, SamplingParams } from "../llm/chat-model.js";
import { loadTemplate, type TemplateOptions } from "../prompts/template.js";
import type { ExhaustedPolicy } from "../simulation/counselor-agent.js";
import { ResponseValidator, type ValidatorSettings } from "../simulation/response-validator.js";
import { SIMULATION_DEFAULTS } from "../simulation/simulate.js";
import { DEFAULT_TERMINATION_PHRASES, TerminationRule } from "../simulation/termination-rule.js";
import type { ArenaCounselor } from "./arena-counselor.js";
import { runArenaSession } from "./battle-session.js";
import {
  battleFingerprint,
  dialogueFingerprint,
  readArenaProgress,
  type ArenaProgress,
} from "./arena-progress.js";
import { schedulePairs } from "./pair-schedule.js";
import { Supervisor } from "./supervisor.js";
import { loadSupervisorTemplate, type SupervisorPrompt } from "./supervisor-template.js";

/**
 * Where the arena writes its dialogues when `--dialogues-out` is not given, and so where
 * readers of its battles look for the histories: `battles.jsonl` → `battles.dialogues.jsonl`.
 */
export function arenaDialoguesFile(battlesFile: string): string {
  return battlesFile.endsWith(".jsonl")
    ? `${battlesFile.slice(0, -".jsonl".length)}.dialogues.jsonl`
    : `${battlesFile}.dialogues.jsonl`;
}

export interface ArenaOptions {
  cards: readonly RoleCard[];
  /** Counselor names, in the order given; each must be in `models.counselors`. */
  counselors: readonly string[];
  /** Battles file (JSONL, appended). */
  out: string;
  /** Dialogues file (JSONL, appended); its finished ids are skipped on a rerun. */
  dialoguesOut: string;
  prompt?: SupervisorPrompt;
  bothOrders?: boolean;
  sessionsPerPair?: number;
  seed?: number;
  concurrency?: number;
  maxTurns?: number;
  /** Force every session into this language; by default each card's own. */
  language?: Language;
  validator?: Partial<ValidatorSettings>;
  maxAttempts?: number;
  exhaustedPolicy?: ExhaustedPolicy;
  /** Supervisor calls per judgement before the verdict is recorded as unparsed. */
  judgeAttempts?: number;
  terminationPhrases?: Partial<Record<Language, readonly string[]>>;
  templates?: TemplateOptions;
  clientSampling?: SamplingParams;
  judgeSampling?: SamplingParams;
  signal?: AbortSignal;
  /**
   * Only the sessions whose card id hashes to this part (`--shard k/n`). The schedule is made
   * over the whole pool first, so the shards together hold exactly the unsharded run.
   */
  shard?: Shard;
}

export interface ArenaModels {
  client: ChatModel;
  judge: ChatModel;
  counselors: ReadonlyMap<string, ArenaCounselor>;
}

export type ArenaEvent =
  | { type: "run-start"; total: number; skipped: number }
  | { type: "usage"; role: string; usage: Usage }
  | { type: "session-end"; dialogueId: string; battles: number }
  | { type: "session-failed"; dialogueId: string; error: string };

export interface ArenaSummary {
  out: string;
  dialoguesOut: string;
  judge: string;
  scheduled: number;
  skipped: number;
  completed: number;
  battles: number;
  /** Battles whose supervisor answer could not be parsed after every attempt (`winner: null`). */
  unparsed: number;
  /** Turns whose candidates were identical: not judged, so no battle (`identicalCandidates`). */
  identical: number;
  failed: { dialogueId: string; error: string }[];
  usage: UsageByRole;
}

export const ARENA_DEFAULTS = {
  prompt: 2 as SupervisorPrompt,
  bothOrders: false,
  seed: 0,
  concurrency: 8,
  maxTurns: SIMULATION_DEFAULTS.maxTurns,
  maxAttempts: SIMULATION_DEFAULTS.maxAttempts,
  exhaustedPolicy: SIMULATION_DEFAULTS.exhaustedPolicy,
  judgeAttempts: 2,
};

/**
 * A redone session must match what an earlier run already recorded of it (calls replay from
 * the cache, so they do); otherwise the kept half and the new half would describe two
 * different sessions, and the session is reported as failed instead of written.
 */
function assertReproduces(
  id: string,
  dialogue: Dialogue,
  battles: readonly Battle[],
  recorded: ArenaProgress,
  options: Pick<ArenaOptions, "out" | "dialoguesOut">,
): void {
  const kept = recorded.dialogues.get(id);
  const differs =
    (kept !== undefined && kept !== dialogueFingerprint(dialogue)) ||
    battles.some((b) => {
      const had = recorded.battles.get(b.id);
      return had !== undefined && had !== battleFingerprint(b);
    });
  if (differs)
    throw new PsysimError(
      "INPUT_INVALID",
      `session ${id} is only partly recorded (${options.out}, ${options.dialoguesOut}) and redoing it gave a different session (the call cache was off or cleared); delete its lines from both files to run it afresh`,
    );
}

/** The sessions a run with these options schedules, after `--shard` (`--dry-run` plans the same). */
export function scheduleArena(
  options: Pick<ArenaOptions, "cards" | "counselors" | "seed" | "sessionsPerPair" | "shard">,
) {
  return schedulePairs(options.counselors, options.cards, {
    seed: options.seed ?? ARENA_DEFAULTS.seed,
    ...(options.sessionsPerPair !== undefined ? { sessionsPerPair: options.sessionsPerPair } : {}),
  }).filter((session) => inShard(session.card.id, options.shard));
}

/**
 * Runs the arena (Algorithm 2) over a balanced schedule of counselor pairs. Each session's
 * battles and then its dialogue are appended only when the session is complete. A session
 * counts as finished only when its dialogue and all its battles are on disk; any other
 * session is redone (its calls replay from the cache) and only its missing records are
 * written, so a rerun after a crash, or after a file was deleted, adds no duplicates.
 */
export async function runArena(
  options: ArenaOptions,
  models: ArenaModels,
  onEvent: (event: ArenaEvent) => void = () => {},
): Promise<ArenaSummary> {
  const settings = { ...ARENA_DEFAULTS, ...definedOnly(options) };
  const missing = options.counselors.filter((name) => !models.counselors.has(name));
  if (missing.length > 0)
    throw new PsysimError(
      "INPUT_INVALID",
      `unknown counselor ${missing.join(", ")}: add it under counselors: in psysim.yaml or name a model spec`,
    );
  const pair = (name: string): ArenaCounselor => models.counselors.get(name)!;
  const sessions = scheduleArena(options);
  const languages = [...new Set(sessions.map((s) => options.language ?? s.card.language))];
  // Load every template before the first call, so a broken override costs nothing.
  const clientTemplates = new Map(
    languages.map((l) => [l, loadTemplate("client", l, options.templates)]),
  );
  const supervisor = new Supervisor({
    model: models.judge,
    prompt: settings.prompt,
    templates: Object.fromEntries(
      languages.map((l) => [l, loadSupervisorTemplate(settings.prompt, l, options.templates)]),
    ),
    maxAttempts: settings.judgeAttempts,
    ...(options.judgeSampling ? { sampling: options.judgeSampling } : {}),
  });
  for (const s of sessions)
    for (const name of s.pair) for (const l of languages) pair(name).systemPrompt(l);

  const battlesFile = new JsonlAppender(options.out, { kind: "battle" });
  const dialoguesFile = new JsonlAppender(options.dialoguesOut, { kind: "dialogue" });
  try {
    const recorded = await readArenaProgress(options.out, options.dialoguesOut);
    const todo = sessions.filter((s) => !recorded.finished.has(s.id));
    const summary: ArenaSummary = {
      out: options.out,
      dialoguesOut: options.dialoguesOut,
      judge: supervisor.judgeId,
      scheduled: sessions.length,
      skipped: sessions.length - todo.length,
      completed: 0,
      battles: 0,
      unparsed: 0,
      identical: 0,
      failed: [],
      usage: {},
    };
    onEvent({ type: "run-start", total: todo.length, skipped: summary.skipped });
    // A fatal failure (quota exhausted, no key, breaker open) stops the run; finished sessions stay.
    await runWorkerPool(
      todo.length,
      {
        concurrency: settings.concurrency,
        ...(options.signal ? { signal: options.signal } : {}),
        onTaskError: (error, task) => {
          const dialogueId = todo[task]!.id;
          const message = error instanceof Error ? error.message : String(error);
          summary.failed.push({ dialogueId, error: message });
          onEvent({ type: "session-failed", dialogueId, error: message });
        },
      },
      async (task) => {
        const session = todo[task]!;
        const language = options.language ?? session.card.language;
        const { dialogue, battles, identical } = await runArenaSession({
          id: session.id,
          card: session.card,
          language,
          pair: [pair(session.pair[0]), pair(session.pair[1])],
          client: models.client,
          clientTemplate: clientTemplates.get(language)!,
          ...(options.clientSampling ? { clientSampling: options.clientSampling } : {}),
          supervisor,
          bothOrders: settings.bothOrders,
          validator: new ResponseValidator(language, options.validator),
          termination: new TerminationRule(
            language,
            options.terminationPhrases?.[language] ?? DEFAULT_TERMINATION_PHRASES[language],
          ),
          maxTurns: settings.maxTurns,
          maxAttempts: settings.maxAttempts,
          exhaustedPolicy: settings.exhaustedPolicy,
          runSeed: settings.seed,
          ...(options.signal ? { signal: options.signal } : {}),
          onUsage: (role, usage) => {
            addUsageByRole(summary.usage, role, usage);
            onEvent({ type: "usage", role, usage });
          },
        });
        assertReproduces(session.id, dialogue, battles, recorded, options);
        for (const battle of battles)
          if (!recorded.battles.has(battle.id)) battlesFile.append(battle);
        if (!recorded.dialogues.has(dialogue.id)) dialoguesFile.append(dialogue);
        summary.completed += 1;
        summary.battles += battles.length;
        summary.unparsed += battles.filter((b) => b.winner === null).length;
        summary.identical += identical;
        onEvent({ type: "session-end", dialogueId: session.id, battles: battles.length });
      },
    );
    return summary;
  } finally {
    battlesFile.close();
    dialoguesFile.close();
  }
}
