// §4 evaluations, one folder per concept; see the README's map.
export * from "./statistics/index.js";
export * from "./text/index.js";
export * from "./dataset/index.js";
export * from "./dialogue-stats/index.js";
export * from "./fidelity/index.js";
export * from "./topics/index.js";
export * from "./wai/index.js";
export * from "./judges/index.js";
export * from "./stages/index.js";
export * from "./safety/index.js";
export * from "./evaluation-result.js";
export * from "./session-measure.js";
export * from "./compare-datasets.js";
export * from "./compare-notes.js";
export {
  isEvaluationResultFile,
  mergeEvaluations,
  type MergedEvaluation,
  type MergeEvaluationsOptions,
} from "./merge-evaluations.js";
export { MERGEABLE_KINDS, aggregationFor, type MergeableKind } from "./result-aggregates.js";
