import { mean, sampleVariance } from "./descriptive-stats.js";

/**
 * Cohen's d = (mean(a) − mean(b)) / s_pooled, with
 * s_pooled = sqrt(((n_a − 1)·s_a² + (n_b − 1)·s_b²) / (n_a + n_b − 2)) and sample variances s².
 * Null when undefined: fewer than two values in a group, or a pooled sd of zero.
 */
export function cohensD(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 2 || b.length < 2) return null;
  const pooledVariance =
    ((a.length - 1) * sampleVariance(a)! + (b.length - 1) * sampleVariance(b)!) /
    (a.length + b.length - 2);
  if (pooledVariance === 0) return null;
  return (mean(a)! - mean(b)!) / Math.sqrt(pooledVariance);
}

export const COHENS_D_FORMULA =
  "(mean_a - mean_b) / sqrt(((n_a-1)*s_a^2 + (n_b-1)*s_b^2) / (n_a+n_b-2)), sample variances";
