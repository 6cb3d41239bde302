import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { jsonOption, modelOptions, type ModelFlags } from "../common-options.js";
import { parseInteger, parsePositiveInt, runAction } from "../run-action.js";
import { promptSetOption, templateOptions, type PromptFlags } from "../prompt-flags.js";

interface AgreementFlags extends PromptFlags, ModelFlags {
  battles: string;
  dialogues: string;
  judge: string;
  prompt: string;
  bothOrders?: boolean;
  out?: string;
  json?: string;
  seed: string;
  concurrency: string;
  judgeAttempts?: string;
}

const percent = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);

async function runJudgeAgreement(flags: AgreementFlags): Promise<void> {
  // Numbers are parsed here, inside runAction, so a bad value is reported as one line.
  const seed = parseInteger("--seed")(flags.seed);
  const concurrency = parsePositiveInt("--concurrency")(flags.concurrency);
  const judgeAttempts =
    flags.judgeAttempts === undefined
      ? undefined
      : parsePositiveInt("--judge-attempts")(flags.judgeAttempts);
  if (flags.prompt !== "1" && flags.prompt !== "2")
    throw new UsageError(
      `--prompt expects 1 (ethics principles, Figure 12) or 2 (counseling skills, Figure 13), got "${flags.prompt}"`,
    );
  const { readDialogues } = await import("../../core/read-records.js");
  const { JsonlAppender, assertWritable } = await import("../../core/jsonl.js");
  const { writeJsonResult } = await import("../../report/json-result.js");
  const { openModelContext } = await import("../../app/model-context.js");
  const { formatUsage } = await import("../progress.js");
  const arena = await import("../../arena/index.js");

  const battles = await arena.readBattleFile(flags.battles);
  const dialogues = await readDialogues(flags.dialogues);
  const prompt = Number(flags.prompt) as 1 | 2;
  const templates = templateOptions(flags);
  const languages = [...new Set(dialogues.map((d) => d.language))];
  const context = openModelContext({ config: flags.config, cache: flags.cache });
  try {
    const resolved = await context.chatModel(flags.judge);
    const supervisor = new arena.Supervisor({
      model: resolved.isBaseline ? arena.baselineSupervisorModel() : resolved,
      prompt,
      templates: Object.fromEntries(
        languages.map((l) => [l, arena.loadSupervisorTemplate(prompt, l, templates)]),
      ),
      ...(judgeAttempts ? { maxAttempts: judgeAttempts } : {}),
    });
    await context.preflight({ probe: flags.preflight });
    if (flags.out) assertWritable(flags.out);
    const out = flags.out ? new JsonlAppender(flags.out, { kind: "battle" }) : undefined;
    let result: import("../../arena/index.js").JudgeAgreementResult;
    try {
      result = await arena.judgeAgreement({
        battles,
        dialogues,
        supervisor,
        bothOrders: flags.bothOrders ?? false,
        seed,
        concurrency,
        battlesFile: flags.battles,
        dialoguesFile: flags.dialogues,
        ...(out ? { onJudged: (b) => out.append(b) } : {}),
      });
    } finally {
      out?.close();
    }
    const a = result.agreement;
    const labels = [
      ...new Set([
        ...Object.keys(a.confusion),
        ...Object.values(a.confusion).flatMap((row) => Object.keys(row)),
      ]),
    ].sort();
    const lines = [
      `judge-agreement: ${result.judge}${resolved.isBaseline ? " (rule-based baseline, not an LLM)" : ""} against ${result.referenceJudges.join(", ")}`,
      `  accuracy ${percent(a.accuracy)} (${a.agreed} of ${a.compared} agree; ${a.missing} unparsed, left out), Cohen's κ ${a.kappa === null ? "n/a" : a.kappa.toFixed(3)}`,
      `  position flips: ${result.bias.bothOrders ? `${result.bias.flips} of ${result.bias.bothOrders} (${percent(result.bias.flipRate)})` : "n/a (use --both-orders)"}; longer response won ${percent(result.bias.longerWonRate)}`,
      `  confusion (rows: reference, columns: judge): ${labels.map((r) => `${r}→{${labels.map((c) => `${c}: ${a.confusion[r]?.[c] ?? 0}`).join(", ")}}`).join("  ")}`,
    ];
    const usage = formatUsage({ supervisor: result.usage });
    if (result.usage.calls > 0) lines.push(`  usage: ${usage}`);
    process.stdout.write(lines.join("\n") + "\n");
    if (flags.json) {
      const { judged, ...summary } = result;
      writeJsonResult(flags.json, {
        schema: "psysim.judge-agreement/1",
        inputs: { battles: flags.battles, dialogues: flags.dialogues },
        settings: { prompt, both_orders: flags.bothOrders ?? false, seed },
        ...summary,
        battles_judged: judged.length,
      });
    }
  } finally {
    context.close();
  }
}

/** `psysim judge-agreement`: how well the LLM supervisor agrees with human annotators (Appendix C.2). */
export function register(program: Command): void {
  const command = promptSetOption(
    program
      .command("judge-agreement")
      .description(
        "Re-judge human-labelled battles with an LLM supervisor and report accuracy, Cohen's κ and position flips (the paper: 60.8–64.4%).",
      )
      .requiredOption(
        "--battles <file>",
        "human-labelled battles JSONL (e.g. exported from psysim serve)",
      )
      .requiredOption(
        "--dialogues <file>",
        "the dialogues those battles belong to (for each battle's history)",
      )
      .requiredOption("--judge <spec>", "supervisor model spec (baseline: rule-based, not an LLM)")
      .option(
        "--prompt <1|2>",
        "supervisor prompt: 1 ethics principles (Figure 12), 2 counseling skills (Figure 13)",
        "2",
      )
      .option("--both-orders", "judge each battle in both orders; a flip is a tie (and is counted)")
      .option(
        "--out <file>",
        "append the supervisor's verdicts as battles (rate them with psysim ratings)",
      )
      .option(
        "--prompts <dir>",
        "folder of supervisor-<1|2>.<language>.txt templates overriding the built-in ones",
      ),
  )
    .option("--seed <n>", "seed for the display order", "0")
    .option("--concurrency <n>", "judgements in flight", "8")
    .option(
      "--judge-attempts <n>",
      "supervisor calls per judgement before it counts as unparsed (default 2)",
    );
  modelOptions(jsonOption(command, "write the full result as JSON"))
    .addHelpText(
      "after",
      "\nExamples:\n  psysim judge-agreement --battles human.jsonl --dialogues human.dialogues.jsonl --judge openai:gpt-4o --prompt 2 --both-orders\n",
    )
    .action(runAction(runJudgeAgreement));
}
