/** Eq. 2, semantic consistency: the cosine e_p · e_s / (‖e_p‖ ‖e_s‖). Null when either vector is all zeros (no direction to compare). */
export function semanticConsistency(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length)
    throw new RangeError(`cosine of vectors of different lengths (${a.length} and ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return null;
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}
