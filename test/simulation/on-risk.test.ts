import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dialogue } from "../../src/core/dialogue.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { card } from "./fixtures.js";

/** A client model whose second utterance is an explicit risk statement; the counselor asks on. */
function reply(body: FakeChatBody): string {
  if (body.model === "counselor-model") return "我在听，能再多说一些吗？";
  const spoken = body.messages.filter((m) => m.role === "assistant").length;
  return ["最近压力很大。", "我有时候真的不想活了。", "嗯，就是这样。"][Math.min(spoken - 1, 2)]!;
}

async function simulateWith(onRisk: string[]): Promise<Dialogue> {
  const server = await startFakeOpenAIServer({ reply });
  try {
    const dir = tempDir();
    const cards = join(dir, "cards.jsonl");
    writeFileSync(cards, JSON.stringify(card("c1", "zh")) + "\n");
    const out = join(dir, "sim.jsonl");
    const r = await runCli([
      "simulate",
      "--cards",
      cards,
      "--out",
      out,
      "--client",
      `openai-compatible:client-model@${server.url}`,
      "--counselor",
      `openai-compatible:counselor-model@${server.url}`,
      "--max-turns",
      "4",
      ...onRisk,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(readFileSync(out, "utf8").trim()) as Dialogue;
  } finally {
    await server.close();
  }
}

describe("simulate --on-risk", () => {
  it("records a client turn matching the crisis lexicon in meta.crisis_flags and goes on (the default)", async () => {
    const d = await simulateWith([]);
    assert.equal(d.ended_by, "max_turns");
    assert.equal(d.turns.length, 8);
    assert.equal(d.turns[4]!.content, "我有时候真的不想活了。");
    assert.deepEqual(d.meta["crisis_flags"], [{ turn: 4, terms: ["不想活"] }]);
  });

  it("stop ends the session after the counselor's reply to the risk turn, ended_by client_risk", async () => {
    const d = await simulateWith(["--on-risk", "stop"]);
    assert.equal(d.ended_by, "client_risk");
    assert.deepEqual(
      d.turns.map((t) => t.role),
      ["client", "counselor", "client", "counselor", "client", "counselor"],
    );
    assert.deepEqual(d.meta["crisis_flags"], [{ turn: 4, terms: ["不想活"] }]);
  });

  it("refuses another value as a usage error", async () => {
    const r = await runCli([
      "simulate",
      "--cards",
      "x.jsonl",
      "--out",
      "y.jsonl",
      "--on-risk",
      "pause",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^psysim: .*--on-risk expects record or stop, got "pause"/);
  });
});
