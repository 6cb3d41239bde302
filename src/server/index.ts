export * from "./annotation-store.js";
export { SqliteAnnotationStore } from "./sqlite-annotation-store.js";
export { migrate, MIGRATIONS } from "./migrations.js";
export { createApp, type AppOptions, type AnnotationApp } from "./app.js";
export { ArenaSessions, PICKS, type Pick, type VoteResult } from "./arena-sessions.js";
export type { SessionEngine, EngineRequest } from "./session-engine.js";
export {
  SimulationSessionEngine,
  type SimulationEngineOptions,
} from "./simulation-session-engine.js";
export {
  hashPassword,
  verifyPassword,
  DEFAULT_SCRYPT_PARAMS,
  MIN_PASSWORD_LENGTH,
  type ScryptParams,
} from "./password.js";
export { LoginRateLimit } from "./login-rate-limit.js";
export { sessionRecord } from "./session-export.js";
export { itemAgreements, type ItemAgreements, type RaterPairAgreement } from "./item-agreement.js";
export { startServer, SERVE_DEFAULTS, type ServeOptions, type RunningServer } from "./serve.js";
export { bootstrapAdmin, ADMIN_PASSWORD_ENV, type AdminBootstrap } from "./admin-bootstrap.js";
export { ServeConfigSchema, type ServeConfig } from "./serve-config.js";
