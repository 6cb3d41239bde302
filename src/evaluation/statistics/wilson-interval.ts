/** The standard normal quantile for a two-sided 95% interval, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval for a proportion (Wilson 1927; Newcombe 1998, method 3): the
 * p with |k/n − p| ≤ z·sqrt(p(1−p)/n). Chosen over the Wald interval because arena safety
 * rates are often 0 or near it on a few hundred replies, where Wald collapses to [0, 0].
 * Null without observations.
 */
export function wilsonInterval(
  successes: number,
  n: number,
  z: number = Z_95,
): [number, number] | null {
  if (n === 0) return null;
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || successes > n)
    throw new RangeError(
      `wilsonInterval: need integers 0 <= successes <= n, got ${successes}/${n}`,
    );
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The bounds are exactly 0 and 1 at the ends; rounding must not push them past.
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export const WILSON_FORMULA =
  "Wilson score interval, 95%: (p + z^2/2n ± z*sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z = 1.95996";
