import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";

const ask = (text: string, sampleKey = "k") => ({
  messages: [{ role: "user" as const, content: text }],
  sampleKey,
});

describe("ScriptedChatModel", () => {
  it("answers from a queue in order and records every request", async () => {
    const model = new ScriptedChatModel(["first", "second"]);
    const a = await model.complete(ask("hello", "s1"));
    const b = await model.complete(ask("again", "s2"));
    assert.deepEqual(a, {
      content: "first",
      usage: { prompt_tokens: 3, completion_tokens: 3, calls: 1, cached_calls: 0, cost_usd: 0 },
      finishReason: "stop",
    });
    assert.equal(b.content, "second");
    assert.deepEqual(
      model.calls.map((c) => c.sampleKey),
      ["s1", "s2"],
    );
    assert.equal(model.lastUserMessage(), "again");
  });

  it("fails loudly when the queue runs dry", async () => {
    const model = new ScriptedChatModel(["only"], { id: "m" });
    await model.complete(ask("x"));
    await assert.rejects(model.complete(ask("y")), /script has 1 replies but call 2 was made/);
  });

  it("throws scripted errors and answers from a function of the request and call index", async () => {
    const model = new ScriptedChatModel((request, i) =>
      i === 1 ? new Error("boom") : `${i}:${request.messages[0]?.content}`,
    );
    assert.equal((await model.complete(ask("a"))).content, "0:a");
    await assert.rejects(model.complete(ask("b")), /boom/);
    assert.equal((await model.complete(ask("c"))).content, "2:c");
    assert.equal(model.calls.length, 3);
  });
});
