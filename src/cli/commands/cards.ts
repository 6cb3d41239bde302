import type { Command } from "commander";
import { PsysimError, UsageError } from "../../core/errors.js";
import { modelOptions, type ModelFlags } from "../common-options.js";
import { runAction } from "../run-action.js";

interface BuildFlags extends ModelFlags {
  model: string;
  out: string;
  concurrency: string;
  maxAttempts: string;
  prompts?: string;
  allowFailures?: boolean;
  progressInterval?: string;
  styles?: string;
  resistance?: string;
  seed: string;
}

interface AssignFlags {
  styles?: string;
  resistance?: string;
  seed: string;
  out: string;
}

interface SplitFlags {
  test: string;
  seed: string;
  out?: string;
  trainOut?: string;
  testOut?: string;
}

// Checked inside actions, so a bad value is one `psysim:` line like every other input error.
function whole(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} expects a whole number from ${min} up, got "${value}"`);
  return n;
}

/** `--styles`/`--resistance`/`--seed` as an assignment, or undefined when neither list is given. */
async function mannerFlags(flags: { styles?: string; resistance?: string; seed: string }) {
  if (flags.styles === undefined && flags.resistance === undefined) return undefined;
  const { parseMannerList } = await import("../../cards/index.js");
  const { CLIENT_STYLES, RESISTANCE_LEVELS } = await import("../../core/role-card.js");
  return {
    seed: whole("--seed", flags.seed, -(2 ** 31)),
    ...(flags.styles !== undefined
      ? { styles: parseMannerList("--styles", flags.styles, CLIENT_STYLES) }
      : {}),
    ...(flags.resistance !== undefined
      ? { resistance: parseMannerList("--resistance", flags.resistance, RESISTANCE_LEVELS) }
      : {}),
  };
}

const STYLES_HELP =
  "comma-separated conversational styles to spread over the cards (plain, upset, verbose, reserved, tangent, pleasing; Patient-Ψ)";
const RESISTANCE_HELP =
  "comma-separated resistance levels to spread over the cards (low, moderate, high)";

/** `psysim cards …`: client-pool tools (paper §3.4). */
export function register(program: Command): void {
  const cards = program
    .command("cards")
    .description(
      "Client pool tools: validate, build, split and summarise role cards (paper §3.4, Figure 8).",
    );

  cards
    .command("validate")
    .description(
      "Check a role-card file (JSONL, JSON array or YAML) and list every bad record as file:line: field: reason.",
    )
    .argument("<file>", "role cards: JSONL, a JSON array or a YAML list")
    .addHelpText("after", "\nExamples:\n  psysim cards validate examples/cards.zh.jsonl\n")
    .action(
      runAction(async (file: string) => {
        const { validateCardsFile, formatPoolSummary } = await import("../../cards/index.js");
        const result = await validateCardsFile(file);
        if (result.ok) {
          process.stdout.write(formatPoolSummary(file, result.summary) + "\n");
          return;
        }
        for (const problem of result.problems) process.stderr.write(problem.message + "\n");
        const n = result.problems.length;
        const lines = new Set(result.problems.map((p) => p.line)).size;
        throw new PsysimError(
          "INPUT_INVALID",
          `${file}: ${n} problem${n === 1 ? "" : "s"} on ${lines} line${lines === 1 ? "" : "s"}; fix the lines above`,
        );
      }),
    );

  const build = cards
    .command("build")
    .description(
      "Turn help-seeking posts into full nine-field role cards with an LLM (structured output, validated; paper §3.4, Figure 8). Resumable.",
    )
    .argument(
      "<posts>",
      "posts: one per line (a line may be a JSON string), or a JSON array of strings",
    )
    .requiredOption(
      "--model <spec>",
      "model spec or a name under models: in psysim.yaml (e.g. openai:gpt-4o)",
    )
    .requiredOption(
      "--out <file>",
      "cards JSONL (appended card by card; posts already there are skipped on rerun)",
    );
  modelOptions(build)
    .option("--concurrency <n>", "posts in flight", "4")
    .option("--max-attempts <n>", "generations per post before it is reported as failed", "3")
    .option("--prompts <dir>", "folder with card-builder.<zh|en>.txt overriding psysim's prompts")
    .option(
      "--allow-failures",
      "exit 0 even when some posts could not be turned into cards (they are still listed)",
    )
    .option("--progress-interval <ms>", "progress line period without a TTY (default 5000)")
    .option("--styles <list>", STYLES_HELP + "; applied to the whole --out file after building")
    .option("--resistance <list>", RESISTANCE_HELP + "; replaces the model's resistance_level")
    .option("--seed <n>", "seed of the --styles/--resistance assignment", "1")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim cards build posts.txt --model openai:gpt-4o --out cards.jsonl\n  psysim cards build psyqa.json --model qwen --config psysim.yaml --out cards.jsonl --concurrency 16\n",
    )
    .action(
      runAction(async (postsFile: string, flags: BuildFlags) => {
        const concurrency = whole("--concurrency", flags.concurrency, 1);
        const maxAttempts = whole("--max-attempts", flags.maxAttempts, 1);
        const manner = await mannerFlags(flags);
        const interval =
          flags.progressInterval === undefined
            ? undefined
            : whole("--progress-interval", flags.progressInterval, 1);
        const { readPosts, buildCards } = await import("../../cards/index.js");
        const { assertWritable } = await import("../../core/jsonl.js");
        const { openModelContext } = await import("../../app/model-context.js");
        const { ProgressBar, formatUsage } = await import("../progress.js");
        const posts = await readPosts(postsFile);
        if (posts.length === 0) throw new PsysimError("INPUT_INVALID", `${postsFile}: no posts`);
        const context = openModelContext({ config: flags.config, cache: flags.cache });
        try {
          const model = await context.chatModel(flags.model);
          if (model.isBaseline)
            throw new PsysimError(
              "MODEL_SPEC_INVALID",
              "the rule-based baseline cannot write role cards; cards build needs an LLM (--model openai:gpt-4o, ollama:qwen2.5:7b, …)",
            );
          await context.preflight({ probe: flags.preflight });
          assertWritable(flags.out);
          const bar = new ProgressBar("posts", interval ? { intervalMs: interval } : {});
          let summary;
          try {
            summary = await buildCards({
              file: postsFile,
              posts,
              out: flags.out,
              model,
              concurrency,
              maxAttempts,
              ...(flags.prompts ? { templateDir: flags.prompts } : {}),
              onProgress: (event) => {
                if (event.type === "start") bar.start(event.total);
                else {
                  bar.spend("card-builder", event.usage);
                  bar.tick();
                }
              },
            });
          } finally {
            bar.stop();
          }
          if (manner) {
            const { readRoleCards } = await import("../../core/read-records.js");
            const { writeJsonlAtomic } = await import("../../core/jsonl.js");
            const { assignManner } = await import("../../cards/index.js");
            writeJsonlAtomic(
              flags.out,
              assignManner(await readRoleCards(flags.out), manner),
              "rolecard",
            );
          }
          for (const failure of summary.failed) process.stderr.write(failure.message + "\n");
          const usage = formatUsage({ "card-builder": summary.usage });
          process.stdout.write(
            `built ${summary.built} card${summary.built === 1 ? "" : "s"} → ${flags.out}; ${summary.skipped} already there, ${summary.duplicates} duplicate posts, ${summary.failed.length} failed (of ${summary.requested} posts)\n` +
              (summary.usage.calls ? `  usage: ${usage}\n` : ""),
          );
          if (summary.failed.length > 0 && !flags.allowFailures) {
            throw new PsysimError(
              "MODEL_CALL_FAILED",
              `${summary.failed.length} post${summary.failed.length === 1 ? "" : "s"} gave no valid card (listed above); rerun to retry them, or pass --allow-failures`,
            );
          }
        } finally {
          context.close();
        }
      }),
    );

  cards
    .command("assign")
    .description(
      "Spread conversational styles (Patient-Ψ) and resistance levels over a pool in balanced proportions, the same on every run for a seed.",
    )
    .argument("<file>", "role cards: JSONL, a JSON array or a YAML list")
    .option("--styles <list>", STYLES_HELP)
    .option("--resistance <list>", RESISTANCE_HELP)
    .option("--seed <n>", "seed of the assignment", "1")
    .requiredOption("--out <file>", "write every card, with the fields set, to this JSONL file")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim cards assign pool.jsonl --styles plain,upset,verbose,reserved,tangent,pleasing --seed 7 --out styled.jsonl\n  psysim cards assign pool.jsonl --resistance low,high --out resist.jsonl\n",
    )
    .action(
      runAction(async (file: string, flags: AssignFlags) => {
        const manner = await mannerFlags(flags);
        if (!manner)
          throw new PsysimError(
            "INPUT_INVALID",
            "cards assign needs --styles LIST, --resistance LIST or both",
          );
        const { readRoleCards } = await import("../../core/read-records.js");
        const { writeJsonlAtomic } = await import("../../core/jsonl.js");
        const { assignManner } = await import("../../cards/index.js");
        const assigned = assignManner(await readRoleCards(file), manner);
        writeJsonlAtomic(flags.out, assigned, "rolecard");
        const counts = (field: "style" | "resistance_level", values: readonly string[]) =>
          values.map((v) => `${v} ${assigned.filter((c) => c[field] === v).length}`).join(", ");
        process.stdout.write(
          `assigned ${assigned.length} cards → ${flags.out} (seed ${manner.seed})\n` +
            (manner.styles ? `  style: ${counts("style", manner.styles)}\n` : "") +
            (manner.resistance
              ? `  resistance_level: ${counts("resistance_level", manner.resistance)}\n`
              : ""),
        );
      }),
    );

  cards
    .command("split")
    .description(
      "Split a client pool into train and held-out test pools, the same on every run for a seed (paper: 1,000 and 100).",
    )
    .argument("<file>", "role cards: JSONL, a JSON array or a YAML list")
    .requiredOption("--test <n>", "cards in the test pool")
    .option("--seed <n>", "seed of the split", "1")
    .option("--out <file>", "write every card, with split set to train or test, to one JSONL file")
    .option("--train-out <file>", "write the training pool here")
    .option("--test-out <file>", "write the test pool here")
    .addHelpText(
      "after",
      "\nExamples:\n  psysim cards split pool.jsonl --test 100 --seed 7 --train-out train.jsonl --test-out test.jsonl\n  psysim cards split pool.jsonl --test 100 --out pool.split.jsonl\n",
    )
    .action(
      runAction(async (file: string, flags: SplitFlags) => {
        const testCount = whole("--test", flags.test, 1);
        const seed = whole("--seed", flags.seed, -(2 ** 31));
        if (!flags.out && !flags.trainOut && !flags.testOut)
          throw new UsageError(
            "cards split needs --out FILE, or --train-out FILE and --test-out FILE",
          );
        if (!flags.out && (!flags.trainOut || !flags.testOut))
          throw new UsageError(
            "give both --train-out and --test-out (or --out for one file with split set)",
          );
        const { readRoleCards } = await import("../../core/read-records.js");
        const { writeJsonlAtomic } = await import("../../core/jsonl.js");
        const { splitPool, summarisePool, formatPoolSummary } =
          await import("../../cards/index.js");
        const cards = await readRoleCards(file);
        const split = splitPool(cards, testCount, seed);
        const written: string[] = [];
        if (flags.out) {
          const byId = new Map([...split.train, ...split.test].map((c) => [c.id, c]));
          writeJsonlAtomic(
            flags.out,
            cards.map((c) => byId.get(c.id)!),
            "rolecard",
          );
          written.push(formatPoolSummary(flags.out, summarisePool(cards)));
        }
        if (flags.trainOut && flags.testOut) {
          writeJsonlAtomic(flags.trainOut, split.train, "rolecard");
          writeJsonlAtomic(flags.testOut, split.test, "rolecard");
          written.push(
            formatPoolSummary(flags.trainOut, summarisePool(split.train)),
            formatPoolSummary(flags.testOut, summarisePool(split.test)),
          );
        }
        process.stdout.write(
          `split ${split.train.length + split.test.length} cards: ${split.train.length} train, ${split.test.length} test (seed ${seed})\n${written.join("\n")}\n`,
        );
      }),
    );

  cards
    .command("stats")
    .description(
      "Summarise a client pool: field coverage, ages, languages, resistance levels, chief-complaint lengths.",
    )
    .argument("<file>", "role cards: JSONL, a JSON array or a YAML list")
    .option("--json", "print the numbers as JSON")
    .action(
      runAction(async (file: string, flags: { json?: boolean }) => {
        const { readRoleCards } = await import("../../core/read-records.js");
        const { poolStats, formatPoolStats } = await import("../../cards/index.js");
        const stats = poolStats(await readRoleCards(file));
        process.stdout.write(
          (flags.json ? JSON.stringify(stats, null, 2) : formatPoolStats(file, stats)) + "\n",
        );
      }),
    );
}
