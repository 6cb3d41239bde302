import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { counselingReplies, isClientRequest } from "../fixtures/counseling-replies.js";
import { readDialogues } from "../../src/core/index.js";
import { clientMannerRules } from "../../src/prompts/client-manner.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { card } from "./fixtures.js";

describe("style and resistance_level over real HTTP (fake server request log)", async () => {
  const server = await startFakeOpenAIServer({ reply: counselingReplies({ sessionTurns: 3 }) });
  after(() => server.close());

  it("puts each card's rules in its client's system prompt, only there, and records them", async () => {
    const dir = tempDir();
    const cards = [
      { ...card("r"), style: "reserved" as const, resistance_level: "high" as const },
      { ...card("v", "en"), style: "verbose" as const },
      card("n"),
    ];
    const file = join(dir, "cards.jsonl");
    writeFileSync(file, cards.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const out = join(dir, "sim.jsonl");
    const spec = `openai-compatible:fake@${server.url}`;
    const run = await runCli([
      "simulate",
      "--cards",
      file,
      "--out",
      out,
      "--client",
      spec,
      "--counselor",
      spec,
      "--no-cache",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const bodies = server.requests
      .filter((r) => r.path === "/v1/chat/completions")
      .map((r) => r.body as FakeChatBody);
    const systems = (client: boolean) =>
      bodies.filter((b) => isClientRequest(b) === client).map((b) => b.messages[0]!.content);
    for (const c of cards.slice(0, 2)) {
      const rules = clientMannerRules(c, c.language);
      assert.ok(rules.length > 0);
      assert.ok(
        systems(true).some((s) => s.endsWith(rules)),
        `${c.id}'s rules reach its client`,
      );
      assert.ok(
        systems(false).every((s) => !s.includes(rules)),
        "never the counselor's prompt",
      );
    }
    // The unstyled card gets Figure 7 alone: no rule 7.
    assert.ok(systems(true).some((s) => s.trimEnd().endsWith("50轮交流。")));
    const recorded = new Map(
      (await readDialogues(out)).map((d) => [d.id, d.meta["client_manner"]]),
    );
    assert.deepEqual(recorded.get("r"), { style: "reserved", resistance_level: "high" });
    assert.deepEqual(recorded.get("v"), { style: "verbose" });
    assert.equal(recorded.get("n"), undefined);
  });
});
