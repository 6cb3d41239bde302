export * from "./core/index.js";
export * from "./llm/chat-model.js";
