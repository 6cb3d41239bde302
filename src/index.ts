// The package root: the pipeline as the README and docs/*.md use it, one entry per step.
// Everything else is served by subpath exports (`psysim/arena`, `psysim/evaluation`, …; see
// package.json "exports"). docs/api.md lists both; test/structure/public-api.test.ts keeps
// them in step, so adding a name here means documenting it there.

// Data contracts and errors
export {
  PsysimError,
  InputLineError,
  readRoleCards,
  readDialogues,
  readBattles,
  type ErrorCode,
  type RoleCard,
  type Dialogue,
  type Turn,
  type Battle,
  type Language,
} from "./core/index.js";

// Models and psysim.yaml
export {
  resolveChatModel,
  resolveEmbeddingModel,
  openConfiguredCache,
  UsageMeter,
  createLlamaCppChatModel,
  createLlamaCppEmbeddingModel,
  disposeLlamaCppModels,
  createTransformersEmbeddingModel,
  type ChatModel,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type EmbeddingModel,
  type SamplingParams,
  type MeteredChatModel,
  type ResolveModelOptions,
} from "./llm/index.js";
export { loadConfig, type LoadedConfig, type PsysimConfig } from "./config/index.js";

// Algorithm 1
export {
  simulate,
  type SimulateOptions,
  type SimulateModels,
  type SimulateSummary,
} from "./simulation/index.js";

// §4 evaluations
export {
  importDialogues,
  statsReport,
  fidelityReport,
  topicsReport,
  waiReport,
  compareDatasets,
  type EvaluationResult,
} from "./evaluation/index.js";

// §5.1 export
export { exportDialogues, exportBattles, systemPromptChoice } from "./export/index.js";

// Algorithm 2 and ratings
export {
  runArena,
  arenaCounselor,
  adHocCounselor,
  buildLeaderboard,
  bootstrapBradleyTerry,
  ratingsReport,
  type ArenaOptions,
  type ArenaSummary,
  type Leaderboard,
} from "./arena/index.js";
