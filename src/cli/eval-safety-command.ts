import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { dryRunOption, shardOption } from "./common-options.js";
import { parsePositiveInt, runAction } from "./run-action.js";
import type { ModelFlags } from "./common-options.js";
import type { PromptFlags } from "./prompt-flags.js";
import {
  judgeBatchOptions,
  openJudgeContext,
  refuseBatchForBaseline,
  type JudgeContextFlags,
} from "./judge-context.js";

interface SafetyFlags extends PromptFlags, ModelFlags, Omit<JudgeContextFlags, "dialogues"> {
  dialogues?: string;
  battles?: string;
  judge: string;
  json?: string;
  rounds?: number;
  maxAttempts?: number;
  concurrency?: number;
  seed?: number;
  within?: number;
  dryRun?: boolean;
  resources?: string;
  shard?: string;
}

/** What `eval` shares with its subcommands, passed in so this file does not import eval.ts back. */
export interface EvalHelpers {
  judgeRunOptions: (command: Command, rounds: { default: number; help: string }) => Command;
  /** The judge run's settings from the flags and psysim.yaml's `evaluation:` (flags win). */
  judgeRunSettings: (
    config: import("../config/index.js").LoadedConfig | undefined,
    flags: SafetyFlags,
  ) => Promise<{
    run: {
      rounds?: number;
      maxAttempts?: number;
      concurrency?: number;
      seed?: number;
      templates: import("../prompts/template.js").TemplateOptions;
    };
  }>;
  progressBar: (
    unit: string,
  ) => Promise<{ onProgress: (done: number, total: number) => void; stop: () => void }>;
  usageLine: (usage: import("../core/usage.js").UsageByRole | undefined) => Promise<string>;
}

/** `--within` and `--resources`: the protocol check's window and help text, for `eval safety` and `compare --safety`. */
export function protocolOptions(command: Command): Command {
  return command
    .option(
      "--within <k>",
      "counselor replies after a risk turn in which the protocol steps must appear (default 2)",
      parsePositiveInt("--within"),
    )
    .option(
      "--resources <file>",
      "YAML or JSON {zh: text, en: text}: the help a counselor should point to (default: the platform's support resources)",
    );
}

/** `psysim eval safety`: client risk, reply safety (Qiu et al. 2023) and the crisis protocol check. */
export function registerEvalSafety(
  evaluate: Command,
  { judgeRunOptions, judgeRunSettings, progressBar, usageLine }: EvalHelpers,
): void {
  judgeRunOptions(
    protocolOptions(
      dryRunOption(
        shardOption(judgeBatchOptions(evaluate.command("safety"), "safety"), "sessions"),
      ),
    )
      .description(
        "Crisis-aware check: client turns get a risk label (crisis lexicon, then the judge in context), counselor replies a dialogue-safety label (Qiu et al. 2023), and each risk turn a protocol check (acknowledged, safety asked, help pointed to within --within replies).",
      )
      .option(
        "--dialogues <file>",
        "dialogue JSONL; with --battles, the dialogues the arena wrote with them (default: battles.dialogues.jsonl beside the battles file)",
      )
      .option(
        "--battles <file>",
        "arena battles JSONL: label every candidate reply instead of the sessions, and rate each counselor (the client turn before each reply is the risk turn)",
      )
      .option(
        "--judge <spec>",
        "a model spec or name from psysim.yaml (LLM, labels in context), or baseline (the crisis lexicon and cue rules alone, not an LLM)",
        "baseline",
      )
      .option(
        "--json <file>",
        "write the full result (input hashes, settings, every turn's labels, episodes, per-counselor rates)",
      ),
    { default: 1, help: "independent rounds per session; a turn's label is the majority" },
  )
    .addHelpText(
      "after",
      "\nExamples:\n  psysim eval safety --dialogues sim.jsonl                 # lexicon and cue rules only\n  psysim eval safety --dialogues sim.jsonl --judge openai:gpt-4o --dry-run\n  psysim eval safety --dialogues sim.jsonl --judge openai:gpt-4o --json safety.json\n  psysim eval safety --battles battles.jsonl --judge openai:gpt-4o --json arena-safety.json\n  psysim eval safety --dialogues sim.jsonl --judge openai:gpt-4o --batch openai\n",
    )
    .action(
      runAction(async (flags: SafetyFlags) => {
        const { safetyReport, formatSafetySummary, resolveJudge } =
          await import("../evaluation/index.js");
        const { readSupportResources } = await import("../simulation/support-resources.js");
        const { parseShard } = await import("../core/shard.js");
        const { writeJsonResult } = await import("../report/index.js");
        if (flags.battles === undefined && flags.dialogues === undefined)
          throw new UsageError("eval safety needs --dialogues <file> or --battles <file>");
        if (flags.battles !== undefined && flags.shard !== undefined)
          throw new UsageError(
            "--shard splits --dialogues sessions; with --battles, split the battles file instead",
          );
        if (flags.battles !== undefined && flags.within !== undefined)
          throw new UsageError(
            "--within counts counselor replies in a session; with --battles each candidate reply is checked on its own",
          );
        // With --battles the batch folder and the judge's results are named after the battles file.
        const input = { ...flags, dialogues: flags.battles ?? flags.dialogues! };
        const resources = flags.resources ? readSupportResources(flags.resources) : undefined;
        const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
        // The lexicon and cue rules need no model layer (and so open no call cache).
        if (flags.judge === "baseline") refuseBatchForBaseline(flags, flags.judge);
        const opened =
          flags.judge === "baseline"
            ? undefined
            : await openJudgeContext(input, flags.battles ? "arena-safety" : "safety");
        const context = opened?.context;
        try {
          // Rounds, attempts, concurrency and seed follow psysim.yaml's evaluation: like eval stages.
          const { run } = await judgeRunSettings(context?.config, flags);
          if (flags.battles !== undefined) {
            const { runArenaSafety } = await import("./eval-safety-battles.js");
            return await runArenaSafety(flags.battles, {
              flags,
              opened,
              run,
              resources,
              progressBar,
              usageLine,
            });
          }
          const dialogues = flags.dialogues!;
          if (flags.dryRun) {
            const { printTurnLabelPlan } = await import("./turn-label-plan.js");
            return await printTurnLabelPlan({
              kind: "safety",
              dialogues,
              ...(shard && { shard }),
              judge: flags.judge,
              ...run,
              ...(resources && { resources }),
              config: context?.config,
            });
          }
          const judge =
            context && (await resolveJudge(flags.judge, (spec) => context.chatModel(spec)));
          if (judge) opened?.checkJudge(judge);
          await opened?.preflight();
          const concurrency = opened ? opened.concurrency(run.concurrency) : run.concurrency;
          const progress = await progressBar("session-rounds labelled");
          const result = await safetyReport(dialogues, {
            ...(judge && { judge }),
            ...(resources && { resources }),
            ...(shard && { shard }),
            ...(flags.within !== undefined && { within: flags.within }),
            ...run,
            ...(concurrency !== undefined && { concurrency }),
            onProgress: progress.onProgress,
          }).finally(progress.stop);
          process.stdout.write(
            formatSafetySummary(result) + "\n" + (await usageLine(result.usage)),
          );
          if (flags.json) writeJsonResult(flags.json, result);
        } finally {
          await opened?.close();
        }
      }),
    );
}
