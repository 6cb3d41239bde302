import { PsysimError } from "../core/errors.js";

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

// LLaMA-Factory chat-template names for the backbones people fine-tune counselors on; first match wins.
const TEMPLATES: [RegExp, string][] = [
  [/qwen3/i, "qwen3"],
  [/qwen/i, "qwen"],
  [/deepseek-?llm|deepseek-?7b|deepseek-?67b/i, "deepseek"],
  [/deepseek-?v[23]/i, "deepseek3"],
  [/llama-?3/i, "llama3"],
  [/llama-?2/i, "llama2"],
  [/glm-?4/i, "glm4"],
  [/chatglm3/i, "chatglm3"],
  [/internlm2/i, "intern2"],
  [/baichuan2/i, "baichuan2"],
  [/mistral/i, "mistral"],
  [/gemma/i, "gemma"],
  [/\byi-/i, "yi"],
];

/** LLaMA-Factory's `template` for a backbone; the user names it when psysim cannot tell. */
export function templateFor(backbone: string, explicit?: string): string {
  if (explicit) return explicit;
  const found = TEMPLATES.find(([pattern]) => pattern.test(backbone));
  if (!found)
    throw new PsysimError(
      "CONFIG_INVALID",
      `cannot tell LLaMA-Factory's chat template for backbone "${backbone}"; pass --template NAME (e.g. qwen, deepseek, llama3)`,
    );
  return found[1];
}

export interface TrainingConfig {
  backbone: string;
  template: string;
  /** Folder holding dataset_info.json and the data files. */
  datasetDir: string;
  trainDataset: string;
  /** The held-out sessions; when absent the config trains without evaluation. */
  evalDataset?: string;
  cutoffLen: number;
  precision: "bf16" | "fp16";
  /** What the data looked like, written as comments so the config explains itself. */
  notes: string[];
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

/** A LLaMA-Factory training YAML with the paper's hyperparameters, for `llamafactory-cli train <file>`. */
export function trainingYaml(config: TrainingConfig): string {
  const p = PAPER_HYPERPARAMETERS;
  const slug = config.backbone.replace(/[^\w.-]+/g, "_");
  const lines = [
    "# LLaMA-Factory SFT config written by psysim export (paper §5.2.2 hyperparameters).",
    "# The paper trained on 4 GPUs (A100 80GB): per-device batch 1 x 2 accumulation steps.",
    "# Run: llamafactory-cli train <this file>   (several GPUs: FORCE_TORCHRUN=1; add a deepspeed config for 7B full fine-tuning)",
    ...config.notes.map((n) => `# ${n}`),
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
    `dataset_dir: ${str(config.datasetDir)}`,
    `dataset: ${str(config.trainDataset)}`,
    `template: ${str(config.template)}`,
    `cutoff_len: ${config.cutoffLen}`,
    "# Each sample ends on the counselor reply it teaches (§5.1); earlier replies are context, not targets.",
    "mask_history: true",
    "overwrite_cache: true",
    "",
    "### output",
    `output_dir: ${str(`saves/${slug}/full/sft`)}`,
    "logging_steps: 10",
    "save_steps: 500",
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
      ? [
          `eval_dataset: ${str(config.evalDataset)}`,
          "per_device_eval_batch_size: 1",
          "eval_strategy: steps",
          "eval_steps: 500",
        ]
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
