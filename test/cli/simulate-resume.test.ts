import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { spawnCli } from "../fixtures/run-cli.js";
import { readDialogues, type Dialogue } from "../../src/core/index.js";
import { tempDir } from "../helpers.js";
import { card } from "../simulation/fixtures.js";

/** What must survive an interruption: everything but wall-clock times and cache bookkeeping. */
function essence(d: Dialogue) {
  return {
    id: d.id,
    turns: d.turns,
    ended_by: d.ended_by,
    termination_phrase: d.termination_phrase,
    seed: d.meta.seed,
  };
}

describe("psysim simulate against a real HTTP endpoint", async () => {
  const server = await startFakeOpenAIServer({
    reply: counselingReplies({ sessionTurns: 6, badReplyEvery: 4 }),
    latencyMs: 10,
  });
  after(() => server.close());
  const dir = tempDir();
  const cards = join(dir, "cards.jsonl");
  writeFileSync(
    cards,
    Array.from({ length: 12 }, (_, i) =>
      JSON.stringify(card(`c${String(i).padStart(2, "0")}`, i % 3 === 0 ? "en" : "zh")),
    ).join("\n") + "\n",
  );
  const spec = `openai-compatible:fake-model@${server.url}`;
  const common = [
    "simulate",
    "--cards",
    cards,
    "--client",
    spec,
    "--counselor",
    spec,
    "--concurrency",
    "3",
    "--seed",
    "11",
    "--progress-interval",
    "200",
  ];

  // The preflight's GET /models is free; count only the chat calls a run pays for.
  const paidCalls = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;

  it("is killed mid-run and resumed: every card exactly once, nothing lost, paid calls not repeated", async () => {
    const reference = join(dir, "reference.jsonl");
    const ref = await spawnCli([
      ...common,
      "--out",
      reference,
      "--cache",
      join(dir, "ref-cache.sqlite"),
    ]).done;
    assert.equal(ref.code, 0, ref.stderr);
    const referenceRequests = paidCalls();
    const expected = (await readDialogues(reference))
      .map(essence)
      .sort((a, b) => a.id.localeCompare(b.id));
    assert.equal(expected.length, 12);
    assert.ok(
      expected.some((d) => d.turns.some((t) => t.rejected?.length)),
      "σ refused some replies over HTTP",
    );

    const out = join(dir, "resumed.jsonl");
    const cache = join(dir, "cache.sqlite");
    const before = paidCalls();
    const first = spawnCli([...common, "--out", out, "--cache", cache]);
    // Kill without warning once a third of the work has been paid for.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (paidCalls() - before >= referenceRequests / 3) {
          clearInterval(timer);
          first.child.kill("SIGKILL");
          resolve();
        }
      }, 5);
    });
    const killed = await first.done;
    assert.equal(killed.signal, "SIGKILL");
    const partial = existsSync(out) ? readFileSync(out, "utf8") : "";
    assert.ok(partial === "" || partial.endsWith("\n"), "no torn record is left behind");
    const finishedBeforeKill = partial.split("\n").filter(Boolean).length;
    assert.ok(finishedBeforeKill < 12, "the kill landed mid-run");

    const afterKill = paidCalls();
    const second = await spawnCli([...common, "--out", out, "--cache", cache]).done;
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`${finishedBeforeKill} already finished \\(skipped\\)`));
    const resumedRequests = paidCalls() - afterKill;
    const interruptedRequests = afterKill - before;

    const got = (await readDialogues(out)).map(essence).sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(got, expected);
    // Calls answered before the kill replay from the cache: the two runs together pay for
    // the reference's calls plus at most the few that were in flight when it died.
    assert.ok(
      resumedRequests < referenceRequests,
      `resumed run re-requested ${resumedRequests} of ${referenceRequests}`,
    );
    assert.ok(
      interruptedRequests + resumedRequests <= referenceRequests + 2 * 3,
      `paid ${interruptedRequests}+${resumedRequests} for ${referenceRequests}`,
    );
  });

  it("fails with one line and writes nothing when the cards file is bad", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(
      bad,
      JSON.stringify({ ...card("x"), age: "" }) +
        "\n" +
        JSON.stringify({ ...card("y"), gender: 3 }) +
        "\n",
    );
    const out = join(dir, "never.jsonl");
    const result = await spawnCli(["simulate", "--cards", bad, "--out", out]).done;
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.match(result.stderr, /^psysim: .*bad\.jsonl:1: age: .*\(and 1 more bad record\)$/m);
    assert.equal(existsSync(out), false);
  });

  it("names the unknown model spec and the missing key", async () => {
    const out = join(dir, "never.jsonl");
    // --no-cache: opening the default cache would create .psysim/ in the checkout.
    const common = ["simulate", "--cards", cards, "--out", out, "--no-cache"];
    const unknown = await spawnCli([...common, "--client", "gpt5"]).done;
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^psysim: model spec "gpt5": unknown model/);
    const noKey = await spawnCli([...common, "--counselor", "openai:gpt-4o"], {
      OPENAI_API_KEY: "",
    }).done;
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /OPENAI_API_KEY/);
    assert.equal(existsSync(out), false);
  });
});
