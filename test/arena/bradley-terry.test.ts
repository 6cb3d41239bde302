import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BattleOutcome } from "../../src/arena/battle-score.js";
import type { Winner } from "../../src/core/battle.js";
import { fitBradleyTerry } from "../../src/arena/bradley-terry.js";
import { pairwiseData } from "../../src/arena/pairwise-data.js";

function battles(a: string, b: string, counts: Partial<Record<Winner, number>>): BattleOutcome[] {
  return Object.entries(counts).flatMap(([winner, n]) =>
    Array.from({ length: n }, () => ({ model_a: a, model_b: b, winner: winner as Winner })),
  );
}

function ratingsOf(
  outcomes: BattleOutcome[],
  options: Parameters<typeof fitBradleyTerry>[1] = {},
): Record<string, number> {
  const fit = fitBradleyTerry(pairwiseData(outcomes), options);
  assert.equal(fit.converged, true);
  return Object.fromEntries(fit.models.map((m, k) => [m, fit.ratings[k]!]));
}

function assertClose(
  actual: Record<string, number>,
  expected: Record<string, number>,
  tol = 1e-6,
): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [model, value] of Object.entries(expected)) {
    assert.ok(Math.abs(actual[model]! - value) < tol, `${model}: ${actual[model]} ≠ ${value}`);
  }
}

/**
 * An independent maximiser for the same likelihood: Zermelo's fixed-point (MM) iteration
 * π_i ← W_i / Σ_j n_ij/(π_i+π_j) (Hunter 2004), run to a standstill, then 400·log10 π
 * centred at a mean of 1000. Different algorithm, different parameterisation.
 */
function zermelo(outcomes: BattleOutcome[]): Record<string, number> {
  const models = [...new Set(outcomes.flatMap((o) => [o.model_a, o.model_b]))];
  const wins = new Map(models.map((m) => [m, 0]));
  const meetings = new Map<string, number>();
  const key = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
  for (const o of outcomes) {
    const s = o.winner === "a" ? 1 : o.winner === "b" ? 0 : 0.5;
    wins.set(o.model_a, wins.get(o.model_a)! + s);
    wins.set(o.model_b, wins.get(o.model_b)! + 1 - s);
    meetings.set(key(o.model_a, o.model_b), (meetings.get(key(o.model_a, o.model_b)) ?? 0) + 1);
  }
  let pi = new Map(models.map((m) => [m, 1]));
  for (let it = 0; it < 20000; it++) {
    const next = new Map<string, number>();
    for (const i of models) {
      let denominator = 0;
      for (const j of models)
        if (i !== j) denominator += (meetings.get(key(i, j)) ?? 0) / (pi.get(i)! + pi.get(j)!);
      next.set(i, wins.get(i)! / denominator);
    }
    const geo = Math.exp(models.reduce((s, m) => s + Math.log(next.get(m)!), 0) / models.length);
    pi = new Map(models.map((m) => [m, next.get(m)! / geo]));
  }
  return Object.fromEntries(models.map((m) => [m, 400 * Math.log10(pi.get(m)!) + 1000]));
}

describe("Bradley–Terry maximum likelihood", () => {
  it("matches the two-model closed form 400·log10(wins/losses), split around 1000", () => {
    // By hand: A 3 wins, 1 loss → ΔR = 400·log10 3 = 190.8485; centred → 1000 ± 95.4243.
    assertClose(ratingsOf(battles("A", "B", { a: 3, b: 1 })), {
      A: 1095.4242509439325,
      B: 904.5757490560675,
    });
  });

  it("counts a tie as half a win each way", () => {
    // 2 wins + 2 ties = 3 points of 4, the same evidence as 3 wins and 1 loss.
    assertClose(ratingsOf(battles("A", "B", { a: 2, tie: 1, both_bad: 1 })), {
      A: 1095.4242509439325,
      B: 904.5757490560675,
    });
  });

  it("recovers strengths 4:2:1 from battles in exactly those proportions", () => {
    // By hand: with every pair's win share equal to πi/(πi+πj) the score equations hold
    // exactly, so the MLE is π = 4:2:1 → 400·log10 = 240.824, 120.412, 0; centred on 1000.
    const outcomes = [
      ...battles("A", "B", { a: 2, b: 1 }),
      ...battles("B", "C", { a: 2, b: 1 }),
      ...battles("A", "C", { a: 4, b: 1 }),
    ];
    assertClose(ratingsOf(outcomes), { A: 1120.411998265592, B: 1000, C: 879.588001734408 });
  });

  it("agrees with an independent MM maximiser on an irregular four-model set", () => {
    const outcomes = [
      ...battles("A", "B", { a: 7, b: 3, tie: 2 }),
      ...battles("B", "C", { a: 4, b: 5, both_bad: 1 }),
      ...battles("C", "A", { a: 2, b: 6 }),
      ...battles("D", "A", { a: 1, b: 4, tie: 1 }),
      ...battles("D", "C", { a: 3, b: 3 }),
    ];
    assertClose(ratingsOf(outcomes), zermelo(outcomes), 1e-6);
  });

  it("is unchanged by swapping a and b with the outcome flipped, and by battle order", () => {
    const outcomes = [
      ...battles("A", "B", { a: 5, b: 2, tie: 1 }),
      ...battles("B", "C", { a: 3, b: 4 }),
      ...battles("A", "C", { a: 2, b: 2 }),
    ];
    const swapped = outcomes.map((o) => ({
      model_a: o.model_b,
      model_b: o.model_a,
      winner: (o.winner === "a" ? "b" : o.winner === "b" ? "a" : o.winner) as Winner,
    }));
    const reversed = outcomes.slice().reverse();
    const base = ratingsOf(outcomes);
    assertClose(ratingsOf(swapped), base, 1e-9);
    assertClose(ratingsOf(reversed), base, 1e-9);
  });

  it("moves every rating by the same constant when anchored, keeping the differences", () => {
    const outcomes = [
      ...battles("A", "B", { a: 5, b: 2 }),
      ...battles("B", "C", { a: 3, b: 4 }),
      ...battles("A", "C", { a: 2, b: 2 }),
    ];
    const centred = ratingsOf(outcomes);
    const anchored = ratingsOf(outcomes, { centre: { kind: "anchor", model: "B", rating: 1200 } });
    const shift = 1200 - centred.B!;
    assertClose(
      anchored,
      Object.fromEntries(Object.entries(centred).map(([m, r]) => [m, r + shift])),
      1e-9,
    );
    const mean = Object.values(centred).reduce((s, r) => s + r, 0) / 3;
    assert.ok(Math.abs(mean - 1000) < 1e-9);
  });

  it("fits a model that never lost with one pseudo-tie per pair and names the separated groups", () => {
    // By hand: A beat B 3 times and never lost. The MLE is infinite; one virtual tie makes
    // A's score 3.5 of 4 → ΔR = 400·log10(3.5/0.5) = 400·log10 7 = 338.0392.
    const fit = fitBradleyTerry(pairwiseData(battles("A", "B", { a: 3 })));
    assert.equal(fit.converged, true);
    assert.deepEqual(fit.separation, { groups: [["A"], ["B"]], pseudoTies: 1 });
    assert.ok(Math.abs(fit.ratings[0]! - fit.ratings[1]! - 338.0392160057027) < 1e-6);
  });

  it("stays finite and ordered when one model sweeps a larger set, reporting the groups", () => {
    const outcomes = [
      ...battles("Top", "B", { a: 40 }),
      ...battles("Top", "C", { a: 35 }),
      ...battles("B", "C", { a: 20, b: 10 }),
      ...battles("Solo", "Other", { a: 1, b: 1 }),
    ];
    const fit = fitBradleyTerry(pairwiseData(outcomes));
    assert.equal(fit.converged, true);
    assert.ok(fit.ratings.every(Number.isFinite));
    assert.deepEqual(fit.separation?.groups[0], ["Top"]);
    assert.equal(fit.separation?.groups.length, 3);
    const r = Object.fromEntries(fit.models.map((m, k) => [m, fit.ratings[k]!]));
    assert.ok(r.Top! > r.B! && r.B! > r.C!);
  });

  it("uses no pseudo-ties when every model has both won and lost within one connected web", () => {
    const fit = fitBradleyTerry(pairwiseData(battles("A", "B", { a: 30, b: 1 })));
    assert.equal(fit.separation, null);
    assert.ok(Math.abs(fit.ratings[0]! - fit.ratings[1]! - 400 * Math.log10(30)) < 1e-6);
  });

  it("refuses an anchor model that has no battles, with a one-line reason", () => {
    assert.throws(
      () =>
        fitBradleyTerry(pairwiseData(battles("A", "B", { a: 1, b: 1 })), {
          centre: { kind: "anchor", model: "Z", rating: 1000 },
        }),
      /anchor model "Z" has no rated battles/,
    );
  });
});
