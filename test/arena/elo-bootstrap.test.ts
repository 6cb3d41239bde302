import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { BattleOutcome } from "../../src/arena/battle-score.js";
import type { Winner } from "../../src/core/battle.js";
import { bootstrapElo } from "../../src/arena/elo-bootstrap.js";
import { computeElo } from "../../src/arena/elo.js";

const PATTERN: [string, string, Winner][] = [
  ["A", "B", "a"],
  ["B", "C", "tie"],
  ["A", "C", "a"],
  ["C", "B", "b"],
  ["A", "B", "b"],
  ["C", "A", "both_bad"],
  ["B", "A", "b"],
  ["C", "B", "a"],
];
const battles: BattleOutcome[] = Array.from({ length: 40 }, (_, k) => {
  const [model_a, model_b, winner] = PATTERN[k % PATTERN.length]!;
  return { model_a, model_b, winner };
});

describe("Elo bootstrap intervals", () => {
  it("matches an independent Python computation (seed, draws, Elo, numpy quantiles)", () => {
    // From test/arena/reference-elo-bootstrap.py: [model, Elo on all battles, 2.5%, 97.5%].
    const reference: [string, number, number, number][] = [
      ["A", 1018.0596359267178, 1002.0618665224578, 1031.8047422047448],
      ["B", 991.0118629420401, 976.0278628266757, 1008.2020992616616],
      ["C", 990.9285011312421, 978.686052234026, 1003.371084846765],
    ];
    const intervals = bootstrapElo(battles, { rounds: 200, seed: 11 });
    const point = computeElo(battles);
    for (const [model, elo, lower, upper] of reference) {
      assert.ok(Math.abs(point.get(model)! - elo) < 1e-9, model);
      assert.ok(Math.abs(intervals.get(model)!.lower - lower) < 1e-9, `${model} lower`);
      assert.ok(Math.abs(intervals.get(model)!.upper - upper) < 1e-9, `${model} upper`);
    }
  });

  it("is deterministic for a seed, skips unparsed verdicts, and collapses to the point with no rounds", () => {
    const again = bootstrapElo(battles, { rounds: 50, seed: 3 });
    assert.deepEqual(bootstrapElo(battles, { rounds: 50, seed: 3 }), again);
    assert.notDeepEqual(bootstrapElo(battles, { rounds: 50, seed: 4 }), again);
    const withNull = [...battles, { model_a: "A", model_b: "B", winner: null }];
    assert.deepEqual(bootstrapElo(withNull, { rounds: 50, seed: 3 }), again);
    const none = bootstrapElo(battles, { rounds: 0, seed: 3 });
    assert.deepEqual(none.get("A"), {
      lower: computeElo(battles).get("A"),
      upper: computeElo(battles).get("A"),
    });
  });
});
