/**
 * Eq. 1: |Set(V(S)) ∩ Set(V(R))| / |Set(V(R))|, the share of the role card's distinct words
 * that the client's utterances use. Null when the card has no words (the ratio is undefined).
 */
export function vocabularyOverlap(
  sessionWords: ReadonlySet<string>,
  cardWords: ReadonlySet<string>,
): number | null {
  if (cardWords.size === 0) return null;
  let shared = 0;
  for (const w of cardWords) if (sessionWords.has(w)) shared++;
  return shared / cardWords.size;
}
