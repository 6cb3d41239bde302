import { sha256 } from "../core/hash.js";

/**
 * Picks the validation sessions: the ceil(ratio × n) sessions with the smallest
 * sha256(seed + id). Whole sessions go one way, so no session is split across train and
 * validation. Rounding up matches how LLaMA-Factory turns `val_size` into a count; at
 * least one session always stays in training.
 */
export function validationIds(ids: readonly string[], ratio: number, seed: number): Set<string> {
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`validation ratio must be in [0, 1), got ${ratio}`);
  const unique = [...new Set(ids)];
  const count = Math.min(Math.ceil(ratio * unique.length), Math.max(0, unique.length - 1));
  const ranked = unique.map((id) => ({ id, key: sha256(`${seed}\u0000${id}`) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Set(ranked.slice(0, count).map((r) => r.id));
}
