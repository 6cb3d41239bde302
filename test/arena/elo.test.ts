import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeElo, eloExpected } from "../../src/arena/elo.js";

const close = (actual: number | undefined, expected: number, tol = 1e-9) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < tol, `${actual} ≠ ${expected}`);

describe("Online Elo", () => {
  it("gives an even expectation between equal ratings and 10:1 odds at 400 points", () => {
    assert.equal(eloExpected(1000, 1000), 0.5);
    close(eloExpected(1400, 1000), 10 / 11);
  });

  it("follows a battle sequence worked by hand (K=4, base 10, scale 400, start 1000)", () => {
    // By hand: E = 1/(1+10^((Rb−Ra)/400)), Ra += 4(s−E), Rb −= 4(s−E); each step in python3 `math`.
    // 1. A beats B: E=½, Δ=+2            → A 1002, B 998
    // 2. B ties C: E_B=1/(1+10^(2/400))=0.497122…, Δ=4(½−E)=+0.0115128 → B 998.0115128, C 999.9884872
    // 3. C vs A, A wins (s=0 for C): E_C=1/(1+10^((1002−999.9884872)/400)), Δ=−1.9884209 → C 998.0000663, A 1003.9884209
    // 4. A vs B, both bad (s=½): Δ=−0.0344025 → A 1003.9540185, B 998.0459153
    // 5. an unparsed verdict moves nothing.
    const ratings = computeElo([
      { model_a: "A", model_b: "B", winner: "a" },
      { model_a: "B", model_b: "C", winner: "tie" },
      { model_a: "C", model_b: "A", winner: "b" },
      { model_a: "A", model_b: "B", winner: "both_bad" },
      { model_a: "A", model_b: "C", winner: null },
    ]);
    close(ratings.get("A"), 1003.9540184756219);
    close(ratings.get("B"), 998.0459152535925);
    close(ratings.get("C"), 998.0000662707856);
  });

  it("keeps the total rating constant, since every update is zero-sum", () => {
    const ratings = computeElo([
      { model_a: "A", model_b: "B", winner: "b" },
      { model_a: "C", model_b: "B", winner: "a" },
      { model_a: "A", model_b: "C", winner: "a" },
    ]);
    close(
      [...ratings.values()].reduce((s, r) => s + r, 0),
      3000,
      1e-9,
    );
  });
});
