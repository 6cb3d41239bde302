import type { GroupComparison } from "../evaluation/statistics/compare-groups.js";
import { textTable } from "../evaluation/dialogue-stats/stats-table.js";
import type { TTestKind } from "../evaluation/statistics/t-test.js";

export const TEST_LABELS: Record<TTestKind, string> = {
  welch: "Welch",
  student: "Student",
  paired: "paired",
};

function num(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? "–" : value.toFixed(digits);
}

/** p-values as papers print them: below 0.001 as "< 0.001". */
export function formatP(p: number | null): string {
  if (p === null) return "–";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

export function meanSd(s: GroupComparison["a"]): string {
  return s.mean === null ? "–" : `${num(s.mean)} ± ${num(s.sd)}`;
}

/** One row per metric: each group's mean ± sd (n), the t-test's two-tailed p and Cohen's d. */
export function formatComparisonTable(
  rows: readonly { metric: string; comparison: GroupComparison }[],
  groups: [string, string],
): string {
  const tests = new Set(rows.map((r) => r.comparison.test.test));
  return textTable([
    [
      "metric",
      `${groups[0]} mean ± sd (n)`,
      `${groups[1]} mean ± sd (n)`,
      tests.size === 1 ? `${TEST_LABELS[[...tests][0]!]} p` : "p (test)",
      "Cohen's d",
    ],
    ...rows.map(({ metric, comparison: c }) => [
      metric,
      `${meanSd(c.a)} (${c.a.n})`,
      `${meanSd(c.b)} (${c.b.n})`,
      formatP(c.test.p) +
        (tests.size > 1 ? ` (${TEST_LABELS[c.test.test]})` : "") +
        (c.test.note ? ` (${c.test.note})` : ""),
      num(c.cohens_d, 2),
    ]),
  ]);
}
