import type { PsysimConfig } from "../config/config-schema.js";
import type { ExhaustedPolicy } from "../core/dialogue.js";
import type { Language } from "../core/language.js";
import type { ModelEntry } from "../llm/model-config.js";
import type { ValidatorSettings } from "../simulation/response-validator.js";

/** What a command's flags may set; undefined means "not given". */
export interface RunSettingsFlags {
  client?: ModelEntry | undefined;
  counselor?: ModelEntry | undefined;
  maxTurns?: number | undefined;
  concurrency?: number | undefined;
  seed?: number | undefined;
  language?: Language | undefined;
  maxAttempts?: number | undefined;
  exhaustedPolicy?: ExhaustedPolicy | undefined;
}

/**
 * The sessions' settings as simulate, arena and serve run them. A key left undefined
 * keeps the library's own default (e.g. concurrency 16 for simulate, 8 for the arena).
 */
export interface RunSettings {
  client: ModelEntry;
  counselor: ModelEntry;
  maxTurns?: number;
  concurrency?: number;
  seed?: number;
  language?: Language;
  maxAttempts?: number;
  exhaustedPolicy?: ExhaustedPolicy;
  /** σ's limits (§3.5) from `simulation.validator`. */
  validator: Partial<ValidatorSettings>;
}

/**
 * psysim's one rule for settings: a flag wins over `simulation:` in psysim.yaml, which
 * wins over the defaults. Every command that runs sessions resolves them here, so the
 * arena honours `simulation.concurrency` and the platform `simulation.validator` exactly
 * as simulate does.
 */
export function resolveRunSettings(
  config: Pick<PsysimConfig, "simulation"> | undefined,
  flags: RunSettingsFlags = {},
): RunSettings {
  const sim = config?.simulation ?? {};
  const v = sim.validator ?? {};
  return {
    client: flags.client ?? sim.client ?? "baseline",
    counselor: flags.counselor ?? sim.counselor ?? "baseline",
    ...given("maxTurns", flags.maxTurns ?? sim.max_turns),
    ...given("concurrency", flags.concurrency ?? sim.concurrency),
    ...given("seed", flags.seed ?? sim.seed),
    ...given("language", flags.language ?? sim.language),
    ...given("maxAttempts", flags.maxAttempts ?? v.max_attempts),
    ...given("exhaustedPolicy", flags.exhaustedPolicy ?? v.exhausted_policy),
    validator: {
      ...given("maxChineseChars", v.max_chinese_chars),
      ...given("maxEnglishWords", v.max_english_words),
    },
  };
}

/** What `eval` and `compare` flags may set; undefined means "not given". */
export interface EvaluationSettingsFlags {
  judge?: string | undefined;
  embeddings?: string | undefined;
  rounds?: number | undefined;
  maxAttempts?: number | undefined;
  concurrency?: number | undefined;
  seed?: number | undefined;
  batchSize?: number | undefined;
}

/** An evaluation's settings; a key left undefined keeps the evaluation's own default. */
export interface EvaluationSettings {
  judge?: string;
  embeddings?: string;
  rounds?: number;
  maxAttempts?: number;
  concurrency?: number;
  seed?: number;
  batchSize?: number;
}

/**
 * The same rule for `psysim eval` and `compare`: a flag wins over `evaluation:` in
 * psysim.yaml, which wins over the evaluation's defaults.
 */
export function resolveEvaluationSettings(
  config: Pick<PsysimConfig, "evaluation"> | undefined,
  flags: EvaluationSettingsFlags = {},
): EvaluationSettings {
  const ev = config?.evaluation ?? {};
  return {
    ...given("judge", flags.judge ?? ev.judge),
    ...given("embeddings", flags.embeddings ?? ev.embeddings),
    ...given("rounds", flags.rounds ?? ev.rounds),
    ...given("maxAttempts", flags.maxAttempts ?? ev.max_attempts),
    ...given("concurrency", flags.concurrency ?? ev.concurrency),
    ...given("seed", flags.seed ?? ev.seed),
    ...given("batchSize", flags.batchSize ?? ev.batch_size),
  };
}

/** `{ key: value }`, or nothing when the value is undefined (exactOptionalPropertyTypes). */
function given<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
