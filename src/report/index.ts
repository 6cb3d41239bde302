export * from "./render-chart.js";
export * from "./json-result.js";
export * from "./fidelity-histograms.js";
export * from "./comparison-table.js";
export * from "./fidelity-charts.js";
export * from "./topic-bars.js";
export * from "./wai-boxplots.js";
export * from "./evaluation-summaries.js";
export * from "./group-summaries.js";
export * from "./chart-text.js";
export * from "./text-metrics.js";
export * from "./ratings-chart.js";
export * from "./battle-matrix-chart.js";
export * from "./ratings-charts.js";
export {
  parseDatasetArgs,
  readEvaluationFile,
  readReportInputs,
  type LoadedEvaluation,
  type ReportInputFiles,
  type ReportInputs,
} from "./report-inputs.js";
export { tableOne, type ReportTable } from "./table-one.js";
export * from "./build-report.js";
export * from "./write-report.js";
export * from "./stage-shares-chart.js";
