// §4.1 client fidelity: vocabulary overlap (Eq. 1) and semantic consistency (Eq. 2) of each
// client against its role card, compared with a random card mapping (a derangement).
export * from "./vocabulary-overlap.js";
export * from "./semantic-consistency.js";
export * from "./derangement.js";
export * from "./stop-words.js";
export * from "./lexical-embedding.js";
export * from "./embedding-spec.js";
export * from "./fidelity.js";
export * from "./fidelity-report.js";
