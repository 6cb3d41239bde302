import { PsysimError, UsageError } from "../core/errors.js";
import { assertWritable } from "../core/jsonl.js";
import { readRoleCards } from "../core/read-records.js";
import { parseShard } from "../core/shard.js";
import { simulate, type SimulateSummary } from "../simulation/simulate.js";
import { openModelContext } from "../app/model-context.js";
import { resolveRunSettings } from "../app/run-settings.js";
import { ProgressBar, formatUsage } from "./progress.js";
import type { ModelFlags } from "./common-options.js";
import { templateOptions, type PromptFlags } from "./prompt-flags.js";

/** `psysim simulate`'s options as commander parses them. */
export interface SimulateFlags extends PromptFlags, ModelFlags {
  cards: string;
  out: string;
  client?: string;
  counselor?: string;
  concurrency?: number;
  maxTurns?: number;
  limit?: number;
  shard?: string;
  seed?: number;
  language?: "zh" | "en";
  maxAttempts?: number;
  exhaustedPolicy?: "accept_last" | "truncate" | "fail";
  progressInterval?: number;
}

/** `psysim simulate`: parse, check everything that can be checked before paying for a call, run, summarise. */
export async function runSimulateCommand(flags: SimulateFlags): Promise<void> {
  const cards = await readRoleCards(flags.cards);
  if (cards.length === 0) throw new PsysimError("INPUT_INVALID", `${flags.cards}: no role cards`);
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
  const context = openModelContext({ config: flags.config, cache: flags.cache });
  try {
    const settings = resolveRunSettings(context.config, flags);
    const client = await context.chatModel(settings.client);
    const counselor = await context.chatModel(settings.counselor);
    await context.preflight({ probe: flags.preflight });
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
          concurrency: settings.concurrency,
          limit: flags.limit,
          ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
          seed: settings.seed,
          language: settings.language,
          templates: templateOptions(flags),
          maxAttempts: settings.maxAttempts,
          exhaustedPolicy: settings.exhaustedPolicy,
          validator: settings.validator,
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
    if (summary.failed.length > 0) {
      const first = summary.failed[0]!;
      throw new PsysimError(
        "MODEL_CALL_FAILED",
        `${summary.failed.length} of ${summary.requested - summary.skipped} sessions failed (first: ${first.dialogueId}: ${first.error}); rerun the same command to retry them — finished calls replay from the cache`,
      );
    }
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
