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

/** `{ key: value }`, or nothing when the value is undefined (exactOptionalPropertyTypes). */
function given<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
