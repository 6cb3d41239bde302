// Hill's stages per counselor turn (baseline judge) and per-session process measures.
export * from "./hill-stages.js";
export * from "./kendall-tau-b.js";
export * from "./baseline-stage-judge.js";
export * from "./stage-measures.js";
export * from "./stages-report.js";
export * from "./llm-stage-judge.js";
export * from "./stage-comparison.js";
