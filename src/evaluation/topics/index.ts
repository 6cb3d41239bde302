// §4.1 topic diversity: an LLM judge labels each session with SMILE topics over several rounds;
// the shares and their entropy describe the pool (Figure 3).
export * from "./smile-topics.js";
export * from "./topic-list.js";
export * from "./topic-labels-parser.js";
export * from "./topic-distribution.js";
export * from "./topic-diversity.js";
export * from "./topics-report.js";
