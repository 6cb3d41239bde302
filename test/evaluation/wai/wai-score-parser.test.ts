import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseWaiBatch, parseWaiScore } from "../../../src/evaluation/index.js";

describe("parseWaiScore", () => {
  it("accepts one whole number from 1 to 7 in the usual wrappings", () => {
    const cases: [string, number][] = [
      ["5", 5],
      [" 6\n", 6],
      ["Score: 5", 5],
      ["score：4", 4],
      ["5分", 5],
      ["**6**", 6],
      ["评分：六分", 6],
      ["得分：７", 7],
      ["6/7", 6],
      ["I would rate this 3 out of 7.", 3],
      ["Your score is 2.", 2],
      ["My score (1-7): 4", 4],
      ["1", 1],
      ["`7`", 7],
      ["5.", 5],
      ["我给5分（满分7分）", 5],
    ];
    for (const [answer, score] of cases) assert.deepEqual(parseWaiScore(answer), { score }, answer);
  });

  it("rejects ambiguous, out-of-range and number-free answers, saying why", () => {
    assert.deepEqual(parseWaiScore("5 or 6"), {
      error: "more than one number in the answer (5, 6)",
    });
    assert.deepEqual(parseWaiScore("5-6"), { error: "more than one number in the answer (5, 6)" });
    assert.deepEqual(parseWaiScore("8"), { error: "out of the 1-7 scale (8)" });
    assert.deepEqual(parseWaiScore("0"), { error: "out of the 1-7 scale (0)" });
    assert.deepEqual(parseWaiScore("5.5"), { error: "not a whole number (5.5)" });
    assert.deepEqual(parseWaiScore("The alliance seems strong overall."), {
      error: "no number in the answer",
    });
    assert.deepEqual(parseWaiScore(""), { error: "empty answer" });
    assert.deepEqual(parseWaiScore("Item 3 is about trust; I give it 6."), {
      error: "more than one number in the answer (3, 6)",
    });
  });

  it("accepts a number repeated for emphasis", () => {
    assert.deepEqual(parseWaiScore("Score: 5. Final answer: 5"), { score: 5 });
  });
});

describe("parseWaiBatch", () => {
  const items = [1, 2, 3];

  it("reads item_n keys, bare numbers as keys, a scores wrapper and a fenced block", () => {
    const expected = new Map([
      [1, { score: 5 }],
      [2, { score: 6 }],
      [3, { score: 2 }],
    ]);
    assert.deepEqual(parseWaiBatch('{"item_1": 5, "item_2": 6, "item_3": 2}', items), expected);
    assert.deepEqual(parseWaiBatch('{"1": 5, "2": "6分", "3": 2}', items), expected);
    assert.deepEqual(
      parseWaiBatch(
        'Here you go:\n```json\n{"scores": {"item_1": 5, "item_2": 6, "item_3": 2}}\n```',
        items,
      ),
      expected,
    );
  });

  it("costs only the bad item when one value is wrong or missing", () => {
    assert.deepEqual(
      parseWaiBatch('{"item_1": 9, "item_2": 4.5, "item_3": "5 or 6"}', [1, 2, 3, 4]),
      new Map([
        [1, { error: "item_1 is 9, not a whole number from 1 to 7" }],
        [2, { error: "item_2 is 4.5, not a whole number from 1 to 7" }],
        [3, { error: "more than one number in the answer (5, 6)" }],
        [4, { error: "item_4 is missing" }],
      ]),
    );
  });

  it("fails every item when there is no JSON object", () => {
    assert.deepEqual(
      parseWaiBatch("all items 5", [1, 2]),
      new Map([
        [1, { error: "no JSON object in the answer" }],
        [2, { error: "no JSON object in the answer" }],
      ]),
    );
    assert.deepEqual(
      parseWaiBatch("{item_1: 5}", [1]),
      new Map([[1, { error: "the JSON object does not parse" }]]),
    );
  });
});
