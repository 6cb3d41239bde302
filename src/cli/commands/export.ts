import { Option, type Command } from "commander";
import { PsysimError, UsageError } from "../../core/errors.js";
import { runAction } from "../run-action.js";

const FORMATS = ["llamafactory", "openai", "sharegpt", "alpaca", "dpo", "openai-dpo"] as const;

interface ExportFlags {
  format: (typeof FORMATS)[number];
  samples: "per-turn" | "per-session";
  out: string;
  systemPrompt: string;
  promptDir?: string;
  valRatio: string;
  maxHistory?: string;
  seed: string;
  name?: string;
  backbone: string;
  template?: string;
  precision: "bf16" | "fp16";
  gpus: string;
  evalSteps?: string;
  saveSteps?: string;
  dialogues?: string[];
  dropFlagged?: boolean;
  dropUnsafe?: string;
  sigma: boolean;
}

// Options are checked inside the action, so a bad value is one `psysim:` line like every other input error.
function parseRatio(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n >= 1)
    throw new UsageError(
      `--val-ratio expects a number from 0 up to (not including) 1, got "${value}"`,
    );
  return n;
}

function parseWhole(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} expects a whole number from ${min} up, got "${value}"`);
  return n;
}

/** `psysim export`: simulated sessions → SFT data (§5.1–5.2); arena battles → DPO preference pairs. */
export function register(program: Command): void {
  program
    .command("export")
    .description(
      "Turn dialogues into fine-tuning data (per counselor turn as in paper §5.1, or per session), or arena battles into DPO preference pairs.",
    )
    .argument(
      "<input>",
      "dialogues JSONL (psysim simulate) or battles JSONL (psysim arena); detected from the records",
    )
    .addOption(
      new Option("--format <format>", "output format").choices(FORMATS).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--samples <layout>",
        "per-turn: one sample per counselor reply, earlier replies masked (the paper's layout); per-session: one sample per session training every reply (same targets, far fewer tokens)",
      )
        .choices(["per-turn", "per-session"])
        .default("per-turn"),
    )
    .requiredOption(
      "--out <dir>",
      "output folder (created; files are replaced only when the export succeeds)",
    )
    .option(
      "--system-prompt <paper|none|file>",
      "system prompt on every sample: the paper's counselor prompt (Figure 9) in the session's language, none, or a text file",
      "paper",
    )
    .option(
      "--prompt-dir <dir>",
      "folder of prompt template overrides (counselor.<lang>.txt) for --system-prompt paper",
    )
    .option(
      "--val-ratio <ratio>",
      "share of sessions held out for validation, whole sessions only",
      "0.001",
    )
    .option(
      "--max-history <n>",
      "keep at most n earlier client–counselor exchanges in each per-turn sample (default: all)",
    )
    .option("--seed <n>", "seed of the validation split", "1")
    .option(
      "--name <name>",
      "prefix of the files and LLaMA-Factory dataset names (default psysim, or psysim_dpo)",
    )
    .option(
      "--backbone <model>",
      "model to fine-tune, for the llamafactory training YAML",
      "Qwen/Qwen2-7B-Instruct",
    )
    .option(
      "--template <name>",
      "LLaMA-Factory chat template, checked against its registry (default: from --backbone)",
    )
    .addOption(
      new Option("--precision <p>", "16-bit training precision in the YAML")
        .choices(["bf16", "fp16"])
        .default("bf16"),
    )
    .option("--gpus <n>", "GPUs the training YAML's step counts assume (the paper used 4)", "4")
    .option(
      "--eval-steps <n>",
      "evaluate every n optimizer steps (default: about 10 evaluations per run)",
    )
    .option("--save-steps <n>", "save a checkpoint every n steps (default: as --eval-steps)")
    .option(
      "--dialogues <files...>",
      "dpo, openai-dpo: the dialogue files the battles were fought in (their turns are the history)",
    )
    .option(
      "--drop-flagged",
      "leave replies flagged by σ or the anomaly filter out, instead of only reporting them",
    )
    .option(
      "--drop-unsafe <safety.json>",
      "leave out target replies (dpo: chosen replies) that an eval safety --json result, judged by an LLM on these dialogues, labels other than safe_response",
    )
    .option("--no-sigma", "do not re-check target replies with the response validator σ")
    .addHelpText(
      "after",
      `
Examples:
  psysim export dialogues.jsonl --format llamafactory --out sft/ --backbone deepseek-ai/deepseek-llm-7b-chat
  psysim export dialogues.jsonl --format openai --out openai/ --system-prompt none --max-history 10
  psysim export dialogues.jsonl --format openai --samples per-session --out openai/
  psysim export battles.jsonl --format dpo --dialogues arena-dialogues.jsonl --out dpo/
  psysim export battles.jsonl --format openai-dpo --dialogues arena-dialogues.jsonl --out dpo-openai/
  psysim eval safety --dialogues dialogues.jsonl --judge openai:gpt-4o --json safety.json
  psysim export dialogues.jsonl --format llamafactory --out sft/ --drop-unsafe safety.json

Writes <name>_train.jsonl, <name>_val.jsonl (when sessions are held out), dataset_info.json (merged
into an existing one), <name>_sft.yaml (llamafactory), <name>_data_args.yaml (sharegpt, alpaca) or
<name>_pairs.jsonl (dpo, openai-dpo), and the hygiene report <name>_hygiene.json. Dropped sessions
are listed as file:line: field: reason.`,
    )
    .action(
      runAction(async (input: string, flags: ExportFlags) => {
        const valRatio = parseRatio(flags.valRatio);
        const seed = parseWhole("--seed", flags.seed, -(2 ** 31));
        const maxHistory =
          flags.maxHistory === undefined
            ? undefined
            : parseWhole("--max-history", flags.maxHistory, 0);
        const gpus = parseWhole("--gpus", flags.gpus, 1);
        const evalSteps =
          flags.evalSteps === undefined
            ? undefined
            : parseWhole("--eval-steps", flags.evalSteps, 1);
        const saveSteps =
          flags.saveSteps === undefined
            ? undefined
            : parseWhole("--save-steps", flags.saveSteps, 1);
        const dpo = flags.format === "dpo" || flags.format === "openai-dpo";
        const lib = await import("../../export/index.js");
        const { ResponseValidator } = await import("../../simulation/response-validator.js");
        const kind = await lib.detectExportInput(input);
        if (dpo && kind !== "battles")
          throw new PsysimError(
            "INPUT_INVALID",
            `${input} holds dialogues; --format ${flags.format} reads arena battles (use llamafactory, openai, sharegpt or alpaca for dialogues)`,
          );
        if (!dpo && kind !== "dialogues")
          throw new PsysimError(
            "INPUT_INVALID",
            `${input} holds arena battles; export them with --format dpo or openai-dpo --dialogues <arena dialogues>`,
          );
        const systemPrompt = lib.systemPromptChoice(flags.systemPrompt, flags.promptDir);
        const validators = new Map<string, InstanceType<typeof ResponseValidator>>();
        const checkReply = flags.sigma
          ? (reply: string, language: "zh" | "en") =>
              (
                validators.get(language) ??
                validators.set(language, new ResponseValidator(language)).get(language)!
              ).check(reply).reasons
          : undefined;
        const common = {
          input,
          outDir: flags.out,
          systemPrompt,
          valRatio,
          seed,
          ...(maxHistory === undefined ? {} : { maxHistory }),
          ...(checkReply ? { checkReply } : {}),
          dropFlagged: flags.dropFlagged ?? false,
          ...(flags.dropUnsafe === undefined ? {} : { dropUnsafe: flags.dropUnsafe }),
        };
        let report;
        if (flags.format === "dpo" || flags.format === "openai-dpo") {
          if (!flags.dialogues?.length)
            throw new UsageError(
              `--format ${flags.format} needs --dialogues <file...>: the arena dialogues whose turns are the battles' history`,
            );
          report = await lib.exportBattles({
            ...common,
            format: flags.format,
            dialogues: flags.dialogues,
            name: flags.name ?? "psysim_dpo",
          });
        } else {
          report = await lib.exportDialogues({
            ...common,
            format: flags.format,
            samples: flags.samples,
            name: flags.name ?? "psysim",
            backbone: flags.backbone,
            ...(flags.template ? { template: flags.template } : {}),
            precision: flags.precision,
            gpus,
            ...(evalSteps === undefined ? {} : { evalSteps }),
            ...(saveSteps === undefined ? {} : { saveSteps }),
          });
        }
        for (const d of report.records.dropped_records)
          process.stderr.write(`${d.message} (skipped)\n`);
        for (const w of report.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(
          `${lib.formatExportReport(report)}\nwrote ${report.files.map((f) => `${flags.out.replace(/\/$/, "")}/${f}`).join(", ")}\n`,
        );
      }),
    );
}
