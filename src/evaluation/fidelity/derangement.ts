import { PsysimError } from "../../core/errors.js";
import { SeededRandom } from "../../core/random.js";

/**
 * A uniformly random derangement of 0..n−1 (no i maps to itself), by rejection: shuffle
 * until no fixed point remains. About 1/e of shuffles qualify, so this takes ~2.7 tries.
 */
export function derangement(n: number, seed: number): number[] {
  if (!Number.isInteger(n) || n < 2) {
    throw new PsysimError(
      "INPUT_INVALID",
      `a random mapping needs at least two sessions, got ${n}: a single session can only keep its own card`,
    );
  }
  const rng = new SeededRandom(seed);
  const identity = Array.from({ length: n }, (_, i) => i);
  for (;;) {
    const p = rng.shuffle(identity);
    if (p.every((v, i) => v !== i)) return p;
  }
}

/**
 * The random-mapping control: session i is paired with the card of session p[i], and
 * never with its own card — also when several sessions share one card, which a plain
 * derangement of positions would not rule out. Starts from a seeded derangement and
 * repairs any pair that still lands on the same card by a swap that fixes both ends.
 */
export function randomCardMapping(cardIds: readonly string[], seed: number): number[] {
  const n = cardIds.length;
  const p = derangement(n, seed);
  const rng = new SeededRandom(seed ^ 0x5bd1e995);
  for (let i = 0; i < n; i++) {
    if (cardIds[p[i]!] !== cardIds[i]) continue;
    const start = rng.int(n);
    let fixed = false;
    for (let k = 0; k < n && !fixed; k++) {
      const j = (start + k) % n;
      if (cardIds[p[j]!] !== cardIds[i] && cardIds[p[i]!] !== cardIds[j]) {
        [p[i], p[j]] = [p[j]!, p[i]!];
        fixed = true;
      }
    }
    if (!fixed) {
      throw new PsysimError(
        "INPUT_INVALID",
        `card "${cardIds[i]}" is used by too many sessions: no mapping can give every session another session's card`,
      );
    }
  }
  return p;
}
