import { mean, sampleVariance } from "./descriptive-stats.js";
import { undefinedTest, type TTest } from "./t-test.js";
import { twoTailedP } from "./two-tailed-p.js";

/**
 * Student's t-test with pooled variance, two-tailed: for independent groups assumed to share
 * one variance. df = n_a + n_b − 2; a group of one value still contributes to the pooled variance.
 */
export function studentTTest(a: readonly number[], b: readonly number[]): TTest {
  if (a.length < 1 || b.length < 1 || a.length + b.length < 3)
    return undefinedTest("student", "needs a value in each group and at least three in all");
  const df = a.length + b.length - 2;
  const ss = (x: readonly number[]) => (x.length > 1 ? (x.length - 1) * sampleVariance(x)! : 0);
  const pooled = (ss(a) + ss(b)) / df;
  if (pooled === 0) return undefinedTest("student", "both groups have zero variance");
  const t = (mean(a)! - mean(b)!) / Math.sqrt(pooled * (1 / a.length + 1 / b.length));
  return { test: "student", t, df, p: twoTailedP(t, df) };
}
