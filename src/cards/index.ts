export * from "./build-cards.js";
export * from "./card-builder.js";
export * from "./pool-stats.js";
export * from "./pool-summary.js";
export * from "./read-posts.js";
export * from "./split-pool.js";
export * from "./validate-cards.js";
export * from "./assign-manner.js";
