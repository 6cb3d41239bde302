import { existsSync } from "node:fs";
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from "../config/load-config.js";
import type { ModelEntry } from "../config/model-config.js";
import { CallCache, DEFAULT_CACHE_PATH } from "../llm/call-cache.js";
import type { SamplingParams } from "../llm/chat-model.js";
import { resolveChatModel } from "../llm/resolve-model.js";
import type { MeteredChatModel } from "../llm/usage-meter.js";

export interface ModelContext {
  config: LoadedConfig | undefined;
  cache: CallCache | undefined;
  chatModel(spec: ModelEntry, sampling?: SamplingParams): Promise<MeteredChatModel>;
  close(): void;
}

/**
 * What every command that calls models needs: the config (`--config`, else ./psysim.yaml
 * when present), the call cache (`--cache FILE`, `--no-cache`, else the config's or the
 * default path), and model resolution through psysim's one call path.
 */
export function openModelContext(flags: { config?: string | undefined; cache?: string | boolean | undefined }): ModelContext {
  const configFile = flags.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const config = configFile === undefined ? undefined : loadConfig(configFile);
  const cacheEnabled = flags.cache !== false && config?.cache.enabled !== false;
  const cachePath = typeof flags.cache === "string" ? flags.cache : (config?.cache.path ?? DEFAULT_CACHE_PATH);
  const cache = cacheEnabled ? CallCache.open(cachePath) : undefined;
  return {
    config,
    cache,
    chatModel: (spec, sampling) => resolveChatModel(spec, { ...(config ? { config } : {}), cache: cache ?? null, ...(sampling ? { sampling } : {}) }),
    close: () => cache?.close(),
  };
}
