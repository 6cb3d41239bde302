import { PsysimError } from "../core/errors.js";
import { ModelConfigSchema, type ModelConfig, type ModelEntry } from "./model-config.js";

/** The forms a model spec string may take, for error messages and docs. */
export const MODEL_SPEC_FORMS = [
  "openai:<model>",
  "openai-compatible:<model>@<http://host:port/v1>[,<more base URLs>]",
  "ollama:<model>",
  "http-bot:<http://host/path>",
  "llama-cpp:<path/to/model.gguf>",
  "baseline",
] as const;

/** A model spec resolved to its configuration; `id` is how outputs name it. */
export interface ResolvedModelSpec {
  id: string;
  config: ModelConfig;
}

function specInvalid(spec: string, reason: string): PsysimError {
  return new PsysimError("MODEL_SPEC_INVALID", `model spec "${spec}": ${reason}`);
}

/** Parses a spec string written in one of `MODEL_SPEC_FORMS`; undefined when it is none of them. */
export function parseModelSpec(spec: string): ModelConfig | undefined {
  const s = spec.trim();
  if (s === "baseline") return { provider: "baseline" };
  const [, prefix, rest] = /^([a-z-]+):(.*)$/s.exec(s) ?? [];
  if (prefix === undefined || rest === undefined) return undefined;
  let candidate: unknown;
  switch (prefix) {
    case "openai":
      candidate = { provider: "openai", model: rest };
      break;
    case "ollama":
      candidate = { provider: "ollama", model: rest };
      break;
    case "openai-compatible": {
      const at = /^(.*)@(https?:\/\/.+)$/s.exec(rest);
      if (!at) throw specInvalid(spec, "expected openai-compatible:<model>@<http://host:port/v1>");
      const urls = at[2]!.split(",").map((u) => u.trim());
      candidate = {
        provider: "openai-compatible",
        model: at[1],
        base_url: urls.length === 1 ? urls[0] : urls,
      };
      break;
    }
    case "http-bot":
      candidate = { provider: "http-bot", url: rest };
      break;
    case "llama-cpp":
      candidate = { provider: "llama-cpp", model_path: rest };
      break;
    default:
      return undefined;
  }
  const parsed = ModelConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw specInvalid(spec, `${issue.path.join(".") || prefix}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Resolves a spec string or config object: a spec form, else a name under `models:`
 * (which may itself be another spec string or name).
 */
export function resolveModelSpec(
  spec: ModelEntry,
  models: Readonly<Record<string, ModelEntry>> = {},
): ResolvedModelSpec {
  if (typeof spec !== "string") return { id: modelIdentity(spec), config: spec };
  const seen: string[] = [];
  for (let current: ModelEntry = spec; ;) {
    if (typeof current !== "string") return { id: spec, config: current };
    const parsed = parseModelSpec(current);
    if (parsed) return { id: spec, config: parsed };
    const entry: ModelEntry | undefined = Object.hasOwn(models, current)
      ? models[current]
      : undefined;
    if (entry === undefined) {
      const names = Object.keys(models);
      throw specInvalid(
        current,
        `unknown model; use ${MODEL_SPEC_FORMS.join(", ")}, or a name under models: in psysim.yaml${names.length > 0 ? ` (${names.join(", ")})` : ""}`,
      );
    }
    if (seen.includes(current))
      throw specInvalid(
        spec,
        `models: names refer to each other in a loop (${[...seen, current].join(" → ")})`,
      );
    seen.push(current);
    current = entry;
  }
}

/**
 * What the model *is*, independent of how it was named or where it is served: equal for
 * `ollama:qwen2.5:7b` and a `models:` entry with the same provider and model, and for
 * replicas of one model. The cache and rate limits key on it.
 */
export function modelIdentity(config: ModelConfig): string {
  switch (config.provider) {
    case "openai":
    case "openai-compatible":
    case "ollama":
      return `${config.provider}:${config.model}`;
    case "http-bot":
      return `http-bot:${config.url}`;
    case "llama-cpp":
      return `llama-cpp:${config.model_path}`;
    case "baseline":
      return "baseline";
  }
}
