export { loadConfig, parseConfig, DEFAULT_CONFIG_FILE, type LoadedConfig } from "./load-config.js";
export {
  PsysimConfigSchema,
  SimulationConfigSchema,
  ValidatorConfigSchema,
  CacheConfigSchema,
  psysimConfigJsonSchema,
  writeConfigJsonSchema,
  type PsysimConfig,
} from "./config-schema.js";
