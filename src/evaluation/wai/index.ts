// §4.2 WAI-O-S, the counselor evaluation. The flow, one file each:
//   wai-items        the 12 items, their factor (goal, task, bond) and reverse keying
//   wai-rating       asks the judge about each item (or all 12 at once) for every session
//   wai-score-parser reads the judge's 1-7 answers strictly
//   wai-scores       keyed item scores → per-session factor scores → dataset aggregates
//   wai-report       `psysim eval wai`: file in, traceable result out
export * from "./wai-items.js";
export * from "./wai-rating.js";
export * from "./wai-score-parser.js";
export * from "./wai-scores.js";
export * from "./wai-report.js";
