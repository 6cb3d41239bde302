import { resolve } from "node:path";
import { z } from "zod";
import { PsysimError } from "../../core/errors.js";
import type { SamplingParams } from "../chat-model.js";
import type { LlamaGpu, LlamaGpuLayers } from "../local/llama-runtime.js";
import type { NodeLlamaCppImporter } from "../local/node-llama-cpp-loader.js";
import type { ContextOverflow } from "../local/llama-chat-engine.js";
import { defaultThreadCount } from "../local/thread-count.js";

export type { LlamaGpu, LlamaGpuLayers } from "../local/llama-runtime.js";
export type { NodeLlamaCppImporter } from "../local/node-llama-cpp-loader.js";
export type { ContextOverflow } from "../local/llama-chat-engine.js";

/** The `context_overflow` settings, the default first. */
export const CONTEXT_OVERFLOW = [
  "error",
  "drop_oldest",
] as const satisfies readonly ContextOverflow[];

/** A local GGUF model run in-process by llama.cpp (through node-llama-cpp). */
export interface LlamaCppModelOptions {
  /** The GGUF file; relative paths resolve against `baseDir`. */
  modelPath: string;
  /** The model spec as the user wrote it; default `llama-cpp:<modelPath>`. */
  id?: string;
  /** Folder relative paths resolve against (the config file's folder); default the working directory. */
  baseDir?: string;
  /** Tokens each sequence holds (prompt + reply); default: as much as memory allows, at most 8192 and the model's training length. */
  contextSize?: number;
  /**
   * When a prompt plus `max_tokens` outgrows the context: `error` (default) refuses the
   * call with the fix; `drop_oldest` drops the oldest turns (keeping the system prompt),
   * and the reply says how many (`droppedTurns`).
   */
  contextOverflow?: ContextOverflow;
  /** llama.cpp threads; default `defaultThreadCount()` (1 on ≤ 2 cores, else half the logical CPUs, at most 16). */
  threads?: number;
  /** GPU backend; default `false` (CPU). Setting `gpuLayers` alone selects `"auto"`. */
  gpu?: LlamaGpu;
  /** Layers offloaded to the GPU; default 0 on CPU, `"auto"` when a GPU is asked for. */
  gpuLayers?: LlamaGpuLayers;
  /** Generations running at once on the shared context (more callers wait); default 4. */
  parallel?: number;
  /** Defaults for every call (a request's own `params` win): temperature 0.7, top_p 1, max_tokens 512, seed 0. */
  sampling?: SamplingParams;
  /** Chat format override: a built-in name (`chatML`, `qwen`, `llama3.1`, `deepSeek`…), a Jinja template, or a `.jinja` file. */
  chatTemplate?: string;
  /** How node-llama-cpp is imported; tests inject a failing one to simulate a missing package. */
  importNodeLlamaCpp?: NodeLlamaCppImporter;
  /** Where warnings go (a JSON schema no grammar can enforce); default one `psysim: warning:` line on stderr. */
  onWarning?: (message: string) => void;
}

export interface ResolvedLlamaCppOptions {
  id: string;
  modelPath: string;
  contextSize: number | undefined;
  contextOverflow: ContextOverflow;
  threads: number;
  gpu: LlamaGpu;
  gpuLayers: LlamaGpuLayers;
  parallel: number;
  sampling: { temperature: number; top_p: number | undefined; max_tokens: number; seed: number };
  chatTemplate: string | undefined;
  importNodeLlamaCpp: NodeLlamaCppImporter | undefined;
}

export const LLAMA_CPP_DEFAULTS = {
  parallel: 4,
  temperature: 0.7,
  max_tokens: 512,
  seed: 0,
} as const;

interface Limit {
  int?: boolean;
  min: number;
  max?: number;
}

/** The valid ranges, in one place: the config schema and the programmatic options both check against them. */
const LIMITS = {
  context_size: { int: true, min: 64 },
  threads: { int: true, min: 1 },
  parallel: { int: true, min: 1, max: 256 },
  gpu_layers: { int: true, min: 0 },
  temperature: { min: 0, max: 2 },
  top_p: { min: 0, max: 1 },
  max_tokens: { int: true, min: 1 },
  seed: { int: true, min: 0 },
} as const satisfies Record<string, Limit>;

function check(id: string, name: keyof typeof LIMITS, value: number | undefined): void {
  if (value === undefined) return;
  const rule: Limit = LIMITS[name];
  const ok =
    Number.isFinite(value) &&
    (!rule.int || Number.isInteger(value)) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) {
    const range = rule.max === undefined ? `≥ ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    throw new PsysimError(
      "CONFIG_INVALID",
      `${id}: ${name} must be ${rule.int ? "a whole number" : "a number"} ${range}, got ${value}`,
    );
  }
}

function limited(name: keyof typeof LIMITS) {
  const rule: Limit = LIMITS[name];
  const base = (rule.int ? z.int() : z.number()).min(rule.min);
  return (rule.max === undefined ? base : base.max(rule.max)).optional();
}

function isTemplateFile(template: string | undefined): template is string {
  return template !== undefined && !template.includes("{") && /\.(jinja2?|j2)$/.test(template);
}

/** Validates options eagerly (a typo fails at startup, not after the model loads) and fills the defaults. */
export function resolveLlamaCppOptions(options: LlamaCppModelOptions): ResolvedLlamaCppOptions {
  const id = options.id ?? `llama-cpp:${options.modelPath}`;
  if (!options.modelPath)
    throw new PsysimError(
      "CONFIG_INVALID",
      `${id}: model_path is empty; give the path of a .gguf file`,
    );
  const s = options.sampling ?? {};
  check(id, "context_size", options.contextSize);
  check(id, "threads", options.threads);
  check(id, "parallel", options.parallel);
  if (typeof options.gpuLayers === "number") check(id, "gpu_layers", options.gpuLayers);
  check(id, "temperature", s.temperature);
  check(id, "top_p", s.top_p);
  check(id, "max_tokens", s.max_tokens);
  check(id, "seed", s.seed);
  const overflow = options.contextOverflow;
  if (overflow !== undefined && !(CONTEXT_OVERFLOW as readonly string[]).includes(overflow))
    throw new PsysimError(
      "CONFIG_INVALID",
      `${id}: context_overflow must be one of ${CONTEXT_OVERFLOW.join(", ")}, got ${String(overflow)}`,
    );
  const wantsGpu = options.gpuLayers !== undefined && options.gpuLayers !== 0;
  const gpu = options.gpu ?? (wantsGpu ? "auto" : false);
  return {
    id,
    modelPath: resolve(options.baseDir ?? process.cwd(), options.modelPath),
    contextSize: options.contextSize,
    contextOverflow: overflow ?? "error",
    threads: options.threads ?? defaultThreadCount(),
    gpu,
    gpuLayers: options.gpuLayers ?? (gpu === false ? 0 : "auto"),
    parallel: options.parallel ?? LLAMA_CPP_DEFAULTS.parallel,
    sampling: {
      temperature: s.temperature ?? LLAMA_CPP_DEFAULTS.temperature,
      top_p: s.top_p,
      max_tokens: s.max_tokens ?? LLAMA_CPP_DEFAULTS.max_tokens,
      seed: s.seed ?? LLAMA_CPP_DEFAULTS.seed,
    },
    chatTemplate: isTemplateFile(options.chatTemplate)
      ? resolve(options.baseDir ?? process.cwd(), options.chatTemplate)
      : options.chatTemplate,
    importNodeLlamaCpp: options.importNodeLlamaCpp,
  };
}

/** The `{ provider: llama-cpp, … }` entry of `models:` in psysim.yaml. */
export const LlamaCppModelConfigSchema = z.strictObject({
  provider: z.literal("llama-cpp"),
  model_path: z.string().min(1),
  context_size: limited("context_size"),
  context_overflow: z.enum(CONTEXT_OVERFLOW).optional(),
  threads: limited("threads"),
  gpu: z.union([z.literal(false), z.enum(["auto", "cuda", "vulkan", "metal"])]).optional(),
  gpu_layers: z.union([limited("gpu_layers").unwrap(), z.enum(["auto", "max"])]).optional(),
  parallel: limited("parallel"),
  temperature: limited("temperature"),
  top_p: limited("top_p"),
  max_tokens: limited("max_tokens"),
  seed: limited("seed"),
  chat_template: z.string().min(1).optional(),
});
export type LlamaCppModelConfig = z.infer<typeof LlamaCppModelConfigSchema>;

/** Maps a config entry (already parsed by the config schema) to options; `name` is its key under `models:`. */
export function llamaCppOptionsFromConfig(
  config: LlamaCppModelConfig,
  name: string,
  baseDir?: string,
): LlamaCppModelOptions {
  const sampling: SamplingParams = {};
  if (config.temperature !== undefined) sampling.temperature = config.temperature;
  if (config.top_p !== undefined) sampling.top_p = config.top_p;
  if (config.max_tokens !== undefined) sampling.max_tokens = config.max_tokens;
  if (config.seed !== undefined) sampling.seed = config.seed;
  const options: LlamaCppModelOptions = { id: name, modelPath: config.model_path, sampling };
  if (baseDir !== undefined) options.baseDir = baseDir;
  if (config.context_size !== undefined) options.contextSize = config.context_size;
  if (config.context_overflow !== undefined) options.contextOverflow = config.context_overflow;
  if (config.threads !== undefined) options.threads = config.threads;
  if (config.gpu !== undefined) options.gpu = config.gpu;
  if (config.gpu_layers !== undefined) options.gpuLayers = config.gpu_layers;
  if (config.parallel !== undefined) options.parallel = config.parallel;
  if (config.chat_template !== undefined) options.chatTemplate = config.chat_template;
  return options;
}
