import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PsysimError } from "../../../src/core/errors.js";
import { taskOf, type ChatRequest } from "../../../src/llm/chat-model.js";
import {
  evaluateWai,
  keyedScore,
  waiItem,
  waiSessionScores,
  WAI_ITEMS,
  type WaiRating,
} from "../../../src/evaluation/index.js";
import { ScriptedChatModel } from "../../fixtures/scripted-chat-model.js";
import { dialogue } from "../fixtures.js";

const session = dialogue("d1", "zh", [
  ["client", "你好"],
  ["counselor", "你好，今天想聊点什么？"],
  ["client", "我总是失眠"],
  ["counselor", "这种情况持续多久了？"],
]);
const english = dialogue("e1", "en", [
  ["client", "Hello"],
  ["counselor", "Hi, what brings you here?"],
]);

const itemOf = (r: ChatRequest) => {
  const { detail } = taskOf(r, "wai");
  return detail.mode === "per-item" ? detail.item : 0;
};
const roundOf = (r: ChatRequest) => taskOf(r, "wai").detail.round;

describe("WAI-O-S items and keying", () => {
  it("has the twelve items of Figure 10 with four per factor and items 4 and 10 reversed", () => {
    assert.deepEqual(
      WAI_ITEMS.map((i) => i.number),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    assert.deepEqual(
      WAI_ITEMS.filter((i) => i.factor === "goal").map((i) => i.number),
      [4, 6, 10, 11],
    );
    assert.deepEqual(
      WAI_ITEMS.filter((i) => i.factor === "task").map((i) => i.number),
      [1, 2, 8, 12],
    );
    assert.deepEqual(
      WAI_ITEMS.filter((i) => i.factor === "bond").map((i) => i.number),
      [3, 5, 7, 9],
    );
    assert.deepEqual(
      WAI_ITEMS.filter((i) => i.reversed).map((i) => i.number),
      [4, 10],
    );
  });

  it("scores reversed items as 8 − x and leaves the others", () => {
    assert.deepEqual(
      [1, 2, 7].map((x) => keyedScore(waiItem(4), x)),
      [7, 6, 1],
    );
    assert.deepEqual(
      [1, 2, 7].map((x) => keyedScore(waiItem(10), x)),
      [7, 6, 1],
    );
    assert.deepEqual(
      [1, 2, 7].map((x) => keyedScore(waiItem(3), x)),
      [1, 2, 7],
    );
  });

  it("averages rounds per item after keying and items per factor, by hand", () => {
    const all: WaiRating[] = [];
    for (const item of WAI_ITEMS)
      for (const round of [1, 2]) all.push({ item: item.number, round, raw: 5, attempts: 1 });
    // Item 4: raw 2 and 3 → keyed 6 and 5 → 5.5. Item 10: raw 6 in round 1, missing in round 2 → keyed 2.
    all.find((r) => r.item === 4 && r.round === 1)!.raw = 2;
    all.find((r) => r.item === 4 && r.round === 2)!.raw = 3;
    all.find((r) => r.item === 10 && r.round === 1)!.raw = 6;
    Object.assign(
      all.find((r) => r.item === 10 && r.round === 2)!,
      { raw: null, error: "no number in the answer" },
    );
    const s = waiSessionScores("x", all);
    assert.equal(s.items["4"], 5.5);
    assert.equal(s.items["10"], 2);
    assert.equal(s.factors.goal, (5.5 + 5 + 2 + 5) / 4);
    assert.deepEqual([s.factors.task, s.factors.bond, s.missing], [5, 5, 1]);
    assert.equal(s.total, (10 * 5 + 5.5 + 2) / 12);
  });
});

describe("evaluateWai", () => {
  it("asks one item per call with its guideline, three rounds by default, and averages them", async () => {
    const judge = new ScriptedChatModel((r) =>
      String(itemOf(r) === 4 ? roundOf(r) : itemOf(r) === 10 ? 2 : 6),
    );
    const result = await evaluateWai([session], { judge, concurrency: 3 });
    assert.equal(judge.calls.length, 36);
    const first = judge.calls.find((r) => r.sampleKey === "d1/wai/round-1/item-4/attempt-1")!;
    assert.ok(first, "sample keys name session, round, item and attempt");
    const prompt = first.messages[0]!.content;
    assert.deepEqual(first.task, {
      kind: "wai",
      language: "zh",
      detail: {
        mode: "per-item",
        item: 4,
        statement: waiItem(4).text.zh,
        round: 1,
        session_text: prompt.slice(prompt.indexOf("来访者：你好"), prompt.indexOf("\n对话结束")),
      },
    });
    assert.match(prompt, /来访者：我总是失眠\n咨询师：这种情况持续多久了？/);
    assert.match(prompt, /\*\*双方对咨询想要达成什么存在疑虑或缺乏理解。\*\*/);
    assert.match(prompt, /从 4 分开始/);
    assert.match(prompt, /反向表述/);
    assert.ok(!prompt.includes("# psysim template"), "template comments are not sent");
    // Item 4 answered 1, 2, 3 in rounds 1–3 → keyed 7, 6, 5 → 6; item 10 answered 2 → keyed 6; the rest 6.
    assert.equal(result.sessions[0]!.items["4"], 6);
    assert.deepEqual(result.sessions[0]!.factors, { goal: 6, task: 6, bond: 6 });
    assert.equal(result.settings["mode"], "per-item");
    assert.equal(result.usage.calls, 36);
    assert.equal(
      new Set(judge.calls.map((r) => r.params?.seed)).size,
      36,
      "every call has its own derived seed",
    );
  });

  it("asks again after a messy answer and keeps the first valid score", async () => {
    const judge = new ScriptedChatModel((r) =>
      itemOf(r) === 2 && r.sampleKey.endsWith("attempt-1") ? "5 or 6" : "**5**",
    );
    const result = await evaluateWai([english], { judge, rounds: 1 });
    const item2 = result.sessions[0]!.ratings.find((r) => r.item === 2)!;
    assert.deepEqual(item2, { item: 2, round: 1, raw: 5, attempts: 2 });
    assert.ok(judge.calls.some((r) => r.sampleKey === "e1/wai/round-1/item-2/attempt-2"));
    assert.match(
      judge.calls[0]!.messages[0]!.content,
      /Client: Hello\nCounselor: Hi, what brings you here\?/,
    );
  });

  it("records a rating as missing after the last attempt, never guessing, and scores the rest", async () => {
    const judge = new ScriptedChatModel((r) => (itemOf(r) === 9 ? "The bond seems fine." : "4"));
    const result = await evaluateWai([english], { judge, rounds: 2, maxAttempts: 2 });
    const s = result.sessions[0]!;
    assert.deepEqual(
      s.ratings.filter((r) => r.item === 9),
      [
        { item: 9, round: 1, raw: null, attempts: 2, error: "no number in the answer" },
        { item: 9, round: 2, raw: null, attempts: 2, error: "no number in the answer" },
      ],
    );
    assert.equal(s.items["9"], null);
    assert.equal(s.factors.bond, 4);
    assert.equal(result.aggregates.missing_ratings, 2);
    assert.equal(judge.calls.length, 2 * (11 + 2));
  });

  it("scores all items in one structured call in batched mode, re-asking only for what was missing", async () => {
    const full = Object.fromEntries(WAI_ITEMS.map((i) => [`item_${i.number}`, i.reversed ? 2 : 6]));
    const judge = new ScriptedChatModel((r) =>
      r.sampleKey.endsWith("attempt-1")
        ? JSON.stringify({ ...full, item_5: 9 })
        : JSON.stringify({ item_5: 3 }),
    );
    const result = await evaluateWai([session, english], { judge, mode: "batched", rounds: 3 });
    assert.equal(judge.calls.length, 2 * 3 * 2);
    assert.equal(judge.calls[0]!.jsonSchema?.name, "wai_o_s_scores");
    assert.deepEqual(
      (judge.calls[0]!.jsonSchema?.schema as { required: string[] }).required.length,
      12,
    );
    assert.match(judge.calls[0]!.messages[0]!.content, /item_12: /);
    const s = result.sessions[0]!;
    assert.deepEqual(
      s.ratings.find((r) => r.item === 5 && r.round === 1),
      { item: 5, round: 1, raw: 3, attempts: 2 },
    );
    assert.deepEqual(s.factors, { goal: 6, task: 6, bond: (6 + 3 + 6 + 6) / 4 });
    assert.deepEqual(result.aggregates.factors.goal, {
      n: 2,
      mean: 6,
      sd: 0,
      min: 6,
      max: 6,
      median: 6,
    });
  });

  it("stops with the judge's error when the judge never answers", async () => {
    const judge = new ScriptedChatModel(
      () => new PsysimError("MODEL_CALL_FAILED", "scripted: no answer after 5 attempts"),
    );
    await assert.rejects(
      evaluateWai([session, english], { judge, concurrency: 2 }),
      /no answer after 5 attempts/,
    );
    assert.ok(
      judge.calls.length <= 2,
      `stopped after the first failures, made ${judge.calls.length} calls`,
    );
  });
});
