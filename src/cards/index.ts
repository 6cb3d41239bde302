export * from "./pool-summary.js";
export * from "./validate-cards.js";
