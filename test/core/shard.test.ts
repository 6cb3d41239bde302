import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inShard, parseShard, shardOfId } from "../../src/core/shard.js";

describe("shard", () => {
  it("parses k/n, 1-based, and refuses anything else with the expected form", () => {
    assert.deepEqual(parseShard("2/8"), { index: 2, count: 8 });
    assert.deepEqual(parseShard(" 1 / 1 "), { index: 1, count: 1 });
    for (const bad of ["0/3", "4/3", "1/0", "3", "a/b", "1.5/3", "-1/3", ""])
      assert.throws(() => parseShard(bad), /--shard expects k\/n with 1 <= k <= n/, bad);
  });

  it("puts an id where SHA-256 says, the same on every machine", () => {
    // Expected values from Python: int.from_bytes(hashlib.sha256(id.encode()).digest()[:6], "big") % n + 1
    const expected: [string, number, number, number][] = [
      ["zh-001", 1, 2, 810],
      ["en-010", 3, 6, 238],
      ["c7", 3, 4, 708],
      ["卡片-3", 3, 1, 121],
      ["", 2, 5, 125],
    ];
    for (const [id, of3, of8, of1000] of expected)
      assert.deepEqual(
        [shardOfId(id, 3), shardOfId(id, 8), shardOfId(id, 1000)],
        [of3, of8, of1000],
      );
  });

  it("gives every id exactly one shard, and spreads ids about evenly", () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `card-${i}`);
    const counts = [1, 2, 3].map(
      (index) => ids.filter((id) => inShard(id, { index, count: 3 })).length,
    );
    assert.equal(
      counts.reduce((a, b) => a + b),
      ids.length,
    );
    // Binomial(3000, 1/3): sd ≈ 25.8, so ±130 is five standard deviations.
    for (const c of counts) assert.ok(Math.abs(c - 1000) < 130, String(counts));
    assert.ok(ids.every((id) => inShard(id, undefined)));
  });
});
