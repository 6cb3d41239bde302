import { join } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { UsageError } from "../../core/errors.js";
import type { Language } from "../../core/language.js";
import { languageOption } from "../chart-language.js";
import {
  dryRunOption,
  jsonOption,
  modelOptions,
  seedOption,
  shardOption,
  type ModelFlags,
} from "../common-options.js";
import { parseShard, type Shard } from "../../core/shard.js";
import { registerEvalSafety } from "../eval-safety-command.js";
import {
  judgeBatchOptions,
  openJudgeContext,
  refuseBatchForBaseline,
  type JudgeContextFlags,
} from "../judge-context.js";
import { parsePositiveInt, runAction } from "../run-action.js";
import { promptSetOption, templateOptions, type PromptFlags } from "../prompt-flags.js";
import { groupByOptions, readGrouping, type GroupByFlags } from "../group-by-option.js";
import { T_TESTS, type TTestKind } from "../../evaluation/statistics/t-test.js";

interface CommonFlags {
  dialogues: string;
  shard?: string;
  json?: string;
  plots?: string;
  lang?: Language;
}

interface FidelityFlags extends CommonFlags, GroupByFlags {
  cards: string;
  test: TTestKind;
  embeddings?: string;
  seed?: number;
  batchSize?: number;
  stopWords?: string;
  config?: string;
  preflight: boolean;
}

/** How judge calls run; undefined: psysim.yaml's `evaluation:`, else the evaluation's default. */
export interface JudgeRunFlags extends PromptFlags, ModelFlags {
  rounds?: number;
  maxAttempts?: number;
  concurrency?: number;
  seed?: number;
}

interface JudgeFlags extends CommonFlags, JudgeRunFlags, GroupByFlags, JudgeContextFlags {
  judge?: string;
}

/** Options every LLM-judged evaluation shares. */
function judgeOptions(command: Command): Command {
  return dryRunOption(
    judgeRunOptions(
      command
        .requiredOption("--dialogues <file>", "dialogue JSONL")
        .option(
          "--judge <spec>",
          "judge model: a spec (openai:gpt-4o, openai-compatible:<model>@http://host/v1, …), a name from psysim.yaml, or baseline (rule-based, offline); required unless psysim.yaml sets evaluation.judge",
        ),
    ).option(
      "--json <file>",
      "write the full result (input hashes, settings, every rating, aggregates)",
    ),
  );
}

/** The parsed `--shard`, spread into a report's options; parsed before any model is opened. */
function shardOf(flags: { shard?: string }): { shard?: Shard } {
  return flags.shard === undefined ? {} : { shard: parseShard(flags.shard) };
}

/** How judge calls run (rounds, retries, concurrency, seed, templates, config, cache): shared by `eval` and `compare`. */
export function judgeRunOptions(
  command: Command,
  rounds: { default: number; help: string } = {
    default: 3,
    help: "independent rounds, averaged (paper: 3)",
  },
): Command {
  const withRounds = promptSetOption(command)
    .option(
      "--rounds <n>",
      `${rounds.help} (default evaluation.rounds in psysim.yaml, else ${rounds.default})`,
      parsePositiveInt("--rounds"),
    )
    .option(
      "--max-attempts <n>",
      "calls per rating before it is recorded as missing (default evaluation.max_attempts, else 3)",
      parsePositiveInt("--max-attempts"),
    )
    .option(
      "--concurrency <n>",
      "judge calls in flight (default evaluation.concurrency, else 8)",
      parsePositiveInt("--concurrency"),
    )
    .option("--prompts <dir>", "folder of template overrides (<name>.<zh|en>.txt)");
  return modelOptions(
    seedOption(withRounds, "seed for the judge's sampling (default evaluation.seed, else 1)"),
  );
}

/** The judge run's settings from the flags and psysim.yaml's `evaluation:` (flags win). */
export async function judgeRunSettings(
  config: Parameters<typeof import("../../app/run-settings.js").resolveEvaluationSettings>[0],
  flags: JudgeRunFlags & { judge?: string | undefined },
) {
  const { resolveEvaluationSettings } = await import("../../app/run-settings.js");
  const settings = resolveEvaluationSettings(config, flags);
  const run = {
    ...(settings.rounds !== undefined && { rounds: settings.rounds }),
    ...(settings.maxAttempts !== undefined && { maxAttempts: settings.maxAttempts }),
    ...(settings.concurrency !== undefined && { concurrency: settings.concurrency }),
    ...(settings.seed !== undefined && { seed: settings.seed }),
    templates: templateOptions(flags),
  };
  return { judge: settings.judge, run };
}

/** The judge a command was given, or one line saying how to give it. */
export function requireJudge(judge: string | undefined): string {
  if (judge === undefined)
    throw new UsageError("--judge is required (or set evaluation.judge in psysim.yaml)");
  return judge;
}

/**
 * psysim's progress bar (ETA; periodic lines without a TTY) driven by a library
 * `onProgress(done, total)`; a new `done = 0` (the next dataset) restarts it.
 */
export async function progressBar(
  unit: string,
): Promise<{ onProgress: (done: number, total: number) => void; stop: () => void }> {
  const { ProgressBar } = await import("../progress.js");
  const bar = new ProgressBar(unit);
  return {
    onProgress: (done, total) => (done === 0 ? bar.start(total) : bar.tick()),
    stop: () => bar.stop(),
  };
}

/** The closing summary line: what the judge cost, cached calls included. */
export async function usageLine(
  usage: import("../../core/usage.js").UsageByRole | undefined,
): Promise<string> {
  const { formatUsage } = await import("../progress.js");
  const text = usage ? formatUsage(usage) : "";
  return text ? `usage: ${text}\n` : "";
}

/** `--test`: one of the t-tests psysim offers, checked before anything is read. */
export function parseTTest(value: string): TTestKind {
  if ((T_TESTS as readonly string[]).includes(value)) return value as TTestKind;
  // Commander reports InvalidArgumentError as one line and exits 1, like runAction does.
  throw new InvalidArgumentError(`--test expects ${T_TESTS.join(", ")}, got "${value}"`);
}

type LoadedConfig = import("../../config/index.js").LoadedConfig | undefined;

/** `eval topics|wai --dry-run`: the judge calls the dialogues would take, and their cost. */
async function printJudgePlan(
  kind: "topics" | "wai",
  flags: JudgeFlags & { topics?: string; mode?: "per-item" | "batched"; shard?: string },
  spec: string,
  run: { rounds?: number; templates?: import("../../prompts/template.js").TemplateOptions },
  config: LoadedConfig,
): Promise<void> {
  const { readDialoguesToJudge, readTopicList } = await import("../../evaluation/index.js");
  const { RunEstimate, estimatedModel, formatPlan } = await import("../../app/estimate-run.js");
  const { addTopicsEstimate, addWaiEstimate, JUDGE_ESTIMATE_ASSUMPTIONS } =
    await import("../../app/estimate-evaluation.js");
  const dialogues = await readDialoguesToJudge(flags.dialogues, shardOf(flags).shard);
  const judge = estimatedModel(spec, config?.models);
  const estimate = new RunEstimate();
  const a = JUDGE_ESTIMATE_ASSUMPTIONS;
  let reply: number;
  if (kind === "topics") {
    const topics = flags.topics ? await readTopicList(flags.topics) : undefined;
    addTopicsEstimate(estimate, judge, dialogues, { ...run, ...(topics && { topics }) });
    reply = a.topicsReplyTokens;
  } else {
    addWaiEstimate(estimate, judge, dialogues, { ...run, ...(flags.mode && { mode: flags.mode }) });
    reply = flags.mode === "batched" ? a.waiBatchedReplyTokens : a.waiItemReplyTokens;
  }
  const rounds = run.rounds ?? 3;
  process.stdout.write(
    formatPlan(
      `${dialogues.length} session${dialogues.length === 1 ? "" : "s"} to ${kind === "wai" ? "rate" : "label"}, ${rounds} round${rounds === 1 ? "" : "s"}`,
      estimate.models(),
      `prompts rendered from the dialogues; answers of ${reply} tokens assumed; re-asks of unparsed answers not counted`,
    ) + "\n",
  );
}

/** `eval fidelity --dry-run`: the embedding requests Eq. 2 would make (none for the offline choices). */
async function printFidelityPlan(
  flags: FidelityFlags,
  spec: string,
  batchSize: number,
  seed: number,
  config: LoadedConfig,
): Promise<void> {
  const { readDialogueFile, fidelityEmbeddingTexts, shardPositions, LEXICAL_BASELINE_ID } =
    await import("../../evaluation/index.js");
  const { readRoleCards } = await import("../../core/read-records.js");
  const { resolveEmbeddingSpec } = await import("../../llm/resolve-embedding-model.js");
  const { RunEstimate, priceOf, formatPlan } = await import("../../app/estimate-run.js");
  const { addEmbeddingEstimate } = await import("../../app/estimate-evaluation.js");
  const dialogues = await readDialogueFile(flags.dialogues);
  const { shard } = shardOf(flags);
  const positions = shard && shardPositions(dialogues, shard, flags.dialogues);
  const rated = positions?.length ?? dialogues.length;
  const planned = `${rated} session${rated === 1 ? "" : "s"} to compare with their cards`;
  if (spec === "none" || spec === LEXICAL_BASELINE_ID) {
    process.stdout.write(
      `dry run: ${planned}; no model was called\nno model calls: ${spec === "none" ? "Eq. 1 only" : "lexical-baseline runs offline (not a neural embedding)"}\n`,
    );
    return;
  }
  const cards = await readRoleCards(flags.cards);
  const texts = fidelityEmbeddingTexts(
    dialogues,
    cards,
    { dialogues: flags.dialogues, cards: flags.cards },
    positions && { positions, seed },
  );
  const resolved = resolveEmbeddingSpec(spec, config?.models);
  const estimate = new RunEstimate();
  addEmbeddingEstimate(
    estimate,
    { id: resolved.id, price: priceOf(resolved.config) },
    texts,
    batchSize,
  );
  process.stdout.write(
    formatPlan(
      `${planned}, ${texts.length} texts to embed`,
      estimate.models(),
      `the texts' own tokens, ${batchSize} texts a request`,
    ) + "\n",
  );
}

/** `psysim eval fidelity|topics|wai`: the paper's §4 metrics; `eval stages`: Hill's stages. */
export function register(program: Command): void {
  const evaluate = program
    .command("eval")
    .description(
      "Evaluate simulated sessions as the paper does (§4): client fidelity, topic diversity, WAI-O-S; and Hill's stages per counselor turn.",
    );

  const fidelity = languageOption(
    shardOption(evaluate.command("fidelity"), "sessions"),
    "the language most sessions are in",
  )
    .description(
      "Vocabulary overlap (Eq. 1) and semantic consistency (Eq. 2) with each session's card, against a seeded random-mapping control.",
    )
    .requiredOption("--dialogues <file>", "dialogue JSONL")
    .requiredOption("--cards <file>", "the role cards the sessions were simulated from")
    .option(
      "--embeddings <model>",
      "embedding model for Eq. 2: a spec such as openai-compatible:http://127.0.0.1:8000/v1 (model BAAI/bge-m3 by default), lexical-baseline (offline, not a neural embedding) or none (default evaluation.embeddings in psysim.yaml, else lexical-baseline)",
    );
  seedOption(fidelity, "seed of the random-mapping derangement (default evaluation.seed, else 1)")
    .option(
      "--test <test>",
      "t-test, true vs random mapping: paired (the same sessions measured twice) | welch | student",
      parseTTest,
      "paired",
    )
    .option(
      "--batch-size <n>",
      "texts per embedding request (default evaluation.batch_size, else 32)",
      parsePositiveInt("--batch-size"),
    )
    .option(
      "--stop-words <file>",
      "words to leave out of Eq. 1, one per line (recorded in the output)",
    )
    .option(
      "--config <file>",
      "psysim.yaml (default: ./psysim.yaml when present), for evaluation: settings and embedding models named there",
    )
    .option("--no-preflight", "skip the GET /models request made before the first embedding call");
  dryRunOption(fidelity);
  jsonOption(
    fidelity,
    "write the full result (input hashes, settings, per-session values, aggregates)",
  ).option("--plots <dir>", "write Figure 2 histograms as SVG and PNG");
  groupByOptions(fidelity, false)
    .addHelpText(
      "after",
      "\nExamples:\n  psysim eval fidelity --dialogues sim.jsonl --cards cards.jsonl --embeddings openai-compatible:http://127.0.0.1:8000/v1\n  psysim eval fidelity --dialogues sim.jsonl --cards cards.jsonl --embeddings none --json fidelity.json --plots plots/\n  psysim eval fidelity --dialogues sim.jsonl --cards styled.jsonl --by style\n",
    )
    .action(
      runAction(async (flags: FidelityFlags & { dryRun?: boolean }) => {
        const shard = shardOf(flags);
        // Checked first: a bad --by costs no embedding call.
        const grouping = await readGrouping({ by: flags.by, cards: flags.cards });
        const { fidelityReport, embeddingModelFor } = await import("../../evaluation/index.js");
        const {
          formatComparisonTable,
          formatFidelityByGroup,
          mainLanguage,
          writeFidelityCharts,
          writeJsonResult,
        } = await import("../../report/index.js");
        const { openModelContext } = await import("../../app/model-context.js");
        const { resolveEvaluationSettings } = await import("../../app/run-settings.js");
        // Embeddings are not cached: the context is for psysim.yaml and preflight only.
        const context = openModelContext({ config: flags.config, cache: false });
        const settings = resolveEvaluationSettings(context.config, flags);
        const spec = settings.embeddings ?? "lexical-baseline";
        const batchSize = settings.batchSize ?? 32;
        if (flags.dryRun)
          return printFidelityPlan(flags, spec, batchSize, settings.seed ?? 1, context.config);
        const embedding = await embeddingModelFor(spec, {
          batchSize,
          ...(context.config && { config: context.config }),
        });
        if (embedding && !embedding.isBaseline)
          await context.preflight({ probe: flags.preflight, embeddings: [spec] });
        const progress = await progressBar("texts embedded");
        const result = await fidelityReport({
          dialogues: flags.dialogues,
          cards: flags.cards,
          seed: settings.seed ?? 1,
          test: flags.test,
          batchSize,
          ...(embedding && { embedding }),
          ...(flags.stopWords && { stopWords: flags.stopWords }),
          ...(grouping && { by: grouping.by }),
          ...shard,
          onProgress: progress.onProgress,
        }).finally(progress.stop);
        const label = embedding
          ? `${embedding.id}${embedding.isBaseline ? ", baseline" : ""}`
          : null;
        const chartEmbedding = embedding
          ? { label: embedding.id, baseline: embedding.isBaseline === true }
          : null;
        const rows = [
          { metric: "vocabulary overlap (Eq. 1)", comparison: result.aggregates.overlap },
        ];
        if (result.aggregates.cosine)
          rows.push({ metric: `cosine (Eq. 2, ${label})`, comparison: result.aggregates.cosine });
        process.stdout.write(
          formatComparisonTable(rows, ["true mapping", "random mapping"]) + "\n",
        );
        if (result.by_group) process.stdout.write(formatFidelityByGroup(result.by_group) + "\n");
        if (flags.json) writeJsonResult(flags.json, result);
        if (flags.plots)
          await writeFidelityCharts(
            result.sessions,
            flags.plots,
            chartEmbedding,
            flags.lang ?? mainLanguage(result.sessions),
          );
      }),
    );

  languageOption(
    groupByOptions(
      shardOption(
        judgeBatchOptions(judgeOptions(evaluate.command("topics")), "topics"),
        "sessions",
      ),
    ),
    "the language most sessions are in",
  )
    .description(
      "Client-topic diversity (§4.1): the judge labels each session's client turns with topics (multi-label); entropy in bits per round, mean ± sd over rounds.",
    )
    .option(
      "--topics <file>",
      "topic list (.txt one a line, or JSON/YAML of {id, en, zh}); default the 56 SMILE topics",
    )
    .option("--plots <dir>", "write the Figure 3 topic distribution as SVG and PNG")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim eval topics --dialogues sim.jsonl --judge openai:gpt-4o --json topics.json --plots plots/\n  psysim eval topics --dialogues sim.jsonl --judge baseline   # offline, rule-based\n  psysim eval topics --dialogues sim.jsonl --judge openai:gpt-4o --batch openai\n  psysim eval topics --dialogues sim.jsonl --judge baseline --by style --cards styled.jsonl\n",
    )
    .action(
      runAction(async (flags: JudgeFlags & { topics?: string; dryRun?: boolean }) => {
        const shard = shardOf(flags);
        const grouping = await readGrouping(flags);
        const { topicsReport, resolveJudge } = await import("../../evaluation/index.js");
        const {
          chartLanguage,
          datasetName,
          formatTopicsByGroup,
          formatTopicsSummary,
          renderChart,
          topicBarsSpec,
          writeJsonResult,
        } = await import("../../report/index.js");
        const opened = await openJudgeContext(flags, "topics");
        const { context } = opened;
        try {
          const settings = await judgeRunSettings(context.config, flags);
          const spec = requireJudge(settings.judge);
          if (flags.dryRun)
            return await printJudgePlan("topics", flags, spec, settings.run, context.config);
          const judge = await resolveJudge(spec, (s) => context.chatModel(s));
          opened.checkJudge(judge);
          await opened.preflight();
          const progress = await progressBar("session-rounds labelled");
          const concurrency = opened.concurrency(settings.run.concurrency);
          const result = await topicsReport(flags.dialogues, {
            judge,
            ...settings.run,
            ...(concurrency !== undefined && { concurrency }),
            ...(flags.topics && { topicsFile: flags.topics }),
            ...shard,
            ...(grouping && { grouping }),
            onProgress: progress.onProgress,
          }).finally(progress.stop);
          process.stdout.write(
            formatTopicsSummary(result) +
              "\n" +
              (result.by_group ? formatTopicsByGroup(result.by_group) + "\n" : "") +
              (await usageLine(result.usage)),
          );
          if (flags.json) writeJsonResult(flags.json, result);
          if (flags.plots)
            await renderChart(
              topicBarsSpec(
                [
                  {
                    name: datasetName(flags.dialogues),
                    distribution: result.aggregates.distribution,
                  },
                ],
                flags.lang ?? chartLanguage(result.settings),
              ),
              join(flags.plots, "topics"),
            );
        } finally {
          await opened.close();
        }
      }),
    );

  judgeRunOptions(
    jsonOption(
      languageOption(
        dryRunOption(
          shardOption(judgeBatchOptions(evaluate.command("stages"), "stages"), "sessions"),
        ),
        "the language most sessions are in",
      )
        .description(
          "Hill's stages (exploration, insight, action) per counselor turn, and per session: stage share by tenth, progression (Kendall's tau-b), first action turn, skips.",
        )
        .requiredOption("--dialogues <file>", "dialogue JSONL")
        .option(
          "--judge <spec>",
          "stage judge: a model spec or name from psysim.yaml (LLM, labels stage and helping skills), or baseline (keyword rules, not an LLM)",
          "baseline",
        )
        .option("--plots <dir>", "write the stage share by tenth per counselor as SVG and PNG"),
      "write the full result (input hashes, settings, every turn's label, per-session measures, per-counselor aggregates)",
    ),
    { default: 1, help: "independent rounds per session; a turn's stage is the majority" },
  )
    .addHelpText(
      "after",
      "\nExamples:\n  psysim eval stages --dialogues sim.jsonl\n  psysim eval stages --dialogues sim.jsonl --judge openai:gpt-4o --dry-run\n  psysim eval stages --dialogues sim.jsonl --judge openai:gpt-4o --json stages.json\n  psysim eval stages --dialogues sim.jsonl --judge vllm-qwen --batch files --batch-dir stages.batches\n",
    )
    .action(
      runAction(async (flags: JudgeFlags & { shard?: string; dryRun?: boolean }) => {
        const { stagesReport, formatStagesSummary, resolveJudge } =
          await import("../../evaluation/index.js");
        const { writeJsonResult } = await import("../../report/index.js");
        // The rule-based judge needs no model layer (and so opens no call cache); a dry run opens none either.
        if (flags.judge === "baseline") refuseBatchForBaseline(flags, flags.judge);
        const opened =
          flags.judge === "baseline" ? undefined : await openJudgeContext(flags, "stages");
        const context = opened?.context;
        try {
          // The LLM judge's rounds, attempts, concurrency and seed follow evaluation: too.
          const { run } = await judgeRunSettings(context?.config, flags);
          if (flags.dryRun) {
            const { printTurnLabelPlan } = await import("../turn-label-plan.js");
            return await printTurnLabelPlan({
              kind: "stages",
              dialogues: flags.dialogues,
              ...shardOf(flags),
              judge: flags.judge!,
              ...run,
              config: context?.config,
            });
          }
          const judge =
            context && (await resolveJudge(flags.judge!, (spec) => context.chatModel(spec)));
          if (judge) opened?.checkJudge(judge);
          await opened?.preflight();
          const concurrency = opened ? opened.concurrency(run.concurrency) : run.concurrency;
          const progress = await progressBar("session-rounds labelled");
          const result = await stagesReport(flags.dialogues, {
            ...(judge && { judge }),
            ...shardOf(flags),
            ...run,
            ...(concurrency !== undefined && { concurrency }),
            onProgress: progress.onProgress,
          }).finally(progress.stop);
          process.stdout.write(
            formatStagesSummary(result) + "\n" + (await usageLine(result.usage)),
          );
          if (flags.json) writeJsonResult(flags.json, result);
          if (flags.plots) {
            const { renderChart, stageSharesSpec, mainLanguage } =
              await import("../../report/index.js");
            await renderChart(
              stageSharesSpec(
                result.aggregates.map((c) => ({
                  name: c.counselor,
                  share_by_tenth: c.share_by_tenth,
                })),
                flags.lang ?? mainLanguage(result.sessions),
              ),
              join(flags.plots, "stages"),
            );
          }
        } finally {
          await opened?.close();
        }
      }),
    );

  registerEvalSafety(evaluate, { judgeRunOptions, judgeRunSettings, progressBar, usageLine });

  languageOption(
    groupByOptions(
      shardOption(judgeBatchOptions(judgeOptions(evaluate.command("wai")), "wai"), "sessions"),
    ),
    "en",
  )
    .description(
      "WAI-O-S (§4.2.1): an LLM observer rates the 12 items (Goal, Task, Bond; items 4 and 10 reversed) in independent rounds.",
    )
    .option(
      "--mode <mode>",
      "per-item: one call per item with its guideline (the paper's Figure 11); batched: all 12 in one structured call (the rating mode; wave mode is --batch)",
      "per-item",
    )
    .option("--plots <dir>", "write Figure 4 box plots as SVG and PNG")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim eval wai --dialogues sim.jsonl --judge openai:gpt-4o --json wai.json --plots plots/\n  psysim eval wai --dialogues sim.jsonl --judge vllm-qwen --mode batched --rounds 3\n  psysim eval wai --dialogues sim.jsonl --judge openai:gpt-4o --batch openai --json wai.json   # Batch API, half price, in waves\n  psysim eval wai --dialogues sim.jsonl --judge openai:gpt-4o --by style --cards styled.jsonl\n  psysim eval wai --dialogues series.jsonl --judge openai:gpt-4o --by session_index\n",
    )
    .action(
      runAction(async (flags: JudgeFlags & { mode: "per-item" | "batched"; dryRun?: boolean }) => {
        if (flags.mode !== "per-item" && flags.mode !== "batched")
          throw new UsageError(`--mode expects per-item or batched, got "${flags.mode}"`);
        const shard = shardOf(flags);
        const grouping = await readGrouping(flags);
        const { waiReport, resolveJudge } = await import("../../evaluation/index.js");
        const {
          datasetName,
          formatWaiByGroup,
          formatWaiSummary,
          renderChart,
          waiBoxplotSpec,
          writeJsonResult,
        } = await import("../../report/index.js");
        const opened = await openJudgeContext(flags, "wai");
        const { context } = opened;
        try {
          const settings = await judgeRunSettings(context.config, flags);
          const spec = requireJudge(settings.judge);
          if (flags.dryRun)
            return await printJudgePlan("wai", flags, spec, settings.run, context.config);
          const judge = await resolveJudge(spec, (s) => context.chatModel(s));
          opened.checkJudge(judge);
          await opened.preflight();
          const progress = await progressBar("ratings");
          const concurrency = opened.concurrency(settings.run.concurrency);
          const result = await waiReport(flags.dialogues, {
            judge,
            mode: flags.mode,
            ...shard,
            ...settings.run,
            ...(concurrency !== undefined && { concurrency }),
            ...(grouping && { grouping }),
            onProgress: progress.onProgress,
          }).finally(progress.stop);
          process.stdout.write(
            formatWaiSummary(result) +
              "\n" +
              (result.by_group ? formatWaiByGroup(result.by_group) + "\n" : "") +
              (await usageLine(result.usage)),
          );
          if (flags.json) writeJsonResult(flags.json, result);
          if (flags.plots)
            await renderChart(
              waiBoxplotSpec(
                // With --by, one box per group: the effect is what the figure is for.
                result.by_group
                  ? result.by_group.map((g) => ({
                      name: `${g.field}=${g.value}`,
                      sessions: result.sessions.filter((s) =>
                        g.dialogue_ids.includes(s.dialogue_id),
                      ),
                    }))
                  : [{ name: datasetName(flags.dialogues), sessions: result.sessions }],
                flags.lang ?? "en",
              ),
              join(flags.plots, "wai"),
            );
        } finally {
          await opened.close();
        }
      }),
    );
}
