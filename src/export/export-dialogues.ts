import { PsysimError } from "../core/errors.js";
import { sha256 } from "../core/hash.js";
import { readJsonl } from "../core/jsonl.js";
import type { Dialogue } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import { parseDialogue } from "../core/read-records.js";
import { ExportStaging, withStaging } from "./export-staging.js";
import {
  countInto,
  countSafety,
  emptyUnsafeSummary,
  fileSha256,
  recordFlags,
  reportSettings,
  unsafeWarnings,
  TOKEN_METHOD,
  type DroppedRecord,
  type ExportReport,
  type LayoutCost,
  type TrimmedRecord,
} from "./export-report.js";
import {
  cutoffLenFor,
  dataArgumentsYaml,
  PAPER_GPUS,
  stepPlan,
  trainingYaml,
  updateDatasetInfo,
  type DataArguments,
} from "./llamafactory-config.js";
import { templateFor } from "./llamafactory-templates.js";
import { isUnsafeFlag, replyFlags, type ReplyCheck } from "./reply-flags.js";
import { readReplySafety, type ReplySafety } from "./reply-safety.js";
import { endOnCounselor, sessionProblem } from "./session-check.js";
import { sampleRecord, sftDatasetInfo, type SftFormat } from "./sft-formats.js";
import { dialogueSamples, sessionSample, type SampleMode, type SftSample } from "./sft-sample.js";
import { approximateTokens } from "./token-estimate.js";
import { validationIds } from "./validation-split.js";

/** The system prompt for a session's language, with how it was chosen (recorded in the report). */
export interface SystemPromptChoice {
  /** `paper`, `none` or `file:<path>`. */
  label: string;
  forLanguage: (language: Language) => string | undefined;
}

export interface ExportDialoguesOptions {
  /** Dialogues JSONL (psysim.dialogue/1). */
  input: string;
  outDir: string;
  format: SftFormat;
  /** One sample per counselor turn (the paper's layout) or per session; both train every reply once. */
  samples: SampleMode;
  systemPrompt: SystemPromptChoice;
  /** Share of sessions held out for validation (paper: 0.001). */
  valRatio: number;
  seed: number;
  maxHistory?: number;
  /** Prefix of every file and dataset name written (default `psysim`). */
  name: string;
  /** LLaMA-Factory backbone and chat template, for the training YAML (`llamafactory` only). */
  backbone: string;
  template?: string;
  precision: "bf16" | "fp16";
  /** GPUs the YAML's step counts assume (default: the paper's 4). */
  gpus?: number;
  /** Evaluate / save every this many optimizer steps (default: about 10 of each per run). */
  evalSteps?: number;
  saveSteps?: number;
  /** σ, to flag replies it would refuse today. */
  checkReply?: ReplyCheck;
  /** Leave flagged replies out of the data instead of only reporting them. */
  dropFlagged: boolean;
  /** An `eval safety --json` result (LLM judge) on `input`: replies it labels unsafe are left out. */
  dropUnsafe?: string;
}

interface SessionEntry {
  id: string;
  line: number;
}

export function sftFileNames(name: string) {
  return {
    train: `${name}_train.jsonl`,
    validation: `${name}_val.jsonl`,
    yaml: `${name}_sft.yaml`,
    dataArgs: `${name}_data_args.yaml`,
    report: `${name}_hygiene.json`,
    datasetInfo: "dataset_info.json",
  };
}

/**
 * Turns simulated sessions into supervised fine-tuning data (paper §5.1–5.2): per-turn or
 * per-session samples, sessions split whole into train and validation, duplicates removed,
 * sessions ending on a client turn trimmed, unusable sessions reported and skipped,
 * suspicious replies flagged. Reads the input twice (once to choose the split, once to
 * write), so memory stays flat in its size. Writes nothing unless everything succeeds.
 */
export async function exportDialogues(options: ExportDialoguesOptions): Promise<ExportReport> {
  const file = options.input;
  if (options.samples === "per-session" && options.maxHistory !== undefined)
    throw new PsysimError(
      "CONFIG_INVALID",
      "--max-history shortens per-turn samples; per-session samples carry their whole session (use --samples per-turn)",
    );
  // Checked before reading the input, so a bad template fails in a second, not after the export.
  if (options.template !== undefined) templateFor(options.backbone, options.template);
  const template =
    options.format === "llamafactory" ? templateFor(options.backbone, options.template) : undefined;
  const inputSha = await fileSha256(file);
  const safety =
    options.dropUnsafe === undefined
      ? undefined
      : readReplySafety(options.dropUnsafe, [{ file, sha256: inputSha }]);
  const usable: SessionEntry[] = [];
  const dropped: DroppedRecord[] = [];
  const trimmed: TrimmedRecord[] = [];
  const droppedByReason: Record<string, number> = {};
  const firstLine = new Map<string, number>();
  let read = 0;
  for await (const { value, line } of readJsonl(file)) {
    const parsed = parseDialogue(value, file, line);
    read += 1;
    const { dialogue, trimmed: wasTrimmed } = endOnCounselor(parsed);
    const first = firstLine.get(dialogue.id);
    const problem =
      first !== undefined
        ? {
            reason: "duplicate-id",
            field: "id",
            message: `duplicate dialogue id "${dialogue.id}" (first on line ${first})`,
          }
        : sessionProblem(dialogue);
    if (first === undefined) firstLine.set(dialogue.id, line);
    if (problem) {
      dropped.push({
        line,
        id: dialogue.id,
        reason: problem.reason,
        message: `${file}:${line}: ${problem.field ? `${problem.field}: ` : ""}${problem.message}`,
      });
      countInto(droppedByReason, problem.reason);
      continue;
    }
    usable.push({ id: dialogue.id, line });
    if (wasTrimmed)
      trimmed.push({
        line,
        id: dialogue.id,
        message: `${file}:${line}: turns.${parsed.turns.length - 1}: ends on a client turn; trimmed to its last counselor reply`,
      });
  }

  if (usable.length === 0) {
    throw new PsysimError(
      "INPUT_INVALID",
      read === 0
        ? `${file}: no dialogues to export`
        : `${file}: none of the ${read} sessions can be exported; first problem: ${dropped[0]!.message}`,
    );
  }
  const heldOut = validationIds(
    usable.map((s) => s.id),
    options.valRatio,
    options.seed,
  );
  const usableLines = new Set(usable.map((s) => s.line));
  const names = sftFileNames(options.name);
  const systemLanguages = new Map<Language, string>();
  const perSession = options.samples === "per-session";

  return withStaging(options.outDir, async (staging) => {
    const seenTrain = new Set<string>();
    const validation: { sample: SftSample; key: string; tokens: number }[] = [];
    const systemTokens = new Map<string, number>();
    const cost: Record<SampleMode, LayoutCost> = {
      "per-turn": { samples: 0, targets: 0, tokens: 0 },
      "per-session": { samples: 0, targets: 0, tokens: 0 },
    };
    const targets = { train: 0, validation: 0 };
    const report = emptyReport(
      options,
      file,
      inputSha,
      read,
      usable.length,
      heldOut.size,
      dropped,
      droppedByReason,
      trimmed,
      safety,
    );
    let longest = 0;

    const emit = (split: "train" | "validation", sample: SftSample, tokens: number) => {
      longest = Math.max(longest, tokens);
      report.tokens_approx[split] += tokens;
      report.samples[split] += 1;
      targets[split] += sample.targets.length;
      staging.appendJsonl(
        split === "train" ? names.train : names.validation,
        sampleRecord(options.format, sample),
      );
    };

    for await (const { value, line } of readJsonl(file)) {
      if (!usableLines.has(line)) continue;
      const { dialogue } = endOnCounselor(parseDialogue(value, file, line));
      if (dialogue.meta.baseline === true) report.records.baseline += 1;
      const system = options.systemPrompt.forLanguage(dialogue.language);
      if (system !== undefined) systemLanguages.set(dialogue.language, system);
      const split = heldOut.has(dialogue.id) ? "validation" : "train";
      // Counted once per turn and summed per sample: samples repeat their history, so counting each sample's text would be quadratic.
      const turnTokens = dialogue.turns.map((t) => approximateTokens(t.content));
      const prefixTokens = turnTokens.map(
        (
          (sum) => (n: number) =>
            (sum += n)
        )(0),
      );
      const promptTokens =
        system === undefined
          ? 0
          : (systemTokens.get(system) ??
            systemTokens.set(system, approximateTokens(system)).get(system)!);
      /** Tokens of the turns first..last of this dialogue, with the system prompt. */
      const span = (first: number, last: number) =>
        promptTokens + prefixTokens[last]! - (first > 0 ? prefixTokens[first - 1]! : 0);

      const perTurn = dialogueSamples(dialogue, {
        ...(system === undefined ? {} : { system }),
        ...(options.maxHistory === undefined ? {} : { maxHistory: options.maxHistory }),
      });
      cost["per-turn"].samples += perTurn.length;
      cost["per-turn"].targets += perTurn.length;
      for (const s of perTurn)
        cost["per-turn"].tokens += span(s.turn + 1 - s.messages.length, s.turn);
      cost["per-session"].samples += 1;
      cost["per-session"].targets += perTurn.length;
      cost["per-session"].tokens += span(0, dialogue.turns.length - 1);

      const candidates = perSession
        ? [sessionSample(dialogue, system === undefined ? {} : { system })]
        : perTurn;
      for (const candidate of candidates) {
        const sample = screenFlags(candidate, dialogue, options, report, safety);
        if (!sample) continue;
        const tokens = span(sample.turn + 1 - sample.messages.length, sample.turn);
        // Samples are built with a fixed key order, so plain JSON is canonical here and much faster than canonicalJson.
        const key = sha256(JSON.stringify([sample.system ?? null, sample.messages]));
        if (split === "train") {
          if (seenTrain.has(key)) {
            report.samples.duplicates_removed += 1;
            continue;
          }
          seenTrain.add(key);
          emit("train", sample, tokens);
        } else validation.push({ sample, key, tokens });
      }
    }

    // Validation goes last so a sample already in training (a shared opening, say) is not also evaluated on.
    const seenValidation = new Set<string>();
    for (const { sample, key, tokens } of validation) {
      if (seenTrain.has(key) || seenValidation.has(key)) {
        report.samples.duplicates_removed += 1;
        continue;
      }
      seenValidation.add(key);
      emit("validation", sample, tokens);
    }
    if (report.samples.train === 0)
      throw new PsysimError(
        "INPUT_INVALID",
        `${file}: every sample was removed (${report.samples.flagged_removed} flagged, ${report.samples.unsafe_removed ?? 0} unsafe, ${report.samples.duplicates_removed} duplicates); nothing to train on`,
      );
    report.tokens_approx.longest_sample = longest;
    report.settings.system_prompt_sha256 = Object.fromEntries(
      [...systemLanguages].map(([l, text]) => [l, sha256(text)]),
    );
    report.training = {
      samples: options.samples,
      history: perSession ? "targets" : "context",
      targets,
      cost,
    };
    const warnings = [
      ...(options.format === "alpaca" ? [alpacaWarning(options.samples, names)] : []),
      ...unsafeWarnings(report),
    ];
    if (warnings.length > 0) report.warnings = warnings;

    writeLlamaFactoryFiles(staging, options, template, report, names, longest);
    report.files = [...staging.files(), names.report];
    staging.writeFile(names.report, JSON.stringify(report, null, 2) + "\n");
    return { result: report, stale: [names.validation, names.yaml, names.dataArgs] };
  });
}

/**
 * Applies the flags to a sample's targets. Flagged replies are recorded; a reply to drop
 * (unsafe with `dropUnsafe`, any other flag with `dropFlagged`) takes a per-turn sample
 * with it, and ends a per-session sample before it (a later reply would learn to follow
 * it), every cut reply counted under the reason of the reply that cut.
 */
function screenFlags(
  sample: SftSample,
  dialogue: Dialogue,
  options: ExportDialoguesOptions,
  report: ExportReport,
  safety: ReplySafety | undefined,
): SftSample | undefined {
  const offset = sample.turn + 1 - sample.messages.length;
  let cut: { target: number; unsafe: boolean } | undefined;
  for (const target of sample.targets) {
    const turn = dialogue.turns[offset + target]!;
    const label = safety?.labelOf(dialogue.id, offset + target);
    countSafety(report, label);
    const flags = replyFlags(turn, dialogue.language, options.checkReply, label);
    if (flags.length === 0) continue;
    recordFlags(report, `${dialogue.id}#${offset + target}`, turn.content, flags);
    const unsafe = flags.some(isUnsafeFlag);
    if (unsafe || options.dropFlagged) cut ??= { target, unsafe };
  }
  if (cut === undefined) return sample;
  const kept = sample.targets.filter((t) => t < cut.target);
  const removed = sample.targets.length - kept.length;
  if (cut.unsafe) report.samples.unsafe_removed! += removed;
  else report.samples.flagged_removed += removed;
  if (kept.length === 0) return undefined;
  const messages = sample.messages.slice(0, kept.at(-1)! + 1);
  return { ...sample, turn: offset + messages.length - 1, messages, targets: kept };
}

function alpacaWarning(samples: SampleMode, names: ReturnType<typeof sftFileNames>): string {
  return samples === "per-turn"
    ? `alpaca records cannot mark their history replies as context only: LLaMA-Factory masks them through mask_history: true in ${names.dataArgs}; other trainers may learn each earlier reply again in every later sample`
    : `alpaca records cannot mark their history replies as targets: LLaMA-Factory trains them through mask_history: false in ${names.dataArgs}; trainers that learn only "output" learn one reply per session`;
}

function writeLlamaFactoryFiles(
  staging: ExportStaging,
  options: ExportDialoguesOptions,
  template: string | undefined,
  report: ExportReport,
  names: ReturnType<typeof sftFileNames>,
  longest: number,
): void {
  const withSystem = options.systemPrompt.label !== "none";
  const trainInfo = sftDatasetInfo(options.format, names.train, withSystem);
  const hasValidation = report.samples.validation > 0;
  const [train, val] = [`${options.name}_train`, `${options.name}_val`];
  if (!trainInfo) {
    updateDatasetInfo(staging, {}, [train, val]);
    return;
  }
  updateDatasetInfo(
    staging,
    {
      [train]: trainInfo,
      ...(hasValidation
        ? { [val]: sftDatasetInfo(options.format, names.validation, withSystem) }
        : {}),
    },
    hasValidation ? [] : [val],
  );
  const cutoffLen = cutoffLenFor(longest);
  const data: DataArguments = {
    datasetDir: staging.dir,
    trainDataset: `${options.name}_train`,
    ...(hasValidation ? { evalDataset: `${options.name}_val` } : {}),
    cutoffLen,
    maskHistory: options.samples === "per-turn",
    emptySystem: !withSystem,
  };
  const notes = [
    `Data: ${report.samples.train} training and ${report.samples.validation} validation ${options.samples} samples training ${report.training!.targets.train} and ${report.training!.targets.validation} counselor replies; longest about ${longest} tokens, so cutoff_len ${cutoffLen}.`,
  ];
  if (template === undefined) {
    staging.writeFile(names.dataArgs, dataArgumentsYaml(data, notes));
    return;
  }
  const steps = stepPlan(report.samples.train, options.gpus ?? PAPER_GPUS, {
    ...(options.evalSteps === undefined ? {} : { evalSteps: options.evalSteps }),
    ...(options.saveSteps === undefined ? {} : { saveSteps: options.saveSteps }),
  });
  report.training!.steps = steps;
  staging.writeFile(
    names.yaml,
    trainingYaml({
      ...data,
      backbone: options.backbone,
      template,
      precision: options.precision,
      steps,
      notes,
    }),
  );
}

function emptyReport(
  options: ExportDialoguesOptions,
  file: string,
  sha: string,
  read: number,
  used: number,
  validation: number,
  dropped: DroppedRecord[],
  droppedByReason: Record<string, number>,
  trimmed: TrimmedRecord[],
  safety: ReplySafety | undefined,
): ExportReport {
  return {
    schema: "psysim.export-report/1",
    kind: "sft",
    format: options.format,
    input: { file, sha256: sha },
    settings: {
      ...reportSettings(options),
      samples: options.samples,
      ...(options.format === "llamafactory"
        ? { backbone: options.backbone, precision: options.precision }
        : {}),
    },
    records: {
      read,
      used,
      train: used - validation,
      validation,
      dropped: dropped.length,
      dropped_by_reason: droppedByReason,
      dropped_records: dropped,
      trimmed: trimmed.length,
      trimmed_records: trimmed,
      baseline: 0,
    },
    samples: {
      train: 0,
      validation: 0,
      duplicates_removed: 0,
      flagged_removed: 0,
      ...(safety && { unsafe_removed: 0 }),
    },
    tokens_approx: { train: 0, validation: 0, longest_sample: 0, method: TOKEN_METHOD },
    flags: { replies: 0, by_flag: {}, examples: [] },
    ...(safety && { unsafe: emptyUnsafeSummary(safety) }),
    files: [],
  };
}
