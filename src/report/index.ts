export * from "./render-chart.js";
export * from "./progress-lines.js";
export * from "./json-result.js";
export * from "./fidelity-histograms.js";
export * from "./comparison-table.js";
export * from "./fidelity-charts.js";
