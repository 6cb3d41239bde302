import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { canonicalJson } from "../../src/core/hash.js";
import { SeededRandom } from "../../src/core/random.js";

/**
 * The definition canonicalJson must keep matching byte for byte (existing call caches are
 * keyed by it): JSON.stringify over copies of the objects rebuilt in sorted key order.
 */
function rebuiltAndSorted(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

const KEYS = ["b", "a", "B", "10", "2", "0", "01", "-1", "1.5", "4294967295", "4294967294"];
const LEAVES = [null, undefined, true, 0.7, -0, Number.NaN, '你好\n"q"', "", 42, () => 1];

function randomValue(random: SeededRandom, depth: number): unknown {
  const pick = random.next();
  if (depth > 3 || pick < 0.3) return LEAVES[random.int(LEAVES.length)];
  if (pick < 0.5)
    return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
  if (pick < 0.55) return new Date(Date.UTC(2026, 0, 2));
  const object: Record<string, unknown> = {};
  for (let i = random.int(6); i > 0; i--)
    object[KEYS[random.int(KEYS.length)]!] = randomValue(random, depth + 1);
  return object;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth, integer-like keys first as JavaScript orders them", () => {
    assert.equal(
      canonicalJson({ b: 1, 10: [{ z: 1, a: undefined, y: null }], 2: "x", a: { d: 1, c: 2 } }),
      '{"2":"x","10":[{"y":null,"z":1}],"a":{"c":2,"d":1},"b":1}',
    );
  });

  it("matches the rebuild-and-sort definition byte for byte on 5,000 seeded random values", () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 5000; i++) {
      const value = { x: randomValue(random, 0), y: [randomValue(random, 0), , 1] };
      assert.equal(canonicalJson(value), rebuiltAndSorted(value));
    }
  });
});
