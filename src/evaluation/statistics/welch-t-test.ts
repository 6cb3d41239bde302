import { mean, sampleVariance } from "./descriptive-stats.js";
import { undefinedTest, type TTest } from "./t-test.js";
import { twoTailedP } from "./two-tailed-p.js";

/** Welch's unequal-variance t-test, two-tailed: for independent groups of any size and spread. */
export function welchTTest(a: readonly number[], b: readonly number[]): TTest {
  if (a.length < 2 || b.length < 2)
    return undefinedTest("welch", "needs at least two values in each group");
  const sa = sampleVariance(a)! / a.length;
  const sb = sampleVariance(b)! / b.length;
  const se2 = sa + sb;
  if (se2 === 0) return undefinedTest("welch", "both groups have zero variance");
  const t = (mean(a)! - mean(b)!) / Math.sqrt(se2);
  // Welch–Satterthwaite degrees of freedom.
  const df = (se2 * se2) / ((sa * sa) / (a.length - 1) + (sb * sb) / (b.length - 1));
  return { test: "welch", t, df, p: twoTailedP(t, df) };
}
