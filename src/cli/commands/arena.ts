import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { dryRunOption, modelOptions, shardOption, type ModelFlags } from "../common-options.js";
import { waveFlags, waveOptions, type WaveFlags } from "../wave-options.js";
import { parseShard } from "../../core/shard.js";
import { parseInteger, parsePositiveInt, runAction } from "../run-action.js";
import { promptSetOption, templateOptions, type PromptFlags } from "../prompt-flags.js";

interface ArenaFlags extends PromptFlags, ModelFlags, WaveFlags {
  counselors: string;
  cards: string;
  judge: string;
  out: string;
  dialoguesOut?: string;
  client?: string;
  prompt: string;
  bothOrders?: boolean;
  sessionsPerPair?: string;
  seed?: string;
  concurrency?: string;
  maxTurns?: string;
  language?: string;
  judgeAttempts?: string;
  progressInterval?: string;
  shard?: string;
  dryRun?: boolean;
}

type Numbers = {
  sessionsPerPair?: number;
  seed?: number;
  concurrency?: number;
  maxTurns?: number;
  judgeAttempts?: number;
  progressInterval?: number;
};

/** Numbers are parsed inside the action, so a bad value is reported by runAction as one line. */
function numbersOf(flags: ArenaFlags): Numbers {
  const positive = (flag: string, value: string | undefined) =>
    value === undefined ? undefined : parsePositiveInt(flag)(value);
  const n: Numbers = {};
  const put = <K extends keyof Numbers>(key: K, value: number | undefined) => {
    if (value !== undefined) n[key] = value;
  };
  put("sessionsPerPair", positive("--sessions-per-pair", flags.sessionsPerPair));
  put("seed", flags.seed === undefined ? undefined : parseInteger("--seed")(flags.seed));
  put("concurrency", positive("--concurrency", flags.concurrency));
  put("maxTurns", positive("--max-turns", flags.maxTurns));
  put("judgeAttempts", positive("--judge-attempts", flags.judgeAttempts));
  put("progressInterval", positive("--progress-interval", flags.progressInterval));
  return n;
}

async function runArenaCommand(flags: ArenaFlags): Promise<void> {
  const numbers = numbersOf(flags);
  const { readRoleCards } = await import("../../core/read-records.js");
  const { assertWritable } = await import("../../core/jsonl.js");
  const { openModelContext } = await import("../../app/model-context.js");
  const { resolveRunSettings } = await import("../../app/run-settings.js");
  const { ProgressBar, failedSessionsError, formatUsage } = await import("../progress.js");
  const arena = await import("../../arena/index.js");

  if (flags.prompt !== "1" && flags.prompt !== "2")
    throw new UsageError(
      `--prompt expects 1 (ethics principles, Figure 12) or 2 (counseling skills, Figure 13), got "${flags.prompt}"`,
    );
  if (flags.language !== undefined && flags.language !== "zh" && flags.language !== "en")
    throw new UsageError(`--language expects zh or en, got "${flags.language}"`);
  const names = flags.counselors
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (new Set(names).size < 2)
    throw new UsageError(
      `--counselors needs at least two different names, got "${flags.counselors}"`,
    );
  const cards = await readRoleCards(flags.cards);
  const dialoguesOut = flags.dialoguesOut ?? arena.arenaDialoguesFile(flags.out);

  const wave = waveFlags(flags, flags.out);
  const { openWaveMode, WAVE_SESSIONS_DEFAULT } = await import("../../app/wave-mode.js");
  let cache: { flush(): void } | undefined;
  // A dry run opens neither the call cache nor a wave's batch state.
  const waveMode =
    wave && !flags.dryRun ? openWaveMode({ ...wave, commit: () => cache?.flush() }) : undefined;
  const context = openModelContext({
    config: flags.config,
    cache: flags.dryRun ? false : flags.cache,
    ...(waveMode && { wave: waveMode }),
  });
  cache = context.cache;
  try {
    const config = context.config;
    const registry = arena.parseCounselorRegistry(
      config?.counselors,
      config?.source.file ?? "psysim.yaml",
      config?.source.dir ?? process.cwd(),
    );
    const templates = templateOptions(flags);
    const settings = resolveRunSettings(config, {
      client: flags.client,
      maxTurns: numbers.maxTurns,
      concurrency: numbers.concurrency ?? (wave ? WAVE_SESSIONS_DEFAULT : undefined),
      seed: numbers.seed,
      language: flags.language as "zh" | "en" | undefined,
    });
    const entries = new Map(
      [...new Set(names)].map((name) => [name, registry.get(name) ?? arena.adHocCounselor(name)]),
    );
    if (flags.dryRun) {
      const { printArenaPlan } = await import("../arena-plan.js");
      return await printArenaPlan({
        cards,
        counselors: entries,
        names,
        client: settings.client,
        judge: flags.judge,
        out: flags.out,
        dialoguesOut,
        prompt: Number(flags.prompt) as 1 | 2,
        bothOrders: flags.bothOrders ?? false,
        ...(numbers.sessionsPerPair !== undefined && { sessionsPerPair: numbers.sessionsPerPair }),
        ...(settings.seed !== undefined && { seed: settings.seed }),
        ...(settings.maxTurns !== undefined && { maxTurns: settings.maxTurns }),
        ...(settings.language !== undefined && { language: settings.language }),
        ...(flags.shard !== undefined && { shard: parseShard(flags.shard) }),
        templates,
        config,
      });
    }
    const counselors = new Map<string, import("../../arena/index.js").ArenaCounselor>();
    for (const [name, entry] of entries)
      counselors.set(
        name,
        arena.arenaCounselor(entry, await context.chatModel(entry.model), templates),
      );
    const client = await context.chatModel(settings.client);
    const resolvedJudge = await context.chatModel(flags.judge);
    // The product's baseline has no supervisor role of its own; the arena adds its rule-based one.
    const judge = resolvedJudge.isBaseline ? arena.baselineSupervisorModel() : resolvedJudge;
    await context.preflight({ probe: flags.preflight && wave?.batch !== "files" });
    assertWritable(flags.out);
    assertWritable(dialoguesOut);

    const bar = new ProgressBar(
      "sessions",
      numbers.progressInterval ? { intervalMs: numbers.progressInterval } : {},
    );
    let summary: import("../../arena/index.js").ArenaSummary;
    try {
      summary = await arena.runArena(
        {
          cards,
          counselors: names,
          out: flags.out,
          dialoguesOut,
          prompt: Number(flags.prompt) as 1 | 2,
          bothOrders: flags.bothOrders ?? false,
          ...(numbers.sessionsPerPair !== undefined
            ? { sessionsPerPair: numbers.sessionsPerPair }
            : {}),
          seed: settings.seed,
          ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
          concurrency: settings.concurrency,
          maxTurns: settings.maxTurns,
          language: settings.language,
          templates,
          judgeAttempts: numbers.judgeAttempts,
          maxAttempts: settings.maxAttempts,
          exhaustedPolicy: settings.exhaustedPolicy,
          validator: settings.validator,
        },
        { client, judge, counselors },
        bar.follow,
      );
    } finally {
      bar.stop();
    }
    const baseline = [client, judge, ...[...counselors.values()].map((c) => c.model)].some(
      (m) => m.isBaseline,
    );
    const lines = [
      `arena: ${summary.completed} session${summary.completed === 1 ? "" : "s"}, ${summary.battles} battles judged by ${summary.judge}${baseline ? " (includes the rule-based baseline, not an LLM)" : ""} → ${summary.out}, ${summary.dialoguesOut}`,
      `  ${summary.skipped} already finished (skipped), ${summary.failed.length} failed, ${summary.scheduled} scheduled; ${summary.unparsed} verdicts unparsed (recorded with winner null); ${summary.identical} turns with identical candidates (not judged)`,
    ];
    const usage = formatUsage(summary.usage);
    if (usage) lines.push(`  usage: ${usage}`);
    lines.push(`  next: psysim ratings ${summary.out}`);
    process.stdout.write(lines.join("\n") + "\n");
    if (summary.failed.length > 0)
      throw failedSessionsError(summary.failed, summary.scheduled - summary.skipped);
  } finally {
    // The last wave's batches are marked applied a few ticks after its answers reach the sessions.
    await waveMode?.settled();
    context.close();
  }
}

/** `psysim arena`: Algorithm 2, counselors competing turn by turn under a supervisor. */
export function register(program: Command): void {
  const command = promptSetOption(
    program
      .command("arena")
      .description(
        "Run the counselor arena (Algorithm 2): two counselors answer each turn, a supervisor picks, the pick continues; every comparison is a Battle. Resumable.",
      )
      .requiredOption(
        "--counselors <names>",
        "comma-separated counselor names from counselors: in psysim.yaml, or model specs",
      )
      .requiredOption("--cards <file>", "role cards for the client (e.g. the held-out test split)")
      .requiredOption(
        "--judge <spec>",
        "supervisor model spec (baseline: a rule-based offline judge, not an LLM)",
      )
      .requiredOption("--out <file>", "battles JSONL (appended)")
      .option(
        "--dialogues-out <file>",
        "dialogues JSONL with both candidates per turn (default: <out>.dialogues.jsonl)",
      )
      .option(
        "--client <spec>",
        "client model spec (default: config simulation.client, else baseline)",
      )
      .option(
        "--prompt <1|2>",
        "supervisor prompt: 1 ethics principles (Figure 12), 2 counseling skills (Figure 13)",
        "2",
      )
      .option(
        "--both-orders",
        "judge every comparison in both orders; a verdict that flips with the order is a tie",
      )
      .option(
        "--sessions-per-pair <n>",
        "sessions per pair of counselors (default: each card once, pairs shared out evenly)",
      )
      .option(
        "--seed <n>",
        "seed for pairings, card order, display order and continuations (default 0)",
      )
      .option("--concurrency <n>", "sessions in flight (default 8)")
      .option("--max-turns <n>", "T: most turns per session (default 50)")
      .option("--language <zh|en>", "force the session language (default: each card's)")
      .option(
        "--prompts <dir>",
        "folder of <name>.<language>.txt templates (supervisor-1, supervisor-2, client, counselor) overriding the built-in ones",
      ),
  )
    .option(
      "--judge-attempts <n>",
      "supervisor calls per judgement before it is recorded as unparsed (default 2)",
    )
    .option("--progress-interval <ms>", "progress line period without a TTY (default 5000)");
  dryRunOption(waveOptions(modelOptions(shardOption(command, "sessions"))))
    .addHelpText(
      "after",
      `
Examples:
  psysim arena --counselors baseline,openai:gpt-4o-mini --cards examples/cards.zh.jsonl --judge baseline --out runs/battles.jsonl
  psysim arena --config psysim.yaml --counselors SoulChat,MeChat,simpsybot_D --cards test.jsonl --judge gpt4o --prompt 2 --both-orders --out runs/battles.jsonl
  psysim ratings runs/battles.jsonl --plots runs/plots`,
    )
    .action(runAction(runArenaCommand));
}
