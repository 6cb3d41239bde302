import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BattleOutcome } from "../../src/arena/battle-score.js";
import type { Winner } from "../../src/core/battle.js";
import { bootstrapBradleyTerry, quantile } from "../../src/arena/bootstrap.js";
import { fitBradleyTerry } from "../../src/arena/bradley-terry.js";
import { pairwiseData } from "../../src/arena/pairwise-data.js";

function battles(a: string, b: string, counts: Partial<Record<Winner, number>>): BattleOutcome[] {
  return Object.entries(counts).flatMap(([winner, n]) =>
    Array.from({ length: n }, () => ({ model_a: a, model_b: b, winner: winner as Winner })),
  );
}

const sample = [
  ...battles("A", "B", { a: 30, b: 10, tie: 4 }),
  ...battles("B", "C", { a: 12, b: 11 }),
  ...battles("A", "C", { a: 25, b: 5 }),
  ...battles("C", "A", { a: 1, b: 2, both_bad: 1 }),
];

describe("Bootstrap confidence intervals", () => {
  it("interpolates quantiles like numpy's default (type 7)", () => {
    // By hand: h = (n−1)p; [1,2,3,4] at 0.25 → h = 0.75 → 1.75; at 0.975 → h = 2.925 → 3.925.
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    assert.ok(Math.abs(quantile([1, 2, 3, 4], 0.975) - 3.925) < 1e-12);
    assert.equal(quantile([7], 0.025), 7);
  });

  it("is deterministic for a seed and differs for another seed", () => {
    const one = bootstrapBradleyTerry(sample, { rounds: 200, seed: 7 });
    const again = bootstrapBradleyTerry(sample, { rounds: 200, seed: 7 });
    const other = bootstrapBradleyTerry(sample, { rounds: 200, seed: 8 });
    assert.deepEqual(again, one);
    assert.notDeepEqual(other.models, one.models);
  });

  it("reports the fit on all battles as the point estimate, inside its interval", () => {
    const result = bootstrapBradleyTerry(sample, { rounds: 300, seed: 1 });
    const fit = fitBradleyTerry(pairwiseData(sample));
    for (const row of result.models) {
      assert.equal(row.rating, fit.ratings[fit.models.indexOf(row.model)]);
      assert.ok(row.lower <= row.rating && row.rating <= row.upper, JSON.stringify(row));
    }
    // By hand: A 44 + 30 + 4 = 78, B 44 + 23 = 67, C 23 + 30 + 4 = 57.
    assert.deepEqual(
      result.models.map((m) => [m.model, m.battles]),
      [
        ["A", 78],
        ["B", 67],
        ["C", 57],
      ],
    );
  });

  it("ranks a clearly stronger model first and overlapping models together", () => {
    const result = bootstrapBradleyTerry(sample, { rounds: 300, seed: 3 });
    assert.deepEqual(
      result.models.map((m) => [m.model, m.rank]),
      [
        ["A", 1],
        ["B", 2],
        ["C", 2],
      ],
    );
  });

  it("gives intervals as wide as the delta method predicts for two models", () => {
    // Independent check: 400 battles at a 75% win share. Var(p̂) = p(1−p)/n; ΔR = 400·log10(p/(1−p))
    // has dΔR/dp = 400/(ln10·p(1−p)), so sd(ΔR) = 173.72/0.1875 · 0.021651 = 20.06, and each
    // mean-centred rating moves by ΔR/2: 95% width ≈ 2·1.96·10.03 = 39.3.
    const result = bootstrapBradleyTerry(battles("A", "B", { a: 300, b: 100 }), {
      rounds: 1000,
      seed: 11,
    });
    const width = result.models[0]!.upper - result.models[0]!.lower;
    assert.ok(Math.abs(width - 39.3) < 39.3 * 0.15, `width ${width}`);
  });

  it("counts the rounds whose resample needed pseudo-ties, and never diverges", () => {
    // B won once in 20: many resamples drop that win, leaving A unbeaten.
    const result = bootstrapBradleyTerry(battles("A", "B", { a: 19, b: 1 }), {
      rounds: 200,
      seed: 5,
    });
    assert.ok(
      result.roundsWithPseudoTies > 0 && result.roundsWithPseudoTies < 200,
      String(result.roundsWithPseudoTies),
    );
    assert.equal(result.roundsNotConverged, 0);
    assert.ok(result.models.every((m) => Number.isFinite(m.lower) && Number.isFinite(m.upper)));
  });
});
