import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { approximateTokens } from "../../src/export/token-estimate.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import {
  startFakeOpenAIServer,
  type FakeChatBody,
  type FakeOpenAIServer,
} from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";

describe("arena --dry-run: the estimate against a real arena on the fake server", () => {
  let server: FakeOpenAIServer;
  before(async () => {
    // Sessions end on the 20th counselor turn, the estimate's expected length. The two
    // counselors answer differently (identical candidates would not be judged), and the
    // supervisor always picks A.
    const partner = counselingReplies({ sessionTurns: 20 });
    server = await startFakeOpenAIServer({
      reply: async (body: FakeChatBody, ctx) => {
        if (body.model === "judge") return "- Basis for selection: fine.\n- Final choice: A";
        const said = (await partner(body, ctx)) as string;
        if (body.model !== "flat") return said;
        return /[\u4e00-\u9fff]/.test(said) ? `嗯，${said}` : `Well, ${said}`;
      },
    });
  });
  after(() => server.close());

  it("plans the sessions and battles, calls nothing, and comes close to the calls of a real run", async () => {
    const dir = tempDir();
    const cards = join(dir, "cards.jsonl");
    writeFileSync(
      cards,
      Array.from({ length: 4 }, (_, k) =>
        JSON.stringify({
          id: `c${k}`,
          language: k % 2 ? "en" : "zh",
          chief_complaint: "I cannot sleep.",
        }),
      ).join("\n") + "\n",
    );
    const spec = (model: string) => `openai-compatible:${model}@${server.url}`;
    const out = join(dir, "battles.jsonl");
    const args = [
      ...["arena", "--counselors", `${spec("warm")},${spec("flat")}`, "--cards", cards],
      ...["--client", spec("client"), "--judge", spec("judge"), "--out", out, "--no-cache"],
    ];
    const requests = server.requests.length;
    const dry = await runCli([...args, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(server.requests.length, requests, "a dry run sends no request at all");
    assert.match(
      dry.stdout,
      /^dry run: 4 sessions planned, up to 80 battles \(0 already finished in .*\); no model was called\n/,
    );
    const rows = dry.stdout
      .split("\n")
      .filter((l) => l.startsWith("openai-compatible:"))
      .map((l) => l.split(/\s{2,}/));
    assert.deepEqual(
      rows.map((r) => [r[1], r[5]]),
      [
        ["counselor", "unknown price"],
        ["counselor", "unknown price"],
        ["client", "unknown price"],
        ["judge", "unknown price"],
      ],
    );
    const planned = rows.reduce((n, r) => n + Number(r[2]), 0);
    const plannedPrompt = rows.reduce(
      (n, r) => n + Number(r[3]!.replace(/k$/, "")) * (r[3]!.endsWith("k") ? 1000 : 1),
      0,
    );

    const real = await runCli(args);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /arena: 4 sessions, 80 battles/);
    const sent = server.requests
      .slice(requests)
      .filter((q) => q.path === "/v1/chat/completions")
      .map((q) => q.body as FakeChatBody);
    // 20 turns: 19 client calls, 2 × 20 counselor calls, 20 supervisor calls a session; the
    // estimate adds σ's assumed 10% regenerations of counselor calls that the fake never
    // triggers: (19 + 44 + 20) / 79 = 1.05. Recorded in docs/arena.md.
    assert.equal(sent.length, 4 * 79);
    const ratio = planned / sent.length;
    assert.ok(Math.abs(ratio - 83 / 79) < 0.01, `calls estimate/actual = ${ratio.toFixed(3)}`);
    // Prompt tokens by the same approximation over what was really sent: the estimate
    // assumes real replies (30–60 tokens) where the fake's are a few, so it comes out high.
    const actualPrompt = sent.reduce(
      (n, b) => n + b.messages.reduce((m, x) => m + approximateTokens(x.content), 0),
      0,
    );
    const tokenRatio = plannedPrompt / actualPrompt;
    assert.ok(tokenRatio > 1 && tokenRatio < 4, `prompt tokens estimate/actual = ${tokenRatio}`);
  });
});
