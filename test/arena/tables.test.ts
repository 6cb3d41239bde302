import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Battle, Winner } from "../../src/core/battle.js";
import { agreement } from "../../src/arena/agreement.js";
import { battleMatrix } from "../../src/arena/battle-matrix.js";
import { judgeBias } from "../../src/arena/judge-bias.js";
import { upvoteTable } from "../../src/arena/upvotes.js";

let serial = 0;
function battle(
  dialogue: string,
  a: string,
  b: string,
  winner: Winner | null,
  extra: Partial<Battle> = {},
): Battle {
  serial += 1;
  return {
    id: `battle-${serial}`,
    dialogue_id: dialogue,
    turn: 1,
    history_ref: "h",
    model_a: a,
    model_b: b,
    response_a: "",
    response_b: "",
    winner,
    judge: "llm:test:2",
    ts: "2025-01-01T00:00:00.000Z",
    ...extra,
  };
}

describe("Battle-count matrix (Figure 14)", () => {
  it("counts each meeting once in both cells, unparsed verdicts included", () => {
    const matrix = battleMatrix([
      battle("d1", "A", "B", "a"),
      battle("d1", "B", "A", null),
      battle("d2", "C", "A", "tie"),
    ]);
    assert.deepEqual(matrix, {
      models: ["A", "B", "C"],
      counts: [
        [0, 2, 1],
        [2, 0, 0],
        [1, 0, 0],
      ],
    });
  });
});

describe("Upvote table (Table 4)", () => {
  it("counts wins, half ties, and the sessions each model appeared in", () => {
    // By hand: d1 (A vs B): A wins twice, one tie, one both-bad → A 2.5, B 0.5.
    // d2 (A vs C): C wins, one unparsed → C 1, A 0. A: 2.5 upvotes over 2 sessions.
    const rows = upvoteTable([
      battle("d1", "A", "B", "a"),
      battle("d1", "B", "A", "b"),
      battle("d1", "A", "B", "tie"),
      battle("d1", "A", "B", "both_bad"),
      battle("d2", "A", "C", "b"),
      battle("d2", "A", "C", null),
    ]);
    assert.deepEqual(rows, [
      { model: "A", upvotes: 2.5, occurrences: 2, average: 1.25, wins: 2, ties: 1, battles: 6 },
      { model: "C", upvotes: 1, occurrences: 1, average: 1, wins: 1, ties: 0, battles: 2 },
      { model: "B", upvotes: 0.5, occurrences: 1, average: 0.5, wins: 0, ties: 1, battles: 4 },
    ]);
  });
});

describe("Judge bias", () => {
  it("reports the position-flip rate over battles judged both ways and how often the longer reply won", () => {
    const bias = judgeBias([
      battle("d", "A", "B", "a", {
        response_a: "长一些的回复",
        response_b: "短",
        consistent: true,
      }),
      battle("d", "A", "B", "b", {
        response_a: "长一些的回复",
        response_b: "短",
        consistent: true,
      }),
      battle("d", "A", "B", "tie", { response_a: "x", response_b: "yy", consistent: false }),
      battle("d", "A", "B", "b", { response_a: "same", response_b: "four" }),
      battle("d", "A", "B", "b", { response_a: "a", response_b: "longer" }),
    ]);
    assert.deepEqual(bias, {
      bothOrders: 3,
      flips: 1,
      flipRate: 1 / 3,
      decisiveUnequalLength: 3,
      longerWon: 2,
      longerWonRate: 2 / 3,
    });
  });

  it("reports no rates rather than zero when nothing qualifies", () => {
    const bias = judgeBias([battle("d", "A", "B", "tie")]);
    assert.equal(bias.flipRate, null);
    assert.equal(bias.longerWonRate, null);
  });
});

describe("Judge agreement", () => {
  it("matches Cohen's κ on the textbook 2×2 example (po 0.7, pe 0.5, κ 0.4)", () => {
    // Wikipedia "Cohen's kappa", simple example: 50 items — 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    const items = [
      ...Array.from({ length: 20 }, () => ({ reference: "a", judged: "a" })),
      ...Array.from({ length: 5 }, () => ({ reference: "a", judged: "b" })),
      ...Array.from({ length: 10 }, () => ({ reference: "b", judged: "a" })),
      ...Array.from({ length: 15 }, () => ({ reference: "b", judged: "b" })),
      { reference: "a", judged: null },
    ];
    const result = agreement(items);
    assert.equal(result.compared, 50);
    assert.equal(result.missing, 1);
    assert.equal(result.accuracy, 0.7);
    assert.ok(Math.abs(result.kappa! - 0.4) < 1e-12);
    assert.deepEqual(result.confusion, { a: { a: 20, b: 5 }, b: { a: 10, b: 15 } });
  });

  it("leaves κ undefined when both raters used one label only", () => {
    const result = agreement([{ reference: "a", judged: "a" }]);
    assert.equal(result.accuracy, 1);
    assert.equal(result.kappa, null);
  });
});
