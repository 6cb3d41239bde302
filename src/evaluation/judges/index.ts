// What the LLM-judged evaluations (topics, WAI) share: one judge call with retries and usage,
// and the rule-based baseline judges.
export * from "./judge-call.js";
export * from "./baseline-judges.js";
export * from "./turn-labels.js";
