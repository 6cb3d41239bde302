/** The t-tests psysim offers (`--test`). */
export const T_TESTS = ["welch", "student", "paired"] as const;
export type TTestKind = (typeof T_TESTS)[number];

/**
 * A two-tailed t-test's result. When the test is undefined (too few values, or no variance
 * to divide by) `t`, `df` and `p` are null and `note` says why — a number there would be invented.
 */
export interface TTest {
  test: TTestKind;
  t: number | null;
  df: number | null;
  p: number | null;
  note?: string;
}

export const T_TEST_NAMES: Record<TTestKind, string> = {
  welch: "Welch's two-tailed t-test (unequal variances)",
  student: "Student's two-tailed t-test (pooled variance)",
  paired: "paired two-tailed t-test (differences within each pair)",
};

export function undefinedTest(test: TTestKind, note: string): TTest {
  return { test, t: null, df: null, p: null, note };
}
