import { cohensD } from "./cohens-d.js";
import { summarize, type Summary } from "./descriptive-stats.js";
import { pairedTTest } from "./paired-t-test.js";
import { studentTTest } from "./student-t-test.js";
import type { TTest, TTestKind } from "./t-test.js";
import { welchTTest } from "./welch-t-test.js";

/** Two samples side by side: summaries, the chosen two-tailed t-test and Cohen's d (a minus b). */
export interface GroupComparison {
  a: Summary;
  b: Summary;
  test: TTest;
  cohens_d: number | null;
}

const TESTS: Record<TTestKind, (a: readonly number[], b: readonly number[]) => TTest> = {
  welch: welchTTest,
  student: studentTTest,
  paired: pairedTTest,
};

/** With `paired`, `a[i]` and `b[i]` must be the same unit measured twice. */
export function compareGroups(
  a: readonly number[],
  b: readonly number[],
  test: TTestKind = "welch",
): GroupComparison {
  return { a: summarize(a), b: summarize(b), test: TESTS[test](a, b), cohens_d: cohensD(a, b) };
}
