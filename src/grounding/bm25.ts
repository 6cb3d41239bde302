/** Okapi BM25 parameters: the usual k1 = 1.2 and b = 0.75 (Robertson & Zaragoza 2009; Lucene's defaults). */
export const BM25 = { k1: 1.2, b: 0.75 } as const;

/**
 * Inverse document frequency as Lucene computes it: ln(1 + (N − n + 0.5) / (n + 0.5)).
 * Unlike the original Robertson–Spärck Jones form it never goes negative, so a word in most
 * exchanges still counts a little instead of counting against a match.
 */
export function bm25Idf(documents: number, withWord: number): number {
  return Math.log(1 + (documents - withWord + 0.5) / (withWord + 0.5));
}

/** The document-length part of BM25: k1 (1 − b + b · len / avglen). */
export function bm25LengthNorm(length: number, averageLength: number): number {
  return BM25.k1 * (1 - BM25.b + (BM25.b * length) / averageLength);
}

/** One word's contribution to a document's score: idf · tf (k1 + 1) / (tf + k1 (1 − b + b · len / avglen)). */
export function bm25Term(idf: number, tf: number, length: number, averageLength: number): number {
  return (idf * tf * (BM25.k1 + 1)) / (tf + bm25LengthNorm(length, averageLength));
}
