import tCdf from "@stdlib/stats-base-dists-t-cdf";
import { mean, sampleVariance } from "./descriptive-stats.js";

/**
 * Welch's unequal-variance t-test, two-tailed. When the test is undefined (fewer than two
 * values in a group, or no variance in either group) `t`, `df` and `p` are null and
 * `note` says why — a number there would be invented.
 */
export interface WelchTTest {
  t: number | null;
  df: number | null;
  p: number | null;
  note?: string;
}

export function welchTTest(a: readonly number[], b: readonly number[]): WelchTTest {
  if (a.length < 2 || b.length < 2)
    return { t: null, df: null, p: null, note: "needs at least two values in each group" };
  const va = sampleVariance(a)!;
  const vb = sampleVariance(b)!;
  const sa = va / a.length;
  const sb = vb / b.length;
  const se2 = sa + sb;
  if (se2 === 0) return { t: null, df: null, p: null, note: "both groups have zero variance" };
  const t = (mean(a)! - mean(b)!) / Math.sqrt(se2);
  // Welch–Satterthwaite degrees of freedom.
  const df = (se2 * se2) / ((sa * sa) / (a.length - 1) + (sb * sb) / (b.length - 1));
  const p = Math.min(1, 2 * tCdf(-Math.abs(t), df));
  return { t, df, p };
}
