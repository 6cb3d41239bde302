// General statistics the §4 evaluations report: summaries, t-tests (Welch, Student, paired), Cohen's d, entropy.
// Nothing here knows about dialogues; the paper's metrics live in the sibling folders.
export * from "./descriptive-stats.js";
export * from "./t-test.js";
export * from "./welch-t-test.js";
export * from "./student-t-test.js";
export * from "./paired-t-test.js";
export * from "./cohens-d.js";
export * from "./entropy.js";
export * from "./compare-groups.js";
export * from "./wilson-interval.js";
