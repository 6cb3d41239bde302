// Grounding in real sessions (the paper's Limitations): a BM25 index of counseling exchanges,
// optionally fused with embeddings, from which sessions draw style examples.
export * from "./exchange.js";
export * from "./index-format.js";
export * from "./build-index.js";
export * from "./grounding-index.js";
export * from "./vector-search.js";
export * from "./bm25.js";
