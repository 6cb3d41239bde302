import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wilsonInterval } from "../../../src/evaluation/statistics/index.js";

describe("wilsonInterval", () => {
  it("matches scipy's Wilson interval to 1e-12, at the ends of the range too", () => {
    // Reference: scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95,
    // method="wilson"), printed by reference-statistics.py beside this file.
    const reference: [number, number, number, number][] = [
      [0, 10, 0.0, 0.27753279986288926],
      [1, 10, 0.017876213095072896, 0.4041500267952385],
      [3, 7, 0.1582198552514697, 0.7495416354723428],
      [10, 10, 0.7224672001371109, 1.0],
      [5, 200, 0.010724719651761264, 0.05717834040664198],
      [1, 2, 0.09453120573423074, 0.9054687942657693],
    ];
    for (const [k, n, low, high] of reference) {
      const [lo, hi] = wilsonInterval(k, n)!;
      assert.ok(Math.abs(lo - low) < 1e-12, `${k}/${n} low ${lo} vs ${low}`);
      assert.ok(Math.abs(hi - high) < 1e-12, `${k}/${n} high ${hi} vs ${high}`);
    }
  });

  it("has no interval without observations and refuses impossible counts", () => {
    assert.equal(wilsonInterval(0, 0), null);
    assert.throws(() => wilsonInterval(3, 2), RangeError);
    assert.throws(() => wilsonInterval(-1, 2), RangeError);
  });
});
