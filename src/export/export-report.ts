import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import type { StepPlan } from "./llamafactory-config.js";
import type { SampleMode } from "./sft-sample.js";

/** A session or battle left out of an export, with where it is and why. */
export interface DroppedRecord {
  line: number;
  id: string;
  reason: string;
  /** `file:line: field: reason`, as printed. */
  message: string;
}

/** A session kept after trimming a final client turn that no counselor reply answers. */
export interface TrimmedRecord {
  line: number;
  id: string;
  message: string;
}

/** What one sample layout costs on the exported sessions. */
export interface LayoutCost {
  samples: number;
  /** Counselor replies trained. */
  targets: number;
  /** Approximate tokens the trainer reads (and OpenAI bills) per epoch. */
  tokens: number;
}

/** What the SFT files train, counted by the consumers' own rules. */
export interface TrainingSummary {
  samples: SampleMode;
  /** Earlier counselor replies inside a sample: context only (masked) or targets too. */
  history: "context" | "targets";
  /** Counselor replies that receive loss, per split. */
  targets: { train: number; validation: number };
  /** Both layouts on the same sessions (before duplicate and flag removal), to weigh the choice. */
  cost: Record<SampleMode, LayoutCost>;
  /** Optimizer steps and eval/save intervals written to the training YAML (llamafactory). */
  steps?: StepPlan;
}

export interface FlagSummary {
  /** Target replies with at least one flag. */
  replies: number;
  /** Count per flag (`sigma:too_long`, `anomaly:phone-number`, …). */
  by_flag: Record<string, number>;
  /** The first flagged replies, to look at. */
  examples: { sample: string; flags: string[]; reply: string }[];
}

/** What `--drop-unsafe` read and found: the target replies looked up in an `eval safety` result. */
export interface UnsafeSummary {
  /** The safety result, its judge, and the dialogue file it was computed on. */
  file: string;
  sha256: string;
  judge: string;
  dialogues: { file: string; sha256: string };
  /** Target replies labelled safe_response, labelled anything else, left unlabelled by the judge (kept), or absent from the result (kept). */
  replies: { safe: number; unsafe: number; unlabelled: number; not_judged: number };
}

/**
 * The export hygiene report (printed, and written as `<name>_hygiene.json`): what went in,
 * what came out, what was left out and why, and what deserves a human look.
 */
export interface ExportReport {
  schema: "psysim.export-report/1";
  kind: "sft" | "dpo";
  format: string;
  input: { file: string; sha256: string; dialogues?: { file: string; sha256: string } };
  settings: Record<string, unknown>;
  /** Sessions (SFT) or battles (DPO) read, used and dropped. */
  records: {
    read: number;
    used: number;
    train: number;
    validation: number;
    dropped: number;
    dropped_by_reason: Record<string, number>;
    dropped_records: DroppedRecord[];
    /** Sessions that ended on a client turn and were trimmed to their last counselor reply (SFT). */
    trimmed?: number;
    trimmed_records?: TrimmedRecord[];
    /** Used sessions (or battles' sessions) written by psysim's rule-based baseline: plumbing data, not LLM data. */
    baseline: number;
  };
  samples: {
    train: number;
    validation: number;
    duplicates_removed: number;
    flagged_removed: number;
    /** With `--drop-unsafe`: target replies (SFT) or pairs (DPO) left out for an unsafe label. */
    unsafe_removed?: number;
    excluded?: Record<string, number>;
  };
  tokens_approx: { train: number; validation: number; longest_sample: number; method: string };
  training?: TrainingSummary;
  flags: FlagSummary;
  unsafe?: UnsafeSummary;
  /** One line each, also printed: what the chosen format cannot express. */
  warnings?: string[];
  files: string[];
}

/** The export settings every report records, SFT or DPO alike. */
export interface ReportedSettings {
  name: string;
  systemPrompt: { label: string };
  valRatio: number;
  seed: number;
  maxHistory?: number;
  dropFlagged: boolean;
  checkReply?: unknown;
  dropUnsafe?: string;
}

export function reportSettings(options: ReportedSettings): Record<string, unknown> {
  return {
    name: options.name,
    system_prompt: options.systemPrompt.label,
    val_ratio: options.valRatio,
    seed: options.seed,
    max_history: options.maxHistory ?? null,
    drop_flagged: options.dropFlagged,
    drop_unsafe: options.dropUnsafe ?? null,
    sigma_check: options.checkReply ? "response-validator" : "not run",
    anomaly_filter: "baseline (rule-based patterns)",
  };
}

export const MAX_FLAG_EXAMPLES = 50;
export const TOKEN_METHOD =
  "approximate: 1 per Han character or symbol, 1.3 per English word (no tokenizer)";

export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

export function countInto(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** A few lines for the terminal; the JSON file has everything. */
export function formatExportReport(report: ExportReport): string {
  const r = report.records;
  const s = report.samples;
  const unit = report.kind === "sft" ? "sessions" : "battles";
  const lines = [
    `${unit}: ${r.read} read, ${r.used} used (${r.train} train, ${r.validation} validation)${r.trimmed ? `, ${r.trimmed} trimmed to their last counselor reply (ended on a client turn)` : ""}, ${r.dropped} dropped${r.dropped ? ` (${fmtCounts(r.dropped_by_reason)})` : ""}`,
    ...(r.baseline
      ? [
          `note: ${r.baseline} of the used ${unit} come from psysim's rule-based baseline agents — fine for testing the pipeline, not for training a counselor`,
        ]
      : []),
    `${report.kind === "sft" ? "samples" : "pairs"}: ${s.train} train, ${s.validation} validation; ${s.duplicates_removed} duplicates removed${s.flagged_removed ? `, ${s.flagged_removed} flagged removed` : ""}${s.unsafe_removed ? `, ${s.unsafe_removed} unsafe removed` : ""}${s.excluded && Object.keys(s.excluded).length ? `; left out: ${fmtCounts(s.excluded)}` : ""}`,
    ...(report.training ? trainingLines(report.training) : []),
    `tokens (approximate): ${report.tokens_approx.train} train, ${report.tokens_approx.validation} validation, longest sample ${report.tokens_approx.longest_sample}`,
    `flagged replies: ${report.flags.replies}${report.flags.replies ? ` (${fmtCounts(report.flags.by_flag)}; anomaly flags are a rule-based baseline)` : ""}`,
    ...(report.unsafe ? [unsafeLine(report.unsafe)] : []),
  ];
  return lines.join("\n");
}

function unsafeLine(u: UnsafeSummary): string {
  const r = u.replies;
  return `unsafe replies (eval safety, judge ${u.judge}): ${r.unsafe} of ${r.safe + r.unsafe} labelled target replies${r.unlabelled ? `; ${r.unlabelled} left unlabelled by the judge, kept` : ""}${r.not_judged ? `; ${r.not_judged} not in ${u.file}, kept` : ""}`;
}

/** A flagged reply's entry in the report: counted per flag, the first few kept as examples. */
export function recordFlags(
  report: ExportReport,
  sample: string,
  reply: string,
  flags: readonly { flag: string; detail?: string }[],
): void {
  report.flags.replies += 1;
  for (const f of flags) countInto(report.flags.by_flag, f.flag);
  if (report.flags.examples.length < MAX_FLAG_EXAMPLES)
    report.flags.examples.push({
      sample,
      flags: flags.map((f) => (f.detail ? `${f.flag} (${f.detail})` : f.flag)),
      reply,
    });
}

/** The empty summary for a report made with `--drop-unsafe`. */
export function emptyUnsafeSummary(source: Omit<UnsafeSummary, "replies">): UnsafeSummary {
  const { file, sha256, judge, dialogues } = source;
  return {
    file,
    sha256,
    judge,
    dialogues,
    replies: { safe: 0, unsafe: 0, unlabelled: 0, not_judged: 0 },
  };
}

/** Kept replies without a safety label deserve a line: `--drop-unsafe` could not judge them. */
export function unsafeWarnings(report: ExportReport): string[] {
  const r = report.unsafe?.replies;
  if (!r || r.unlabelled + r.not_judged === 0) return [];
  const unit = report.kind === "sft" ? "target replies" : "chosen replies";
  return [
    `--drop-unsafe: ${r.unlabelled + r.not_judged} ${unit} have no safety label and were kept (${r.unlabelled} left unlabelled by the judge, ${r.not_judged} not in ${report.unsafe!.file}${report.kind === "dpo" ? ", e.g. a pick that is not the arena dialogue's continuation" : ""})`,
  ];
}

/** Counts one target reply's safety label (undefined: not in the result) into `report.unsafe`. */
export function countSafety(report: ExportReport, label: string | null | undefined): void {
  if (!report.unsafe) return;
  const r = report.unsafe.replies;
  if (label === undefined) r.not_judged += 1;
  else if (label === null) r.unlabelled += 1;
  else if (label === "safe_response") r.safe += 1;
  else r.unsafe += 1;
}

function trainingLines(t: TrainingSummary): string[] {
  const cost = (mode: SampleMode) => {
    const c = t.cost[mode];
    return `${mode} ${c.samples} samples, ${c.targets} targets, ${c.tokens} tokens`;
  };
  return [
    `trained targets: ${t.targets.train} train, ${t.targets.validation} validation counselor replies (${t.samples} samples; earlier replies in a sample are ${t.history === "context" ? "context only" : "targets too"})`,
    `layout cost per epoch (approximate, before duplicate and flag removal): ${cost("per-turn")}; ${cost("per-session")}`,
    ...(t.steps
      ? [
          `training YAML: about ${t.steps.total} optimizer steps on ${t.steps.gpus} GPU(s), eval every ${t.steps.evalSteps}, save every ${t.steps.saveSteps}`,
        ]
      : []),
  ];
}

function fmtCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}
