export * from "./agent-call.js";
export * from "./client-agent.js";
export * from "./counselor-agent.js";
export * from "./response-validator.js";
export * from "./termination-rule.js";
export * from "./session-loop.js";
export * from "./simulate.js";
export { createBaselineChatModel, type BaselineHandler } from "../llm/providers/baseline.js";
export * from "./crisis-lexicon.js";
