import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PsysimError } from "../core/errors.js";
import type { ExportStaging } from "./export-staging.js";

/** The paper's fine-tuning setup (§5.2.2): full fine-tuning, batch 1 per device, 2 accumulation steps, lr 1e-5, cosine, 2 epochs, 16-bit. */
export const PAPER_HYPERPARAMETERS = {
  finetuning_type: "full",
  per_device_train_batch_size: 1,
  gradient_accumulation_steps: 2,
  learning_rate: 1e-5,
  lr_scheduler_type: "cosine",
  num_train_epochs: 2,
  val_size: 0.001,
} as const;

export const DEFAULT_BACKBONE = "Qwen/Qwen2-7B-Instruct";

/** The GPUs the paper trained on (§5.2.2); step counts in the YAML assume this many unless told otherwise. */
export const PAPER_GPUS = 4;

/** About this many evaluations (and checkpoints) per run when the steps are not given. */
export const EVALUATIONS_PER_RUN = 10;

/** LLaMA-Factory data arguments that depend on what was exported (keys of its `DataArguments`). */
export interface DataArguments {
  /** Folder holding dataset_info.json and the data files. */
  datasetDir: string;
  trainDataset: string;
  /** The held-out sessions; when absent the config trains without evaluation. */
  evalDataset?: string;
  cutoffLen: number;
  /**
   * `mask_history`: true trains only each sample's last reply (per-turn samples); false,
   * LLaMA-Factory's default, trains every assistant reply in a sample (per-session samples).
   */
  maskHistory: boolean;
  /**
   * No system prompt was exported. LLaMA-Factory fills an empty system text with the
   * template's default ("You are Qwen, created by Alibaba Cloud…" for qwen), unless the
   * data argument `default_system` overrides it; psysim sets it to "".
   */
  emptySystem: boolean;
}

export interface TrainingConfig extends DataArguments {
  backbone: string;
  template: string;
  precision: "bf16" | "fp16";
  steps: StepPlan;
  /** What the data looked like, written as comments so the config explains itself. */
  notes: string[];
}

/** Optimizer steps of a run and when it evaluates and saves. */
export interface StepPlan {
  gpus: number;
  total: number;
  evalSteps: number;
  saveSteps: number;
}

/**
 * Steps of a run at the paper's batch size (per device 1 × 2 accumulation steps × GPUs, two
 * epochs), and eval/save intervals giving about {@link EVALUATIONS_PER_RUN} of each unless
 * given. A fixed 500 would never evaluate a run of a few hundred steps.
 */
export function stepPlan(
  trainSamples: number,
  gpus: number,
  given: { evalSteps?: number; saveSteps?: number } = {},
): StepPlan {
  const p = PAPER_HYPERPARAMETERS;
  const batches = Math.ceil(trainSamples / (p.per_device_train_batch_size * gpus));
  const total = Math.ceil(batches / p.gradient_accumulation_steps) * p.num_train_epochs;
  const evalSteps = given.evalSteps ?? Math.max(1, Math.round(total / EVALUATIONS_PER_RUN));
  return { gpus, total, evalSteps, saveSteps: given.saveSteps ?? evalSteps };
}

/** Shortest power of two (at least 1024) holding the longest sample with a 10% margin for the approximate count. */
export function cutoffLenFor(maxSampleTokens: number): number {
  let n = 1024;
  while (n < maxSampleTokens * 1.1) n *= 2;
  return n;
}

// PyYAML (which LLaMA-Factory uses) reads `1e-5` as a string; it needs a dot in the mantissa.
function yamlFloat(x: number): string {
  const [mantissa, exponent] = x.toExponential().split("e");
  return `${mantissa!.includes(".") ? mantissa : `${mantissa}.0`}e${exponent}`;
}

const str = (s: string) => (/^[\w./-]+$/.test(s) ? s : JSON.stringify(s));

function datasetLines(d: DataArguments): string[] {
  return [
    `dataset_dir: ${str(d.datasetDir)}`,
    `dataset: ${str(d.trainDataset)}`,
    ...(d.evalDataset ? [`eval_dataset: ${str(d.evalDataset)}`] : []),
    `cutoff_len: ${d.cutoffLen}`,
    ...(d.maskHistory
      ? [
          "# Per-turn samples: each ends on the counselor reply it teaches (§5.1, Eq. 3); earlier replies are context.",
          "mask_history: true",
        ]
      : [
          "# Per-session samples: every counselor reply is a target, each seeing only the turns before it.",
          "mask_history: false",
        ]),
    ...(d.emptySystem
      ? [
          "# Exported without a system prompt: an empty default_system stops the template from adding its own.",
          'default_system: ""',
        ]
      : []),
  ];
}

/**
 * The data arguments alone, to merge into a LLaMA-Factory training YAML of your own
 * (sharegpt and alpaca exports): they carry the masking that makes the data train what was chosen.
 */
export function dataArgumentsYaml(d: DataArguments, notes: string[]): string {
  return [
    "# LLaMA-Factory data arguments written by psysim export; merge them into your training YAML.",
    ...notes.map((n) => `# ${n}`),
    ...datasetLines(d),
    "",
  ].join("\n");
}

/** A LLaMA-Factory training YAML with the paper's hyperparameters, for `llamafactory-cli train <file>`. */
export function trainingYaml(config: TrainingConfig): string {
  const p = PAPER_HYPERPARAMETERS;
  const slug = config.backbone.replace(/[^\w.-]+/g, "_");
  const { steps } = config;
  const lines = [
    "# LLaMA-Factory SFT config written by psysim export (paper §5.2.2 hyperparameters).",
    "# The paper trained on 4 GPUs (A100 80GB): per-device batch 1 x 2 accumulation steps.",
    "# Run: llamafactory-cli train <this file>   (several GPUs: FORCE_TORCHRUN=1; add a deepspeed config for 7B full fine-tuning)",
    ...config.notes.map((n) => `# ${n}`),
    `# About ${steps.total} optimizer steps on ${steps.gpus} GPU(s); evaluation and checkpoints every ${steps.evalSteps} and ${steps.saveSteps} steps (psysim export --gpus, --eval-steps, --save-steps).`,
    "",
    "### model",
    `model_name_or_path: ${str(config.backbone)}`,
    "",
    "### method",
    "stage: sft",
    "do_train: true",
    `finetuning_type: ${p.finetuning_type}`,
    "",
    "### dataset",
    `template: ${str(config.template)}`,
    ...datasetLines(config),
    "overwrite_cache: true",
    "",
    "### output",
    `output_dir: ${str(`saves/${slug}/full/sft`)}`,
    "logging_steps: 10",
    `save_steps: ${steps.saveSteps}`,
    "plot_loss: true",
    "overwrite_output_dir: true",
    "report_to: none",
    "",
    "### train",
    `per_device_train_batch_size: ${p.per_device_train_batch_size}`,
    `gradient_accumulation_steps: ${p.gradient_accumulation_steps}`,
    `learning_rate: ${yamlFloat(p.learning_rate)}`,
    `num_train_epochs: ${p.num_train_epochs.toFixed(1)}`,
    `lr_scheduler_type: ${p.lr_scheduler_type}`,
    `${config.precision}: true`,
    "",
    "### eval",
    `# The paper's val_size ${p.val_size} is applied by psysim per session (no session is split across train and eval), not by LLaMA-Factory per sample.`,
    ...(config.evalDataset
      ? ["per_device_eval_batch_size: 1", "eval_strategy: steps", `eval_steps: ${steps.evalSteps}`]
      : [
          "# No session was held out (too few sessions for the ratio, or --val-ratio 0), so training runs without evaluation.",
        ]),
    "",
  ];
  return lines.join("\n");
}

/**
 * Adds psysim's entries to a `dataset_info.json`, keeping every other dataset already
 * registered there (the output folder may be LLaMA-Factory's own data/ folder).
 */
export function mergeDatasetInfo(
  existing: string | undefined,
  file: string,
  entries: Record<string, unknown>,
  remove: readonly string[] = [],
): string {
  let info: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch (error) {
      throw new PsysimError(
        "INPUT_INVALID",
        `${file}: not valid JSON (${(error as Error).message}); fix or remove it, psysim adds its entries to it`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new PsysimError("INPUT_INVALID", `${file}: expected a JSON object of datasets`);
    info = parsed as Record<string, unknown>;
  }
  for (const name of remove) delete info[name];
  return JSON.stringify({ ...info, ...entries }, null, 2) + "\n";
}

/**
 * Writes the output folder's `dataset_info.json` with `entries` added and `remove` gone,
 * keeping everything else there. With no entries it only cleans up an existing file, so
 * an OpenAI export into a folder that held a LLaMA-Factory one leaves no entry pointing at
 * records LLaMA-Factory cannot read.
 */
export function updateDatasetInfo(
  staging: ExportStaging,
  entries: Record<string, unknown>,
  remove: readonly string[],
): void {
  const path = join(staging.dir, "dataset_info.json");
  const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (existing === undefined && Object.keys(entries).length === 0) return;
  staging.writeFile("dataset_info.json", mergeDatasetInfo(existing, path, entries, remove));
}
