/**
 * Shannon entropy in bits, H = −Σ p·log2 p, of a distribution given as counts.
 * Zero counts contribute nothing; an empty distribution has entropy 0.
 */
export function entropyBits(counts: Iterable<number>): number {
  let total = 0;
  const positive: number[] = [];
  for (const c of counts) {
    if (c < 0 || !Number.isFinite(c))
      throw new RangeError(`entropy needs non-negative counts, got ${c}`);
    if (c > 0) {
      positive.push(c);
      total += c;
    }
  }
  let h = 0;
  for (const c of positive) {
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}
