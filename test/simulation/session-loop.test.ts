import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ClientAgent } from "../../src/simulation/client-agent.js";
import { CounselorAgent } from "../../src/simulation/counselor-agent.js";
import { ResponseValidator } from "../../src/simulation/response-validator.js";
import { TerminationRule } from "../../src/simulation/termination-rule.js";
import { runSession } from "../../src/simulation/session-loop.js";
import { loadTemplate } from "../../src/prompts/template.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { card } from "./fixtures.js";

function agents(
  clientScript: string[],
  counselorScript: string[],
  policy: "accept_last" | "truncate" | "fail" = "accept_last",
  maxAttempts = 3,
) {
  const clientModel = new ScriptedChatModel(clientScript, { id: "client-model" });
  const counselorModel = new ScriptedChatModel(counselorScript, { id: "counselor-model" });
  const client = new ClientAgent({
    model: clientModel,
    card: card("c1"),
    language: "zh",
    template: loadTemplate("client", "zh"),
    plannedRounds: 50,
  });
  const counselor = new CounselorAgent({
    model: counselorModel,
    language: "zh",
    systemPrompt: "SYS",
    validator: new ResponseValidator("zh"),
    maxAttempts,
    exhaustedPolicy: policy,
  });
  const step = async (
    history: Parameters<CounselorAgent["reply"]>[0],
    context: Parameters<CounselorAgent["reply"]>[1],
  ) => {
    const reply = await counselor.reply(history, context);
    return {
      turn: {
        role: "counselor" as const,
        content: reply.content,
        ...(reply.rejected.length ? { rejected: reply.rejected } : {}),
        ...(reply.validation !== "accepted" ? { validation: reply.validation } : {}),
      },
      usage: { counselor: reply.usage },
    };
  };
  return { clientModel, counselorModel, client, step };
}

describe("runSession (Algorithm 1)", () => {
  it("opens with the fixed greeting, alternates, and stops when g fires on a counselor reply", async () => {
    const { client, step, clientModel, counselorModel } = agents(
      ["我总是拖延。", "和妈妈吵架了。"],
      ["你好，想聊些什么？", "能说说拖延的情况吗？", "今天先到这里，保重。"],
    );
    const outcome = await runSession({
      dialogueId: "d1",
      client,
      counselor: step,
      termination: new TerminationRule("zh"),
      maxTurns: 50,
      seed: 1,
    });
    assert.deepEqual(outcome.turns, [
      { role: "client", content: "你好" },
      { role: "counselor", content: "你好，想聊些什么？" },
      { role: "client", content: "我总是拖延。" },
      { role: "counselor", content: "能说说拖延的情况吗？" },
      { role: "client", content: "和妈妈吵架了。" },
      { role: "counselor", content: "今天先到这里，保重。" },
    ]);
    assert.equal(outcome.endedBy, "termination_phrase");
    assert.equal(outcome.terminationPhrase, "保重");
    assert.equal(outcome.usage.client?.calls, 2);
    assert.equal(outcome.usage.counselor?.calls, 3);
    // The client sees the dialogue with roles flipped: its own lines are `assistant`.
    assert.deepEqual(clientModel.calls[0]!.messages.slice(1), [
      { role: "assistant", content: "你好" },
      { role: "user", content: "你好，想聊些什么？" },
    ]);
    assert.match(clientModel.calls[0]!.messages[0]!.content, /主诉问题：我总是拖延/);
    assert.deepEqual(counselorModel.calls[1]!.messages, [
      { role: "system", content: "SYS" },
      { role: "user", content: "你好" },
      { role: "assistant", content: "你好，想聊些什么？" },
      { role: "user", content: "我总是拖延。" },
    ]);
    assert.deepEqual(
      counselorModel.calls.map((c) => c.sampleKey),
      [
        "d1/turn-1/counselor/attempt-1",
        "d1/turn-2/counselor/attempt-1",
        "d1/turn-3/counselor/attempt-1",
      ],
    );
    assert.deepEqual(
      clientModel.calls.map((c) => c.sampleKey),
      ["d1/turn-2/client/attempt-1", "d1/turn-3/client/attempt-1"],
    );
  });

  it("stops at max_turns on a counselor turn", async () => {
    const { client, step } = agents(["嗯。", "嗯。"], ["问题一？", "问题二？"]);
    const outcome = await runSession({
      dialogueId: "d2",
      client,
      counselor: step,
      termination: new TerminationRule("zh"),
      maxTurns: 2,
      seed: 1,
    });
    assert.equal(outcome.endedBy, "max_turns");
    assert.equal(outcome.turns.length, 4);
    assert.equal(outcome.turns.at(-1)!.role, "counselor");
  });

  it("regenerates refused replies, keeping every refusal with its reasons", async () => {
    const { client, step, counselorModel } = agents(
      [],
      ["1. 休息\n2. 运动", "好".repeat(201), "再见。"],
    );
    const outcome = await runSession({
      dialogueId: "d3",
      client,
      counselor: step,
      termination: new TerminationRule("zh"),
      maxTurns: 5,
      seed: 1,
    });
    assert.deepEqual(outcome.turns[1], {
      role: "counselor",
      content: "再见。",
      rejected: [
        { content: "1. 休息\n2. 运动", reasons: ["newline", "enumeration"] },
        { content: "好".repeat(201), reasons: ["too_long"] },
      ],
    });
    assert.deepEqual(
      counselorModel.calls.map((c) => c.sampleKey),
      [
        "d3/turn-1/counselor/attempt-1",
        "d3/turn-1/counselor/attempt-2",
        "d3/turn-1/counselor/attempt-3",
      ],
    );
    // Each attempt is its own sample: distinct seeds.
    assert.equal(new Set(counselorModel.calls.map((c) => c.params?.seed)).size, 3);
  });

  it("applies the recorded policy when attempts run out", async () => {
    const long = "好".repeat(150) + "\n" + "好".repeat(100);
    const accept = agents([], [long, long], "accept_last", 2);
    const a = await runSession({
      dialogueId: "d4",
      client: accept.client,
      counselor: accept.step,
      termination: new TerminationRule("zh"),
      maxTurns: 1,
      seed: 1,
    });
    assert.equal(a.turns[1]!.content, long);
    assert.equal(a.turns[1]!.validation, "accepted_last_attempt");
    assert.equal(a.turns[1]!.rejected?.length, 1);

    const cut = agents([], [long, long], "truncate", 2);
    const t = await runSession({
      dialogueId: "d5",
      client: cut.client,
      counselor: cut.step,
      termination: new TerminationRule("zh"),
      maxTurns: 1,
      seed: 1,
    });
    assert.equal(t.turns[1]!.content, "好".repeat(150) + " " + "好".repeat(49));
    assert.equal(t.turns[1]!.validation, "truncated");
    assert.equal(t.turns[1]!.rejected?.length, 2);

    const fail = agents([], [long, long], "fail", 2);
    await assert.rejects(
      runSession({
        dialogueId: "d6",
        client: fail.client,
        counselor: fail.step,
        termination: new TerminationRule("zh"),
        maxTurns: 1,
        seed: 1,
      }),
      /no counselor reply passed the response validator in 2 attempts \(dialogue d6, turn 1; last refused for too_long, newline\)/,
    );
  });
});
