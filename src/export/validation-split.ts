import { sha256 } from "../core/hash.js";

/**
 * Picks the validation sessions: the ceil(ratio × n) sessions with the smallest
 * sha256(seed + id). Whole sessions go one way, so no session is split across train and
 * validation. Rounding up matches how LLaMA-Factory turns `val_size` into a count; at
 * least one session always stays in training.
 */
export function validationIds(ids: readonly string[], ratio: number, seed: number): Set<string> {
  if (!(ratio >= 0 && ratio < 1))
    throw new RangeError(`validation ratio must be in [0, 1), got ${ratio}`);
  const unique = [...new Set(ids)];
  const count = Math.min(Math.ceil(ratio * unique.length), Math.max(0, unique.length - 1));
  return new Set(rankBySeededHash(unique, seed).slice(0, count));
}

/**
 * Orders ids by sha256(seed, id): a seeded order that does not depend on the input
 * order, and in which adding ids never moves the others relative to each other.
 */
export function rankBySeededHash(ids: readonly string[], seed: number): string[] {
  return ids
    .map((id) => ({ id, key: sha256(`${seed}\u0000${id}`) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.id);
}
