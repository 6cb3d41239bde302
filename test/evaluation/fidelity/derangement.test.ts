import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PsysimError } from "../../../src/core/errors.js";
import { derangement, randomCardMapping } from "../../../src/evaluation/index.js";

function isPermutation(p: number[], n: number): boolean {
  return (
    p.length === n &&
    new Set(p).size === n &&
    p.every((v) => Number.isInteger(v) && v >= 0 && v < n)
  );
}

describe("derangement", () => {
  it("is a permutation with no fixed point, for every size and many seeds", () => {
    for (let n = 2; n <= 40; n++) {
      for (let seed = 0; seed < 25; seed++) {
        const p = derangement(n, seed);
        assert.ok(isPermutation(p, n), `n=${n} seed=${seed}`);
        assert.ok(
          p.every((v, i) => v !== i),
          `fixed point at n=${n} seed=${seed}`,
        );
      }
    }
  });

  it("is reproducible from its seed and differs between seeds", () => {
    assert.deepEqual(derangement(50, 7), derangement(50, 7));
    assert.notDeepEqual(derangement(50, 7), derangement(50, 8));
  });

  it("reaches every derangement of three elements, about equally often", () => {
    // Three elements have exactly two derangements: [1,2,0] and [2,0,1].
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 2000; seed++) {
      const key = derangement(3, seed).join(",");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), ["1,2,0", "2,0,1"]);
    for (const c of counts.values()) assert.ok(c > 850 && c < 1150, `count ${c} is far from 1000`);
  });

  it("refuses a single session with a reason, since it can only keep its own card", () => {
    assert.throws(
      () => derangement(1, 1),
      (e: unknown) =>
        e instanceof PsysimError &&
        e.code === "INPUT_INVALID" &&
        /at least two sessions/.test(e.message),
    );
    assert.throws(() => derangement(0, 1), PsysimError);
  });
});

describe("randomCardMapping", () => {
  it("never pairs a session with its own card, even when sessions share cards", () => {
    const cards = ["a", "a", "a", "b", "b", "c", "c", "d", "e", "e"];
    for (let seed = 0; seed < 300; seed++) {
      const p = randomCardMapping(cards, seed);
      assert.ok(isPermutation(p, cards.length));
      p.forEach((j, i) =>
        assert.notEqual(cards[j], cards[i], `seed ${seed}: session ${i} got its own card`),
      );
    }
  });

  it("is a plain derangement when every session has its own card", () => {
    const cards = Array.from({ length: 30 }, (_, i) => `card-${i}`);
    assert.deepEqual(randomCardMapping(cards, 3), derangement(30, 3));
  });

  it("fails clearly when one card is used by more than half of the sessions", () => {
    assert.throws(
      () => randomCardMapping(["a", "a", "a", "b"], 1),
      /card "a" is used by too many sessions/,
    );
  });
});
