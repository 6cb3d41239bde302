import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";

/** A session or battle left out of an export, with where it is and why. */
export interface DroppedRecord {
  line: number;
  id: string;
  reason: string;
  /** `file:line: field: reason`, as printed. */
  message: string;
}

export interface FlagSummary {
  /** Target replies with at least one flag. */
  replies: number;
  /** Count per flag (`sigma:too_long`, `anomaly:phone-number`, …). */
  by_flag: Record<string, number>;
  /** The first flagged replies, to look at. */
  examples: { sample: string; flags: string[]; reply: string }[];
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
    /** Used sessions (or battles' sessions) written by psysim's rule-based baseline: plumbing data, not LLM data. */
    baseline: number;
  };
  samples: {
    train: number;
    validation: number;
    duplicates_removed: number;
    flagged_removed: number;
    excluded?: Record<string, number>;
  };
  tokens_approx: { train: number; validation: number; longest_sample: number; method: string };
  flags: FlagSummary;
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
}

export function reportSettings(options: ReportedSettings): Record<string, unknown> {
  return {
    name: options.name,
    system_prompt: options.systemPrompt.label,
    val_ratio: options.valRatio,
    seed: options.seed,
    max_history: options.maxHistory ?? null,
    drop_flagged: options.dropFlagged,
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
    `${unit}: ${r.read} read, ${r.used} used (${r.train} train, ${r.validation} validation), ${r.dropped} dropped${r.dropped ? ` (${fmtCounts(r.dropped_by_reason)})` : ""}`,
    ...(r.baseline
      ? [
          `note: ${r.baseline} of the used ${unit} come from psysim's rule-based baseline agents — fine for testing the pipeline, not for training a counselor`,
        ]
      : []),
    `${report.kind === "sft" ? "samples" : "pairs"}: ${s.train} train, ${s.validation} validation; ${s.duplicates_removed} duplicates removed${s.flagged_removed ? `, ${s.flagged_removed} flagged removed` : ""}${s.excluded && Object.keys(s.excluded).length ? `; left out: ${fmtCounts(s.excluded)}` : ""}`,
    `tokens (approximate): ${report.tokens_approx.train} train, ${report.tokens_approx.validation} validation, longest sample ${report.tokens_approx.longest_sample}`,
    `flagged replies: ${report.flags.replies}${report.flags.replies ? ` (${fmtCounts(report.flags.by_flag)}; anomaly flags are a rule-based baseline)` : ""}`,
  ];
  return lines.join("\n");
}

function fmtCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}
