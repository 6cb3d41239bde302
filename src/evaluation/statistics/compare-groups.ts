import { cohensD } from "./cohens-d.js";
import { summarize, type Summary } from "./descriptive-stats.js";
import { welchTTest, type WelchTTest } from "./welch-t-test.js";

/** Two samples side by side: summaries, Welch's two-tailed test and Cohen's d (a minus b). */
export interface GroupComparison {
  a: Summary;
  b: Summary;
  welch: WelchTTest;
  cohens_d: number | null;
}

export function compareGroups(a: readonly number[], b: readonly number[]): GroupComparison {
  return { a: summarize(a), b: summarize(b), welch: welchTTest(a, b), cohens_d: cohensD(a, b) };
}
