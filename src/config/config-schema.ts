import { z } from "zod";
import { writeFileAtomic } from "../core/jsonl.js";
import { LANGUAGES } from "../core/language.js";
import { EXHAUSTED_POLICIES } from "../core/dialogue.js";
import { ModelEntrySchema } from "../llm/model-config.js";

const ModelName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "model names use letters, digits, '_', '.' and '-', and cannot contain ':' (which marks a spec)",
  );

/** Response refinement σ (§3.5). Unset keys keep the simulation's defaults. */
export const ValidatorConfigSchema = z.strictObject({
  max_chinese_chars: z.int().min(1).optional(),
  max_english_words: z.int().min(1).optional(),
  max_attempts: z.int().min(1).optional(),
  exhausted_policy: z.enum(EXHAUSTED_POLICIES).optional(),
});

/** Algorithm 1 settings. Unset keys keep the simulation's defaults (max_turns 50, concurrency 16, seed 0). */
export const SimulationConfigSchema = z.strictObject({
  client: ModelEntrySchema.optional(),
  counselor: ModelEntrySchema.optional(),
  max_turns: z.int().min(1).optional(),
  concurrency: z.int().min(1).optional(),
  language: z.enum(LANGUAGES).optional(),
  seed: z.int().optional(),
  validator: ValidatorConfigSchema.optional(),
});

/**
 * `psysim eval` and `compare` settings; a flag wins over each key. Unset keys keep the
 * evaluations' defaults (rounds 3, max_attempts 3, concurrency 8, seed 1, batch_size 32,
 * embeddings lexical-baseline).
 */
export const EvaluationConfigSchema = z.strictObject({
  /** Judge of `eval topics` and `eval wai`: a model spec or a name under `models:`. */
  judge: z.string().min(1).optional(),
  /** Embedding model of `eval fidelity` (Eq. 2): a spec, `lexical-baseline` or `none`. */
  embeddings: z.string().min(1).optional(),
  rounds: z.int().min(1).optional(),
  max_attempts: z.int().min(1).optional(),
  concurrency: z.int().min(1).optional(),
  seed: z.int().optional(),
  batch_size: z.int().min(1).optional(),
});

export const CacheConfigSchema = z.strictObject({
  /** SQLite file of finished model calls; relative to the config file's folder; default `.psysim/cache.sqlite` in the working directory. */
  path: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
});

/**
 * psysim.yaml. `models`, `simulation`, `evaluation` and `cache` are checked here;
 * `counselors`, `arena` and `serve` are kept as written for their own modules to check.
 */
export const PsysimConfigSchema = z.strictObject({
  models: z.record(ModelName, ModelEntrySchema).default({}),
  simulation: SimulationConfigSchema.default({}),
  cache: CacheConfigSchema.default({}),
  counselors: z.unknown().optional(),
  arena: z.unknown().optional(),
  serve: z.unknown().optional(),
  evaluation: EvaluationConfigSchema.default({}),
});
export type PsysimConfig = z.infer<typeof PsysimConfigSchema>;

/** JSON Schema of psysim.yaml for editors and docs (as the user writes it, defaults optional). */
export function psysimConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PsysimConfigSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}

/** Writes the JSON schema (docs/psysim.schema.json is generated this way). */
export function writeConfigJsonSchema(path: string): void {
  writeFileAtomic(path, `${JSON.stringify(psysimConfigJsonSchema(), null, 2)}\n`);
}
