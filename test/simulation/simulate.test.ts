import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { simulate, type SimulationEvent } from "../../src/simulation/simulate.js";
import { createBaselineChatModel } from "../../src/llm/providers/baseline.js";
import { readDialogues } from "../../src/core/index.js";
import { TerminationRule } from "../../src/simulation/termination-rule.js";
import { ResponseValidator } from "../../src/simulation/response-validator.js";
import { ScriptedChatModel } from "../fixtures/scripted-chat-model.js";
import { tempDir } from "../helpers.js";
import { card } from "./fixtures.js";

describe("simulate (batch runner)", () => {
  it("runs every card with the baseline agents into valid, labelled dialogues", async () => {
    const out = join(tempDir(), "d.jsonl");
    const cards = [card("a", "zh"), card("b", "en"), card("c", "zh")];
    const baseline = createBaselineChatModel();
    const events: SimulationEvent[] = [];
    const summary = await simulate(
      { cards, out, concurrency: 2, seed: 7 },
      { client: baseline, counselor: baseline },
      (e) => events.push(e),
    );
    assert.equal(summary.completed, 3);
    assert.deepEqual(summary.failed, []);
    const dialogues = await readDialogues(out);
    assert.deepEqual(dialogues.map((d) => d.id).sort(), ["a", "b", "c"]);
    for (const d of dialogues) {
      const g = new TerminationRule(d.language);
      const σ = new ResponseValidator(d.language);
      assert.equal(d.turns[0]!.content, d.language === "zh" ? "你好" : "Hello");
      d.turns.forEach((t, i) => assert.equal(t.role, i % 2 === 0 ? "client" : "counselor"));
      assert.equal(d.turns.at(-1)!.role, "counselor");
      assert.equal(d.ended_by, "termination_phrase");
      assert.equal(g.match(d.turns.at(-1)!.content), d.termination_phrase);
      for (const t of d.turns.filter((t) => t.role === "counselor"))
        assert.ok(σ.check(t.content).ok, t.content);
      assert.equal(d.meta.client, "baseline");
      assert.equal(d.meta.baseline, true);
      assert.equal(d.meta.prompts?.counselor?.id, `counselor.${d.language}`);
      assert.equal(
        d.meta.usage?.client?.calls,
        d.turns.filter((t) => t.role === "client").length - 1,
      );
    }
    assert.equal(events.filter((e) => e.type === "session-end").length, 3);
  });

  it("is deterministic for a seed", async () => {
    const dir = tempDir();
    const baseline = createBaselineChatModel();
    for (const name of ["x", "y"])
      await simulate(
        { cards: [card("a"), card("b", "en")], out: join(dir, `${name}.jsonl`), seed: 3 },
        { client: baseline, counselor: baseline },
      );
    const strip = (file: string) =>
      readFileSync(join(dir, file), "utf8")
        .replace(/"(started_at|finished_at)":"[^"]+"/g, "")
        .split("\n")
        .sort();
    assert.deepEqual(strip("x.jsonl"), strip("y.jsonl"));
  });

  it("skips finished dialogues, leaves failed ones out, and retries them on the next run", async () => {
    const out = join(tempDir(), "d.jsonl");
    const cards = [card("ok1"), card("bad"), card("ok2")];
    const baseline = createBaselineChatModel();
    let broken = true;
    const flaky = new ScriptedChatModel(async (request) => {
      if (broken && request.sampleKey.startsWith("bad/")) return new Error("upstream exploded");
      return (await baseline.complete(request)).content;
    });
    const first = await simulate({ cards, out }, { client: baseline, counselor: flaky });
    assert.equal(first.completed, 2);
    assert.deepEqual(first.failed, [{ dialogueId: "bad", error: "upstream exploded" }]);
    assert.deepEqual((await readDialogues(out)).map((d) => d.id).sort(), ["ok1", "ok2"]);

    broken = false;
    const callsBefore = flaky.calls.length;
    const second = await simulate({ cards, out }, { client: baseline, counselor: flaky });
    assert.deepEqual([second.skipped, second.completed, second.failed.length], [2, 1, 0]);
    assert.ok(
      flaky.calls.slice(callsBefore).every((c) => c.sampleKey.startsWith("bad/")),
      "finished sessions are not re-run",
    );
    assert.deepEqual((await readDialogues(out)).map((d) => d.id).sort(), ["bad", "ok1", "ok2"]);
  });

  it("honours limit, language override and max turns", async () => {
    const out = join(tempDir(), "d.jsonl");
    const baseline = createBaselineChatModel();
    const summary = await simulate(
      { cards: [card("a"), card("b"), card("c")], out, limit: 2, language: "en", maxTurns: 3 },
      { client: baseline, counselor: baseline },
    );
    assert.equal(summary.requested, 2);
    const dialogues = await readDialogues(out);
    assert.deepEqual(
      dialogues.map((d) => [d.language, d.ended_by, d.turns.length]),
      [
        ["en", "max_turns", 6],
        ["en", "max_turns", 6],
      ],
    );
  });
});
