import { UsageError } from "../core/errors.js";
import { LANGUAGES } from "../core/language.js";
import type { RoleCard } from "../core/role-card.js";
import { rankBySeededHash } from "../export/validation-split.js";

export interface PoolSplit {
  train: RoleCard[];
  test: RoleCard[];
}

/**
 * Splits a client pool into a training pool and a held-out test pool of `testCount` cards
 * (the paper: 1,000 and 100, §3.4). The test share is spread over languages in proportion
 * (largest remainder), and within a language the cards with the smallest
 * sha256(seed, id) are held out, so the split is the same on every run and in any input
 * order. Cards keep their input order; each gets `split` set.
 */
export function splitPool(cards: readonly RoleCard[], testCount: number, seed: number): PoolSplit {
  if (!Number.isInteger(testCount) || testCount < 1)
    throw new UsageError(`--test expects a whole number from 1 up, got ${testCount}`);
  if (testCount >= cards.length)
    throw new UsageError(
      `--test ${testCount} leaves no training cards: the pool has ${cards.length}`,
    );
  const byLanguage = LANGUAGES.map((language) => cards.filter((c) => c.language === language));
  const exact = byLanguage.map((group) => (testCount * group.length) / cards.length);
  const quota = exact.map(Math.floor);
  const order = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; k < testCount - quota.reduce((a, b) => a + b, 0); k++) quota[order[k]!.i]! += 1;
  const test = new Set<string>();
  byLanguage.forEach((group, i) =>
    rankBySeededHash(
      group.map((c) => c.id),
      seed,
    )
      .slice(0, quota[i])
      .forEach((id) => test.add(id)),
  );
  const out: PoolSplit = { train: [], test: [] };
  for (const card of cards) {
    const split = test.has(card.id) ? "test" : "train";
    out[split].push({ ...card, split });
  }
  return out;
}
