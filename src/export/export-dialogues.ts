import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../core/errors.js";
import { sha256 } from "../core/hash.js";
import { readJsonl } from "../core/jsonl.js";
import type { Language } from "../core/language.js";
import { parseDialogue } from "../core/read-records.js";
import { ExportStaging, withStaging } from "./export-staging.js";
import {
  countInto,
  fileSha256,
  MAX_FLAG_EXAMPLES,
  reportSettings,
  TOKEN_METHOD,
  type DroppedRecord,
  type ExportReport,
} from "./export-report.js";
import {
  cutoffLenFor,
  mergeDatasetInfo,
  templateFor,
  trainingYaml,
} from "./llamafactory-config.js";
import { replyFlags, type ReplyCheck } from "./reply-flags.js";
import { sessionProblem } from "./session-check.js";
import { sampleRecord, sftDatasetInfo, type SftFormat } from "./sft-formats.js";
import { dialogueSamples, type SftSample } from "./sft-sample.js";
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
  /** σ, to flag replies it would refuse today. */
  checkReply?: ReplyCheck;
  /** Leave flagged replies out of the data instead of only reporting them. */
  dropFlagged: boolean;
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
    report: `${name}_hygiene.json`,
    datasetInfo: "dataset_info.json",
  };
}

/**
 * Turns simulated sessions into supervised fine-tuning data (paper §5.1–5.2): one sample
 * per counselor turn, sessions split whole into train and validation, duplicates removed,
 * unusable sessions reported and skipped, suspicious replies flagged. Reads the input
 * twice (once to choose the split, once to write), so memory stays flat in its size.
 * Writes nothing unless everything succeeds.
 */
export async function exportDialogues(options: ExportDialoguesOptions): Promise<ExportReport> {
  const file = options.input;
  const usable: SessionEntry[] = [];
  const dropped: DroppedRecord[] = [];
  const droppedByReason: Record<string, number> = {};
  const firstLine = new Map<string, number>();
  let read = 0;
  for await (const { value, line } of readJsonl(file)) {
    const dialogue = parseDialogue(value, file, line);
    read += 1;
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
    } else usable.push({ id: dialogue.id, line });
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

  return withStaging(options.outDir, async (staging) => {
    const seenTrain = new Set<string>();
    const validation: { sample: SftSample; key: string; tokens: number }[] = [];
    const systemTokens = new Map<string, number>();
    const report = emptyReport(
      options,
      file,
      await fileSha256(file),
      read,
      usable.length,
      heldOut.size,
      dropped,
      droppedByReason,
    );
    let longest = 0;

    const emit = (split: "train" | "validation", sample: SftSample, tokens: number) => {
      longest = Math.max(longest, tokens);
      report.tokens_approx[split] += tokens;
      report.samples[split] += 1;
      staging.appendJsonl(
        split === "train" ? names.train : names.validation,
        sampleRecord(options.format, sample),
      );
    };

    for await (const { value, line } of readJsonl(file)) {
      if (!usableLines.has(line)) continue;
      const dialogue = parseDialogue(value, file, line);
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
      for (const sample of dialogueSamples(dialogue, {
        ...(system === undefined ? {} : { system }),
        ...(options.maxHistory === undefined ? {} : { maxHistory: options.maxHistory }),
      })) {
        const first = sample.turn + 1 - sample.messages.length;
        const tokens =
          promptTokens + prefixTokens[sample.turn]! - (first > 0 ? prefixTokens[first - 1]! : 0);
        // Samples are built with a fixed key order, so plain JSON is canonical here and much faster than canonicalJson.
        const key = sha256(JSON.stringify([sample.system ?? null, sample.messages]));
        if (split === "train") {
          if (seenTrain.has(key)) {
            report.samples.duplicates_removed += 1;
            continue;
          }
          seenTrain.add(key);
        }
        const flags = replyFlags(
          dialogue.turns[sample.turn]!,
          dialogue.language,
          options.checkReply,
        );
        if (flags.length > 0) {
          report.flags.replies += 1;
          for (const f of flags) countInto(report.flags.by_flag, f.flag);
          if (report.flags.examples.length < MAX_FLAG_EXAMPLES)
            report.flags.examples.push({
              sample: sample.id,
              flags: flags.map((f) => (f.detail ? `${f.flag} (${f.detail})` : f.flag)),
              reply: sample.messages.at(-1)!.content,
            });
          if (options.dropFlagged) {
            report.samples.flagged_removed += 1;
            continue;
          }
        }
        if (split === "train") emit("train", sample, tokens);
        else validation.push({ sample, key, tokens });
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
        `${file}: every sample was removed (${report.samples.flagged_removed} flagged, ${report.samples.duplicates_removed} duplicates); nothing to train on`,
      );
    report.tokens_approx.longest_sample = longest;
    report.settings.system_prompt_sha256 = Object.fromEntries(
      [...systemLanguages].map(([l, text]) => [l, sha256(text)]),
    );

    writeLlamaFactoryFiles(staging, options, report, names, longest);
    report.files = [...staging.files(), names.report];
    staging.writeFile(names.report, JSON.stringify(report, null, 2) + "\n");
    return { result: report, stale: [names.validation, names.yaml] };
  });
}

function writeLlamaFactoryFiles(
  staging: ExportStaging,
  options: ExportDialoguesOptions,
  report: ExportReport,
  names: ReturnType<typeof sftFileNames>,
  longest: number,
): void {
  const withSystem = options.systemPrompt.label !== "none";
  const trainInfo = sftDatasetInfo(options.format, names.train, withSystem);
  if (!trainInfo) return;
  const hasValidation = report.samples.validation > 0;
  const entries: Record<string, unknown> = { [`${options.name}_train`]: trainInfo };
  if (hasValidation)
    entries[`${options.name}_val`] = sftDatasetInfo(options.format, names.validation, withSystem);
  const infoPath = join(staging.dir, names.datasetInfo);
  const existing = existsSync(infoPath) ? readFileSync(infoPath, "utf8") : undefined;
  staging.writeFile(
    names.datasetInfo,
    mergeDatasetInfo(existing, infoPath, entries, hasValidation ? [] : [`${options.name}_val`]),
  );
  if (options.format !== "llamafactory") return;
  const cutoffLen = cutoffLenFor(longest);
  staging.writeFile(
    names.yaml,
    trainingYaml({
      backbone: options.backbone,
      template: templateFor(options.backbone, options.template),
      datasetDir: staging.dir,
      trainDataset: `${options.name}_train`,
      ...(hasValidation ? { evalDataset: `${options.name}_val` } : {}),
      cutoffLen,
      precision: options.precision,
      notes: [
        `Data: ${report.samples.train} training and ${report.samples.validation} validation samples; longest about ${longest} tokens, so cutoff_len ${cutoffLen}.`,
      ],
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
): ExportReport {
  return {
    schema: "psysim.export-report/1",
    kind: "sft",
    format: options.format,
    input: { file, sha256: sha },
    settings: {
      ...reportSettings(options),
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
      baseline: 0,
    },
    samples: { train: 0, validation: 0, duplicates_removed: 0, flagged_removed: 0 },
    tokens_approx: { train: 0, validation: 0, longest_sample: 0, method: TOKEN_METHOD },
    flags: { replies: 0, by_flag: {}, examples: [] },
    files: [],
  };
}
