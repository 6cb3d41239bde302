import { existsSync } from "node:fs";
import { DEFAULT_CONFIG_FILE, loadConfig, type LoadedConfig } from "../config/load-config.js";
import type { ModelEntry } from "../llm/model-config.js";
import { openConfiguredCache, type CallCache } from "../llm/call-cache.js";
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
 * when present), the call cache (`--cache FILE`, `--no-cache`, else the config's path,
 * relative to the config file, or the default), and model resolution through psysim's one call path.
 */
export function openModelContext(flags: {
  config?: string | undefined;
  cache?: string | boolean | undefined;
}): ModelContext {
  const configFile =
    flags.config ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  const config = configFile === undefined ? undefined : loadConfig(configFile);
  const cache =
    openConfiguredCache(config, {
      ...(typeof flags.cache === "string" ? { path: flags.cache } : {}),
      ...(flags.cache === false ? { enabled: false } : {}),
    }) ?? undefined;
  return {
    config,
    cache,
    chatModel: (spec, sampling) =>
      resolveChatModel(spec, {
        ...(config ? { config } : {}),
        cache: cache ?? null,
        ...(sampling ? { sampling } : {}),
      }),
    close: () => cache?.close(),
  };
}
