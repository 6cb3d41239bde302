import { mean, sampleVariance } from "./descriptive-stats.js";
import { undefinedTest, type TTest } from "./t-test.js";
import { twoTailedP } from "./two-tailed-p.js";

/**
 * Paired t-test, two-tailed: `a[i]` and `b[i]` are two measurements of the same unit (one
 * session under its true card and under a random one). Tests the mean of the differences
 * against 0 with df = n − 1. The caller drops incomplete pairs; unequal lengths are a bug.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): TTest {
  if (a.length !== b.length)
    throw new RangeError(`paired t-test needs pairs: ${a.length} values against ${b.length}`);
  if (a.length < 2) return undefinedTest("paired", "needs at least two pairs");
  const d = a.map((x, i) => x - b[i]!);
  const variance = sampleVariance(d)!;
  if (variance === 0)
    return undefinedTest(
      "paired",
      mean(d) === 0 ? "every pair is equal" : "every pair differs by the same amount (no variance)",
    );
  const t = mean(d)! / Math.sqrt(variance / d.length);
  const df = d.length - 1;
  return { test: "paired", t, df, p: twoTailedP(t, df) };
}
