import { join } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import { languageOption } from "../chart-language.js";
import { runAction } from "../run-action.js";
import {
  judgeRunOptions,
  judgeRunSettings,
  parseTTest,
  progressBar,
  usageLine,
  type JudgeRunFlags,
} from "./eval.js";
import type { TTestKind } from "../../evaluation/statistics/t-test.js";
import { templateOptions } from "../prompt-flags.js";
import { groupByOptions, readGrouping, type GroupByFlags } from "../group-by-option.js";
import { protocolOptions } from "../eval-safety-command.js";
import { judgeBatchOptions, openJudgeContext, refuseBatchForBaseline } from "../judge-context.js";
import type { BatchFlags } from "../wave-options.js";

interface CompareFlags extends JudgeRunFlags, GroupByFlags, BatchFlags {
  reference?: string;
  test: TTestKind;
  wai?: string;
  waiMode: string;
  topics?: string;
  topicList?: string;
  stages?: string;
  safety?: string;
  within?: number;
  resources?: string;
  json?: string;
  plots?: string;
  lang?: Language;
}

/** `psysim compare A B`: two datasets side by side with significance tests. */
export function register(program: Command): void {
  const command = languageOption(
    judgeRunOptions(
      program
        .command("compare")
        .description(
          "Two dialogue datasets side by side: Table 1 per language, and mean, sd, n, a two-tailed t-test's p (Welch by default) and Cohen's d for every metric computed (session shape; WAI with --wai; topic entropy with --topics; Hill's stages with --stages; client risk, crisis protocol and unsafe replies with --safety).",
        )
        .argument("<a>", "first dialogue JSONL (e.g. real sessions)")
        .argument(
          "[b]",
          "second dialogue JSONL (e.g. simulated sessions); without it, --by compares the groups of <a>",
        )
        .option("--wai <judge>", "also rate both with WAI-O-S using this judge model (Figure 4)")
        .option("--wai-mode <mode>", "per-item (paper, Figure 11) or batched", "per-item")
        .option(
          "--topics <judge>",
          "also label both datasets' topics with this judge model (Figure 3; entropy compared over rounds)",
        )
        .option("--topic-list <file>", "topic list replacing the 56 SMILE topics")
        .option(
          "--stages <judge>",
          "also label Hill's stage of every counselor turn in both: a model spec or name from psysim.yaml, or baseline (keyword rules, not an LLM)",
        )
        .option(
          "--safety <judge>",
          "also run the safety check on both (client risk, protocol after risk turns, reply labels of Qiu et al. 2023): a model spec or name, or baseline (crisis lexicon and cue rules, not an LLM; replies not labelled)",
        )
        .option(
          "--test <test>",
          "welch (independent datasets) | student (pooled variance) | paired (sessions matched by role card)",
          parseTTest,
          "welch",
        ),
    ),
    "en",
  ).option(
    "--json <file>",
    "write the full result (input hashes, settings, per-session values, aggregates)",
  );
  groupByOptions(protocolOptions(judgeBatchOptions(command, "compare", "<a>.compare.batches")))
    .option(
      "--reference <value>",
      "with one file and --by: the group the others are compared with (default the first: unset, plain, low, session 1)",
    )
    .option(
      "--plots <dir>",
      "write Figure 3 (with --topics), Figure 4 (with --wai) and the stage share by tenth (with --stages) for both datasets as SVG and PNG",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  psysim compare real.jsonl sim.jsonl\n  psysim compare real.jsonl sim.jsonl --wai openai:gpt-4o --topics openai:gpt-4o --json compare.json --plots plots/\n  psysim compare real.jsonl sim.jsonl --stages baseline --safety baseline   # offline, rule-based\n  psysim compare real.jsonl sim.jsonl --wai openai:gpt-4o --batch openai   # Batch API, in waves\n  psysim compare real.jsonl sim.jsonl --stages openai:gpt-4o --safety openai:gpt-4o --within 2\n  psysim compare sim.jsonl --by style --cards styled.jsonl --wai openai:gpt-4o   # each style against plain\n  psysim compare series.jsonl --by session_index --test paired --wai openai:gpt-4o   # session 1 against 2, 3, …\n",
    )
    .action(
      runAction(async (a: string, b: string | undefined, flags: CompareFlags) => {
        if (flags.waiMode !== "per-item" && flags.waiMode !== "batched")
          throw new UsageError(`--wai-mode expects per-item or batched, got "${flags.waiMode}"`);
        const grouping = await readGrouping(flags);
        if (b === undefined && !grouping)
          throw new UsageError("compare needs two files, or one file and --by FIELD");
        if (flags.reference !== undefined && (b !== undefined || !grouping))
          throw new UsageError("--reference goes with one file and --by");
        if ((flags.within !== undefined || flags.resources !== undefined) && !flags.safety)
          throw new UsageError("--within and --resources go with --safety");
        // Read before any judge runs: a bad resources file costs no call.
        const resources = flags.resources
          ? (await import("../../simulation/support-resources.js")).readSupportResources(
              flags.resources,
            )
          : undefined;
        const evaluation = await import("../../evaluation/index.js");
        const report = await import("../../report/index.js");
        const names: [string, string] = [report.datasetName(a), report.datasetName(b ?? a)];
        if (names[0] === names[1]) [names[0], names[1]] = [`${names[0]} (A)`, `${names[1]} (B)`];
        // The rule-based stage and safety judges need no model layer (and so open no call cache).
        const llm = (spec: string | undefined) => spec !== undefined && spec !== "baseline";
        const needsJudge =
          flags.wai !== undefined ||
          flags.topics !== undefined ||
          llm(flags.stages) ||
          llm(flags.safety);
        if (!needsJudge) refuseBatchForBaseline(flags, "baseline");
        const opened = needsJudge
          ? await openJudgeContext({ ...flags, dialogues: a }, "compare")
          : undefined;
        const context = opened?.context;
        try {
          const run = needsJudge
            ? (await judgeRunSettings(context!.config, flags)).run
            : { templates: templateOptions(flags) };
          const concurrency = opened?.concurrency(run.concurrency);
          const common = { ...run, ...(concurrency !== undefined && { concurrency }) };
          const resolve = (spec: string) =>
            evaluation.resolveJudge(spec, (s) => context!.chatModel(s));
          const waiJudge = flags.wai ? await resolve(flags.wai) : undefined;
          const topicsJudge = flags.topics ? await resolve(flags.topics) : undefined;
          const stagesJudge = llm(flags.stages) ? await resolve(flags.stages!) : undefined;
          const safetyJudge = llm(flags.safety) ? await resolve(flags.safety!) : undefined;
          const judges = [waiJudge, topicsJudge, stagesJudge, safetyJudge].filter((j) => !!j);
          // With --batch, at least one judge must make calls; a baseline beside it is fine.
          if (judges.every((j) => j.isBaseline)) judges.forEach((j) => opened?.checkJudge(j));
          await opened?.preflight();
          const progress = await progressBar("judge tasks (per dataset)");
          const options = {
            test: flags.test,
            ...(waiJudge && {
              wai: {
                ...common,
                judge: waiJudge,
                mode: flags.waiMode as "per-item" | "batched",
                onProgress: progress.onProgress,
              },
            }),
            ...(topicsJudge && {
              topics: {
                ...common,
                judge: topicsJudge,
                ...(flags.topicList && { topicsFile: flags.topicList }),
                onProgress: progress.onProgress,
              },
            }),
            ...(flags.stages && {
              stages: {
                ...common,
                ...(stagesJudge && { judge: stagesJudge }),
                onProgress: progress.onProgress,
              },
            }),
            ...(flags.safety && {
              safety: {
                ...common,
                ...(safetyJudge && { judge: safetyJudge }),
                ...(flags.within !== undefined && { within: flags.within }),
                ...(resources && { resources }),
                onProgress: progress.onProgress,
              },
            }),
            ...(grouping && { grouping }),
          };
          const result = await (
            b === undefined
              ? evaluation.compareWithinFile(a, {
                  ...options,
                  grouping: grouping!,
                  ...(flags.reference !== undefined && { reference: flags.reference }),
                })
              : evaluation.compareDatasets([a, b], names, options)
          ).finally(progress.stop);
          const { datasets, metrics } = result.aggregates;
          const shown: [string, string] = [datasets[0].name, datasets[1].name];
          process.stdout.write(evaluation.formatStatsTable(datasets) + "\n\n");
          process.stdout.write(
            report.formatComparisonTable(
              metrics.map((m) => ({
                metric: m.unit === "round" ? `${m.metric} [n = rounds]` : m.metric,
                comparison: m.comparison,
              })),
              shown,
            ) + "\n",
          );
          for (const group of result.by_group ?? [])
            process.stdout.write(
              `\n${group.field}=${group.value}:\n` +
                report.formatComparisonTable(
                  group.aggregates.metrics.map((m) => ({
                    metric: m.metric,
                    comparison: m.comparison,
                  })),
                  [group.aggregates.datasets[0].name, group.aggregates.datasets[1].name],
                ) +
                "\n",
            );
          for (const [what, settings] of [
            ["WAI judge", result.settings["wai"]],
            ["topic judge", result.settings["topics"]],
            ["stage judge", result.settings["stages"]],
            ["safety judge", result.settings["safety"]],
          ] as const) {
            const s = settings as Record<string, unknown> | undefined;
            // The per-turn baselines already name themselves "not an LLM".
            if (!s) continue;
            process.stdout.write(
              `${what}: ${/not an LLM/.test(String(s["judge"])) ? String(s["judge"]) : report.judgeLabel(s)}\n`,
            );
            for (const w of (s["warnings"] as string[] | undefined) ?? [])
              process.stderr.write(`warning: ${what}: ${w}\n`);
          }
          process.stdout.write(
            evaluation.formatCompareProcessNotes(
              datasets,
              (result.settings["safety"] as { judge_baseline?: boolean } | undefined)
                ?.judge_baseline === true,
            ),
          );
          process.stdout.write(await usageLine(result.usage));
          if (flags.json) report.writeJsonResult(flags.json, result);
          if (flags.plots) {
            const sessions = result.sessions;
            if (sessions.wai)
              await report.renderChart(
                report.waiBoxplotSpec(
                  [
                    { name: shown[0], sessions: sessions.wai[0] },
                    { name: shown[1], sessions: sessions.wai[1] },
                  ],
                  flags.lang ?? "en",
                ),
                join(flags.plots, "compare-wai"),
              );
            if (datasets[0].stages && datasets[1].stages)
              await report.renderChart(
                report.stageSharesSpec(
                  [
                    { name: shown[0], share_by_tenth: datasets[0].stages.share_by_tenth },
                    { name: shown[1], share_by_tenth: datasets[1].stages.share_by_tenth },
                  ],
                  flags.lang ?? "en",
                ),
                join(flags.plots, "compare-stages"),
              );
            if (datasets[0].topics && datasets[1].topics) {
              await report.renderChart(
                report.topicBarsSpec(
                  [
                    { name: shown[0], distribution: datasets[0].topics.distribution },
                    { name: shown[1], distribution: datasets[1].topics.distribution },
                  ],
                  flags.lang ?? "en",
                ),
                join(flags.plots, "compare-topics"),
              );
            }
          }
        } finally {
          await opened?.close();
        }
      }),
    );
}
