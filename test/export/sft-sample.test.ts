import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { dialogueSamples, sessionProblem, trimHistory } from "../../src/export/index.js";
import { session } from "./dialogue-fixtures.js";

describe("dialogueSamples (paper §5.1)", () => {
  it("makes one sample per counselor turn: history before it, then that reply as the target", () => {
    const samples = dialogueSamples(session("s", 2), { system: "SYS" });
    assert.deepEqual(samples, [
      {
        id: "s#1",
        dialogueId: "s",
        turn: 1,
        system: "SYS",
        messages: [
          { role: "user", content: "你好" },
          { role: "assistant", content: "s counselor 1" },
        ],
      },
      {
        id: "s#3",
        dialogueId: "s",
        turn: 3,
        system: "SYS",
        messages: [
          { role: "user", content: "你好" },
          { role: "assistant", content: "s counselor 1" },
          { role: "user", content: "s client 2" },
          { role: "assistant", content: "s counselor 2" },
        ],
      },
    ]);
    assert.equal("system" in dialogueSamples(session("t", 1))[0]!, false);
  });

  it("keeps at most n earlier exchanges, always opening on a client turn", () => {
    const last = dialogueSamples(session("s", 4), { maxHistory: 1 }).at(-1)!;
    assert.deepEqual(
      last.messages.map((m) => m.content),
      ["s client 3", "s counselor 3", "s client 4", "s counselor 4"],
    );
    const none = dialogueSamples(session("s", 4), { maxHistory: 0 }).at(-1)!;
    assert.deepEqual(
      none.messages.map((m) => m.content),
      ["s client 4", "s counselor 4"],
    );
    assert.deepEqual(trimHistory(["u1", "a1", "u2"], 5), ["u1", "a1", "u2"]);
  });

  it("never carries context from one session into another", () => {
    const sessions = Array.from({ length: 30 }, (_, i) => session(`d${i}`, 1 + (i % 6)));
    for (const d of sessions) {
      for (const sample of dialogueSamples(d, {})) {
        // Every line is either the shared greeting or names this very session, at the right place.
        sample.messages.forEach((m, k) => assert.equal(m.content, d.turns[k]!.content));
        assert.ok(sample.messages.slice(1).every((m) => m.content.startsWith(`${d.id} `)));
      }
    }
  });
});

describe("sessionProblem", () => {
  it("accepts a well-formed session and names what is wrong with a broken one", () => {
    const ok = session("s", 2);
    assert.equal(sessionProblem(ok), undefined);
    const endsOnClient = { ...ok, turns: ok.turns.slice(0, 3) };
    assert.deepEqual(sessionProblem(endsOnClient), {
      reason: "ends-on-client",
      field: "turns.2",
      message: "the session ends on a client turn; it must end on a counselor reply",
    });
    const twice = { ...ok, turns: [ok.turns[0]!, ok.turns[0]!, ...ok.turns.slice(1)] };
    assert.deepEqual(sessionProblem(twice), {
      reason: "not-alternating",
      field: "turns.1",
      message: "two client turns in a row; client and counselor must alternate",
    });
    assert.equal(
      sessionProblem({ ...ok, turns: ok.turns.slice(1) })?.reason,
      "opens-with-counselor",
    );
    assert.equal(sessionProblem({ ...ok, turns: [] })?.reason, "no-turns");
    assert.equal(
      sessionProblem({ ...ok, turns: [ok.turns[0]!, { role: "counselor", content: "  " }] })
        ?.reason,
      "empty-turn",
    );
    assert.deepEqual(sessionProblem({ ...ok, ended_by: "error", error: "HTTP 500" }), {
      reason: "errored",
      field: "ended_by",
      message: "the session ended with an error (HTTP 500); rerun it",
    });
  });
});
