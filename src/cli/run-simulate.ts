import { UsageError } from "../core/errors.js";
import { assertWritable, readRecordIds } from "../core/jsonl.js";
import { readRoleCards } from "../core/read-records.js";
import type { RoleCard } from "../core/role-card.js";
import { inShard, parseShard } from "../core/shard.js";
import { resolveEmbeddingModel } from "../llm/resolve-embedding-model.js";
import { GroundingIndex } from "../grounding/grounding-index.js";
import { GROUNDING_ROLES, type GroundingRole } from "../simulation/session-grounding.js";
import { loadTemplate } from "../prompts/template.js";
import {
  dialogueIdFor,
  SIMULATION_DEFAULTS,
  simulate,
  type SimulateSummary,
} from "../simulation/simulate.js";
import {
  addMemoryCalls,
  addSession,
  ESTIMATE_ASSUMPTIONS,
  expectedTurns,
  estimatedModel,
  estimateTokens,
  formatPlan,
  RunEstimate,
} from "../app/estimate-run.js";
import { openModelContext } from "../app/model-context.js";
import { openWaveMode, WAVE_SESSIONS_DEFAULT } from "../app/wave-mode.js";
import { waveFlags, type WaveFlags } from "./wave-options.js";
import { resolveRunSettings } from "../app/run-settings.js";
import { ProgressBar, failedSessionsError, formatUsage } from "./progress.js";
import type { ModelFlags } from "./common-options.js";
import { templateOptions, type PromptFlags } from "./prompt-flags.js";

/** `psysim simulate`'s options as commander parses them. */
export interface SimulateFlags extends PromptFlags, ModelFlags, WaveFlags {
  cards: string;
  out: string;
  client?: string;
  counselor?: string;
  concurrency?: number;
  maxTurns?: number;
  onRisk?: "record" | "stop";
  limit?: number;
  sessions?: number;
  shard?: string;
  dryRun?: boolean;
  seed?: number;
  language?: "zh" | "en";
  maxAttempts?: number;
  exhaustedPolicy?: "accept_last" | "truncate" | "fail";
  progressInterval?: number;
  grounding?: string;
  groundingK?: number;
  groundingRole?: string;
  groundingEmbeddings?: string;
}

/** `psysim simulate`: parse, check everything that can be checked before paying for a call, run, summarise. */
export async function runSimulateCommand(flags: SimulateFlags): Promise<void> {
  const cards = await readRoleCards(flags.cards);
  if (flags.language !== undefined && flags.language !== "zh" && flags.language !== "en")
    throw new UsageError(`--language expects zh or en, got "${flags.language}"`);
  if (
    flags.exhaustedPolicy !== undefined &&
    !["accept_last", "truncate", "fail"].includes(flags.exhaustedPolicy)
  ) {
    throw new UsageError(
      `--exhausted-policy expects accept_last, truncate or fail, got "${flags.exhaustedPolicy}"`,
    );
  }
  const wave = waveFlags(flags, flags.out);
  if (flags.dryRun) return printSimulationPlan(cards, flags);
  const groundingRole = flags.groundingRole ?? "counselor";
  if (!(GROUNDING_ROLES as readonly string[]).includes(groundingRole))
    throw new UsageError(
      `--grounding-role expects ${GROUNDING_ROLES.join(", ")}, got "${groundingRole}"`,
    );
  if (
    flags.grounding === undefined &&
    (flags.groundingK ?? flags.groundingRole ?? flags.groundingEmbeddings) !== undefined
  )
    throw new UsageError(
      "--grounding-k, --grounding-role and --grounding-embeddings need --grounding <index>",
    );
  // Opened before any model: a bad index fails the run before a call is paid for.
  const index = flags.grounding === undefined ? undefined : GroundingIndex.open(flags.grounding);
  if (index && !index.embeddingModel && ![undefined, "none"].includes(flags.groundingEmbeddings)) {
    index.close();
    throw new UsageError(
      `--grounding-embeddings: ${flags.grounding} holds no embeddings; rebuild it with psysim index build --embeddings <spec>`,
    );
  }
  let cache: { flush(): void } | undefined;
  const waveMode = wave && openWaveMode({ ...wave, commit: () => cache?.flush() });
  const context = openModelContext({
    config: flags.config,
    cache: flags.cache,
    ...(waveMode && { wave: waveMode }),
  });
  cache = context.cache;
  try {
    const settings = resolveRunSettings(context.config, flags);
    if (wave) settings.concurrency = flags.concurrency ?? WAVE_SESSIONS_DEFAULT;
    const client = await context.chatModel(settings.client);
    const counselor = await context.chatModel(settings.counselor);
    const embeddingSpec = flags.groundingEmbeddings ?? index?.info.embedding_spec;
    const embedding =
      index?.embeddingModel && embeddingSpec !== undefined && embeddingSpec !== "none"
        ? await resolveEmbeddingModel(
            embeddingSpec,
            context.config ? { config: context.config } : {},
          )
        : undefined;
    await context.preflight({
      // A batch-files runner is not a server: there is nothing to probe.
      probe: flags.preflight && wave?.batch !== "files",
      ...(embedding ? { embeddings: [embeddingSpec!] } : {}),
    });
    assertWritable(flags.out);
    const bar = new ProgressBar(
      "sessions",
      flags.progressInterval ? { intervalMs: flags.progressInterval } : {},
    );
    let summary: SimulateSummary;
    try {
      summary = await simulate(
        {
          cards,
          out: flags.out,
          maxTurns: settings.maxTurns,
          ...(flags.onRisk !== undefined ? { onRisk: flags.onRisk } : {}),
          concurrency: settings.concurrency,
          limit: flags.limit,
          ...(flags.sessions !== undefined ? { sessions: flags.sessions } : {}),
          ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
          seed: settings.seed,
          language: settings.language,
          templates: templateOptions(flags),
          maxAttempts: settings.maxAttempts,
          exhaustedPolicy: settings.exhaustedPolicy,
          validator: settings.validator,
          ...(index
            ? {
                grounding: {
                  index,
                  k: flags.groundingK ?? 3,
                  role: groundingRole as GroundingRole,
                  ...(embedding ? { embedding } : {}),
                },
              }
            : {}),
        },
        { client, counselor },
        bar.follow,
      );
    } finally {
      bar.stop();
    }
    const baselineRoles = [
      client.isBaseline ? "client" : "",
      counselor.isBaseline ? "counselor" : "",
    ].filter(Boolean);
    printSummary(
      summary,
      baselineRoles.length > 0
        ? ` (baseline ${baselineRoles.join(" and ")}: rule-based, not an LLM)`
        : "",
    );
    if (summary.failed.length > 0)
      throw failedSessionsError(summary.failed, summary.requested - summary.skipped);
  } finally {
    // The last wave's batches are marked applied a few ticks after its answers reach the sessions.
    await waveMode?.settled();
    context.close();
    index?.close();
  }
}

/** `--dry-run`: the sessions this command would run and what they are expected to cost; no model is called. */
async function printSimulationPlan(cards: RoleCard[], flags: SimulateFlags): Promise<void> {
  const context = openModelContext({ config: flags.config, cache: false });
  try {
    const settings = resolveRunSettings(context.config, flags);
    const done = await readRecordIds(flags.out);
    const part = cards.filter((card) =>
      inShard(card.id, flags.shard ? parseShard(flags.shard) : undefined),
    );
    const wanted = flags.limit === undefined ? part : part.slice(0, flags.limit);
    const sessions = flags.sessions ?? SIMULATION_DEFAULTS.sessions;
    const todo = wanted.flatMap((card) =>
      Array.from({ length: sessions }, (_, i) => ({ card, k: i + 1 })).filter(
        ({ card, k }) => !done.has(dialogueIdFor(card, k)),
      ),
    );
    const client = estimatedModel(settings.client, context.config?.models);
    const counselor = estimatedModel(settings.counselor, context.config?.models);
    const templates = templateOptions(flags);
    const maxTurns = settings.maxTurns ?? SIMULATION_DEFAULTS.maxTurns;
    const estimate = new RunEstimate();
    const tokens = (name: string, language: "zh" | "en") =>
      estimateTokens(loadTemplate(name, language, templates).text);
    for (const { card, k } of todo) {
      const language = settings.language ?? card.language;
      // Session 2 and later: two memory calls first, and each prompt carries its memory block.
      const followup = (role: string) =>
        k > 1
          ? tokens(`followup-${role}`, language) + ESTIMATE_ASSUMPTIONS.memoryTokens[language]
          : 0;
      if (k > 1)
        addMemoryCalls(estimate, {
          language,
          maxTurns,
          counselor: { model: counselor, templateTokens: tokens("memory-counselor", language) },
          client: { model: client, templateTokens: tokens("memory-client", language) },
        });
      addSession(estimate, {
        language,
        maxTurns,
        client,
        clientSystemTokens: tokens("client", language) + followup("client"),
        counselors: [
          { model: counselor, systemTokens: tokens("counselor", language) + followup("counselor") },
        ],
      });
    }
    const finished = wanted.length * sessions - todo.length;
    process.stdout.write(
      formatPlan(
        `${todo.length} session${todo.length === 1 ? "" : "s"} planned${sessions > 1 ? ` (${sessions} per card; ${todo.filter((t) => t.k > 1).length * 2} memory calls)` : ""} (${finished} already finished in ${flags.out})`,
        estimate.models(),
        `${expectedTurns(maxTurns)} counselor turns a session (max_turns ${maxTurns}), σ retry rate ${ESTIMATE_ASSUMPTIONS.retryRate}`,
      ) + "\n",
    );
  } finally {
    context.close();
  }
}

function printSummary(summary: SimulateSummary, label: string): void {
  const lines = [
    `simulated ${summary.completed} dialogue${summary.completed === 1 ? "" : "s"}${label} → ${summary.out}`,
    `  ${summary.skipped} already finished (skipped), ${summary.failed.length} failed, ${summary.requested} requested`,
  ];
  const usage = formatUsage(summary.usage);
  if (usage) lines.push(`  usage: ${usage}`);
  process.stdout.write(lines.join("\n") + "\n");
}
