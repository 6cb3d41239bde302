// Table 1: per-session and per-dataset dialogue statistics (turns, utterance lengths) and their table.
export * from "./dialogue-stats.js";
export * from "./stats-table.js";
export * from "./stats-report.js";
export * from "./question-answers.js";
export * from "./group-dialogues.js";
