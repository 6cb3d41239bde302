import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Battle, Winner } from "../../src/core/battle.js";
import { computeElo, inTimeOrder } from "../../src/arena/elo.js";
import { buildLeaderboard, judgeGroups, leaderboardsByJudge } from "../../src/arena/leaderboard.js";

function battle(
  id: string,
  a: string,
  b: string,
  winner: Winner,
  ts: string,
  judge = "llm:openai:gpt-4o:2",
): Battle {
  return {
    id,
    dialogue_id: "d",
    turn: 1,
    history_ref: "h",
    model_a: a,
    model_b: b,
    response_a: "",
    response_b: "",
    winner,
    judge,
    ts,
  };
}

// Written by two concurrent sessions: file order is not time order.
const inFile = [
  battle("b3", "C", "A", "b", "2025-01-01T00:00:03Z"),
  battle("b1", "A", "B", "a", "2025-01-01T00:00:01Z"),
  battle("b4", "A", "B", "both_bad", "2025-01-01T00:00:04Z"),
  battle("b2", "B", "C", "tie", "2025-01-01T00:00:02Z"),
];

describe("Elo order and judge groups", () => {
  it("sorts battles by ts, keeping file order among equal times", () => {
    assert.deepEqual(
      inTimeOrder(inFile).map((b) => b.id),
      ["b1", "b2", "b3", "b4"],
    );
    const same = [
      battle("x", "A", "B", "a", "2025-01-01T00:00:00+08:00"),
      battle("y", "A", "B", "b", "2024-12-31T16:00:00Z"),
    ];
    assert.deepEqual(
      inTimeOrder(same).map((b) => b.id),
      ["x", "y"],
    );
  });

  it("gives the same Elo for the same battles in any file order, and file order on request", () => {
    const options = { rounds: 0, seed: 0 };
    const shuffled = buildLeaderboard(inFile, options);
    const sorted = buildLeaderboard(inTimeOrder(inFile), options);
    assert.deepEqual(
      shuffled.rows.map((r) => [r.model, r.elo]),
      sorted.rows.map((r) => [r.model, r.elo]),
    );
    assert.deepEqual(shuffled.elo, {
      k: 4,
      base: 10,
      scale: 400,
      initial: 1000,
      order: "time",
      timeInversions: 2,
      rounds: 0,
      seedStream: "elo-bootstrap",
    });
    // The time-ordered sequence is the hand-worked one in elo.test.ts (A 1003.954…, B 998.046…, C 998.000…).
    assert.ok(
      Math.abs(shuffled.rows.find((r) => r.model === "A")!.elo - 1003.9540184756219) < 1e-9,
    );
    const fileOrder = buildLeaderboard(inFile, { ...options, eloOrder: "file" });
    assert.equal(fileOrder.elo.order, "file");
    const elo = computeElo(inFile);
    for (const row of fileOrder.rows) assert.equal(row.elo, elo.get(row.model));
    assert.notEqual(
      fileOrder.rows.find((r) => r.model === "A")!.elo,
      shuffled.rows.find((r) => r.model === "A")!.elo,
    );
  });

  it("refuses a ts that is not a date-time and points at --order file", () => {
    assert.throws(
      () => inTimeOrder([battle("bad", "A", "B", "a", "yesterday")]),
      /battle bad: ts: "yesterday" is not a date-time; fix it or rate with --order file/,
    );
  });

  it("groups verdicts by judge model, all humans together, the baseline apart", () => {
    const groups = judgeGroups([
      "llm:openai:gpt-4o:2",
      "llm:openai-compatible:Qwen1.5-110B-Chat@http://127.0.0.1:8000/v1:2",
      "human:ann1",
      "human:ann2",
      "baseline:baseline:2",
      "llm:openai:gpt-4o-mini:1",
      "llm:openai:gpt-4o-mini:2",
    ]);
    assert.deepEqual(Object.fromEntries(groups), {
      "llm:openai:gpt-4o:2": "llm:openai:gpt-4o",
      "llm:openai-compatible:Qwen1.5-110B-Chat@http://127.0.0.1:8000/v1:2":
        "llm:openai-compatible:Qwen1.5-110B-Chat@http://127.0.0.1:8000/v1",
      "human:ann1": "human",
      "human:ann2": "human",
      "baseline:baseline:2": "baseline",
      // One model judged with both prompts: two methods, kept apart.
      "llm:openai:gpt-4o-mini:1": "llm:openai:gpt-4o-mini:1",
      "llm:openai:gpt-4o-mini:2": "llm:openai:gpt-4o-mini:2",
    });
  });

  it("builds one leaderboard per judge model with --by judge", () => {
    const boards = leaderboardsByJudge(
      [
        ...inFile,
        battle("q1", "A", "B", "b", "2025-01-01T00:00:05Z", "llm:qwen:2"),
        battle("h1", "A", "B", "a", "2025-01-01T00:00:06Z", "human:ann1"),
        battle("h2", "B", "C", "a", "2025-01-01T00:00:07Z", "human:ann2"),
      ],
      { rounds: 0, seed: 0 },
    );
    assert.deepEqual(
      Object.fromEntries(Object.entries(boards).map(([name, b]) => [name, [b.battles, b.judges]])),
      {
        human: [2, ["human:ann1", "human:ann2"]],
        "llm:openai:gpt-4o": [4, ["llm:openai:gpt-4o:2"]],
        "llm:qwen": [1, ["llm:qwen:2"]],
      },
    );
  });
});
