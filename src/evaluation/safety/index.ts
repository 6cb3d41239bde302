// Crisis-aware evaluation: client risk per turn (crisis lexicon, then an LLM judge in context),
// counselor replies by the dialogue-safety taxonomy of Qiu et al. 2023, and the protocol check.
export * from "./dialogue-safety.js";
export * from "./baseline-safety-judge.js";
export * from "./llm-safety-judge.js";
export * from "./safety-report.js";
export * from "./safety-comparison.js";
