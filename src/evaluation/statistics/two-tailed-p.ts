import tCdf from "@stdlib/stats-base-dists-t-cdf";

/** Two-tailed p of a t statistic with `df` degrees of freedom. */
export function twoTailedP(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}
