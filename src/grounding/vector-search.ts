/** A vector scaled to length 1 (as 32-bit floats), so a dot product is the cosine. */
export function unitVector(values: readonly number[]): Float32Array {
  let norm = 0;
  for (const v of values) norm += v * v;
  norm = Math.sqrt(norm);
  const out = new Float32Array(values.length);
  if (norm === 0) return out;
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / norm;
  return out;
}

/** Vectors of one language held in one block of memory: `rowids[i]` owns `data[i*dim .. (i+1)*dim)`. */
export interface VectorMatrix {
  rowids: Int32Array | number[];
  data: Float32Array;
  dimension: number;
}

/**
 * The `n` rows most similar to `query` (cosine; both sides unit length), best first, ties by
 * rowid. A linear scan: at 100,000 exchanges it is a few million multiply-adds, cheaper than
 * the embedding call that produced the query, so no approximate index is needed.
 */
export function nearestRows(
  matrix: VectorMatrix,
  query: Float32Array,
  n: number,
  skip?: ReadonlySet<number>,
): number[] {
  const { rowids, data, dimension } = matrix;
  const best: { rowid: number; score: number }[] = [];
  for (let r = 0; r < rowids.length; r++) {
    const rowid = rowids[r]!;
    if (skip?.has(rowid)) continue;
    let score = 0;
    const base = r * dimension;
    for (let d = 0; d < dimension; d++) score += data[base + d]! * query[d]!;
    if (best.length === n && score <= best[n - 1]!.score) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { rowid, score });
    if (best.length > n) best.pop();
  }
  return best.map((b) => b.rowid);
}

/** Cormack, Clarke & Büttcher (2009): k = 60 dampens the weight of the very top ranks. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each item scores Σ 1 / (k + rank) over the ranked lists it is in
 * (ranks from 1). Fusing ranks, not scores, needs no calibration between BM25 and cosine.
 * Returns items best first; ties keep the order of first appearance.
 */
export function reciprocalRankFusion<T>(lists: readonly (readonly T[])[], k = RRF_K): T[] {
  const score = new Map<T, number>();
  for (const list of lists)
    list.forEach((item, i) => score.set(item, (score.get(item) ?? 0) + 1 / (k + i + 1)));
  return [...score.entries()].sort((a, b) => b[1] - a[1]).map(([item]) => item);
}
