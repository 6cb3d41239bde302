/**
 * Approximate token count (no tokenizer is loaded): 1 per Han character or other symbol,
 * 1.3 per English word, 1 per three digits. Good for sizing a dataset and choosing
 * `cutoff_len`, not for billing; real counts depend on the backbone's tokenizer.
 */
export function approximateTokens(text: string): number {
  let tokens = 0;
  for (const part of text.matchAll(/[A-Za-z]+(?:'[A-Za-z]+)?|\d+|\S/gu)) {
    const s = part[0];
    tokens += /^[A-Za-z]/.test(s) ? 1.3 : /^\d/.test(s) ? Math.ceil(s.length / 3) : 1;
  }
  return Math.round(tokens);
}
