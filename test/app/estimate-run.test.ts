import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDialogues } from "../../src/core/index.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";

describe("--dry-run: the estimate against a real run on the fake server", () => {
  let server: FakeOpenAIServer;
  before(async () => {
    // Sessions end on the counselor's 20th turn: the estimate's expected length.
    server = await startFakeOpenAIServer({ reply: counselingReplies({ sessionTurns: 20 }) });
  });
  after(() => server.close());

  it("plans the sessions, calls nothing, and comes close to the calls a real run makes", async () => {
    const dir = tempDir();
    const cards = join(dir, "cards.jsonl");
    writeFileSync(
      cards,
      Array.from({ length: 6 }, (_, k) =>
        JSON.stringify({
          id: `c${k}`,
          language: k % 2 ? "en" : "zh",
          chief_complaint: "I cannot sleep.",
        }),
      ).join("\n") + "\n",
    );
    const out = join(dir, "out.jsonl");
    const spec = `openai-compatible:fake@${server.url}`;
    const args = [
      "simulate",
      "--cards",
      cards,
      "--out",
      out,
      "--client",
      spec,
      "--counselor",
      spec,
      "--no-cache",
    ];
    const before = server.requests.length;
    const dry = await runCli([...args, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(server.requests.length, before, "a dry run sends no request at all");
    assert.match(dry.stdout, /^dry run: 6 sessions planned \(0 already finished/);
    const row = dry.stdout.split("\n").find((l) => l.startsWith(spec))!;
    const [, , calls, , , cost] = row.split(/\s{2,}/);
    assert.equal(cost, "unknown price");

    const real = await runCli(args);
    assert.equal(real.code, 0, real.stderr);
    const dialogues = await readDialogues(out);
    const actualCalls = dialogues.reduce(
      (n, d) =>
        n +
        Object.values(d.meta.usage as Record<string, { calls: number }>).reduce(
          (m, u) => m + u.calls,
          0,
        ),
      0,
    );
    const ratio = Number(calls) / actualCalls;
    // 20 counselor turns + 19 client turns a session; the estimate adds σ's 10% regenerations
    // that the fake never triggers: (22 + 19) / 39 = 1.05. Recorded in docs/models.md.
    assert.equal(actualCalls, 6 * 39);
    assert.ok(Math.abs(ratio - 41 / 39) < 0.01, `calls estimate/actual = ${ratio.toFixed(3)}`);
  });
});
