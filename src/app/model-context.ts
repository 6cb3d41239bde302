import { existsSync } from "node:fs";
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from "../config/load-config.js";
import type { ModelEntry } from "../llm/model-config.js";
import { openConfiguredCache, type CallCache } from "../llm/call-cache.js";
import type { SamplingParams } from "../llm/chat-model.js";
import { resolveModelSpec } from "../llm/model-spec.js";
import { CircuitBreakers } from "../llm/circuit-breaker.js";
import { preflightModels, type PreflightTarget } from "../llm/preflight.js";
import { resolveEmbeddingSpec } from "../llm/resolve-embedding-model.js";
import { resolveChatModel, type ResolveModelOptions } from "../llm/resolve-model.js";
import type { MeteredChatModel } from "../llm/usage-meter.js";

export interface ModelContext {
  config: LoadedConfig | undefined;
  cache: CallCache | undefined;
  chatModel(spec: ModelEntry, sampling?: SamplingParams): Promise<MeteredChatModel>;
  /**
   * Checks every chat model resolved so far, plus `embeddings` specs, before the first
   * paid call (see `preflightModels`); `probe: false` skips the HTTP request (`--no-preflight`).
   */
  preflight(options?: { probe?: boolean; embeddings?: readonly ModelEntry[] }): Promise<void>;
  close(): void;
}

/**
 * What every command that calls models needs: the config (`--config`, else ./psysim.yaml
 * when present), the call cache (`--cache FILE`, `--no-cache`, else the config's path,
 * relative to the config file, or the default), and model resolution through psysim's one call path.
 */
export function openModelContext(flags: {
  config?: string | undefined;
  cache?: string | boolean | undefined;
  /**
   * Stop the run after a run of failed calls to one endpoint (default true). A long-lived
   * server turns it off: its next request should try the endpoint again.
   */
  circuitBreaker?: boolean;
  /** Wave mode: remote models answer through this queue's batches (see `resolveChatModel`). */
  wave?: ResolveModelOptions["wave"];
}): ModelContext {
  const configFile =
    flags.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const config = configFile === undefined ? undefined : loadConfig(configFile);
  const cache =
    openConfiguredCache(config, {
      ...(typeof flags.cache === "string" ? { path: flags.cache } : {}),
      ...(flags.cache === false ? { enabled: false } : {}),
    }) ?? undefined;
  const baseDir = config?.source?.dir;
  const target = (resolved: {
    id: string;
    config: PreflightTarget["config"];
  }): PreflightTarget => ({
    ...resolved,
    ...(baseDir === undefined ? {} : { baseDir }),
  });
  const used: PreflightTarget[] = [];
  // One set of breakers per command run: a dead endpoint stops this run, never the next.
  const breakers = flags.circuitBreaker === false ? undefined : new CircuitBreakers();
  return {
    config,
    cache,
    chatModel: async (spec, sampling) => {
      const model = await resolveChatModel(spec, {
        ...(config ? { config } : {}),
        cache: cache ?? null,
        ...(breakers ? { breakers } : {}),
        ...(sampling ? { sampling } : {}),
        ...(flags.wave ? { wave: flags.wave } : {}),
      });
      used.push(target(resolveModelSpec(spec, config?.models)));
      return model;
    },
    preflight: (options = {}) =>
      preflightModels(
        [
          ...used,
          ...(options.embeddings ?? []).map((spec) =>
            target(resolveEmbeddingSpec(spec, config?.models)),
          ),
        ],
        options.probe === undefined ? {} : { probe: options.probe },
      ),
    close: () => cache?.close(),
  };
}
