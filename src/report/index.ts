export * from "./render-chart.js";
export * from "./json-result.js";
export * from "./fidelity-histograms.js";
export * from "./comparison-table.js";
export * from "./fidelity-charts.js";
export * from "./topic-bars.js";
export * from "./wai-boxplots.js";
export * from "./evaluation-summaries.js";
