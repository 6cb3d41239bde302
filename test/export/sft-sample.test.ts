import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  dialogueSamples,
  endOnCounselor,
  sessionProblem,
  sessionSample,
  trimHistory,
} from "../../src/export/index.js";
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
        targets: [1],
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
        targets: [3],
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

describe("sessionSample (per-session samples)", () => {
  it("makes the whole session one sample whose every counselor reply is a target", () => {
    assert.deepEqual(sessionSample(session("s", 2), { system: "SYS" }), {
      id: "s",
      dialogueId: "s",
      turn: 3,
      system: "SYS",
      messages: [
        { role: "user", content: "你好" },
        { role: "assistant", content: "s counselor 1" },
        { role: "user", content: "s client 2" },
        { role: "assistant", content: "s counselor 2" },
      ],
      targets: [1, 3],
    });
  });

  it("trains the same replies as the per-turn samples, each seeing the same history", () => {
    const d = session("s", 5);
    const whole = sessionSample(d);
    const perTurn = dialogueSamples(d);
    // Causal attention: reply t in the session sees exactly the messages before it, which is per-turn sample t.
    assert.deepEqual(
      whole.targets.map((t) => whole.messages.slice(0, t + 1)),
      perTurn.map((p) => p.messages),
    );
  });
});

describe("endOnCounselor", () => {
  it("trims a final unanswered client turn and leaves other sessions alone", () => {
    const ok = session("s", 2);
    const endsOnClient = {
      ...ok,
      turns: [...ok.turns, { role: "client" as const, content: "bye" }],
    };
    assert.deepEqual(endOnCounselor(endsOnClient), { dialogue: ok, trimmed: true });
    assert.deepEqual(endOnCounselor(ok), { dialogue: ok, trimmed: false });
    const greetingOnly = { ...ok, turns: ok.turns.slice(0, 1) };
    assert.deepEqual(endOnCounselor(greetingOnly), { dialogue: greetingOnly, trimmed: false });
    assert.equal(sessionProblem(greetingOnly)?.reason, "no-counselor-reply");
    assert.deepEqual(sessionSample(endsOnClient), sessionSample(ok));
  });
});

describe("sessionProblem", () => {
  it("accepts a well-formed session and names what is wrong with a broken one", () => {
    const ok = session("s", 2);
    assert.equal(sessionProblem(ok), undefined);
    assert.deepEqual(sessionProblem({ ...ok, turns: ok.turns.slice(0, 1) }), {
      reason: "no-counselor-reply",
      field: "turns",
      message: "the session has no counselor reply to train on",
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
