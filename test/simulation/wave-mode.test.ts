import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { runCli } from "../fixtures/run-cli.js";
import { readDialogues, type Dialogue } from "../../src/core/index.js";
import { tempDir } from "../helpers.js";
import { card } from "./fixtures.js";

/** What must not depend on the mode: everything but times, usage and cache bookkeeping. */
export function essence(d: Dialogue) {
  return {
    id: d.id,
    turns: d.turns,
    ended_by: d.ended_by,
    termination_phrase: d.termination_phrase,
    seed: d.meta.seed,
    prompts: d.meta.prompts,
  };
}

export async function essences(file: string) {
  return (await readDialogues(file)).map(essence).sort((a, b) => a.id.localeCompare(b.id));
}

export function writeCards(dir: string, n: number): string {
  const file = join(dir, "cards.jsonl");
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) =>
      JSON.stringify(card(`c${String(i).padStart(2, "0")}`, i % 3 === 0 ? "en" : "zh")),
    ).join("\n") + "\n",
  );
  return file;
}

describe("simulate --mode wave", async () => {
  const replies = counselingReplies({ sessionTurns: 5, badReplyEvery: 4 });
  const failedOnce = new Set<string>();
  const server = await startFakeOpenAIServer({
    reply: replies,
    batch: {
      // The second batch expires half done and two lines fail once: both go into later waves.
      outcome: (i) => (i === 1 ? "expired" : "completed"),
      lineFails: (id) =>
        /c0[12]\/turn-2\/client/.test(id) && !failedOnce.has(id) && !!failedOnce.add(id),
    },
  });
  after(() => server.close());
  const dir = tempDir();
  const cards = writeCards(dir, 9);
  const spec = `openai-compatible:fake-model@${server.url}`;
  const common = [
    ...["simulate", "--cards", cards, "--client", spec, "--counselor", spec],
    ...["--seed", "11", "--progress-interval", "200"],
  ];
  const chatCalls = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;

  const reference = join(dir, "interactive.jsonl");
  const interactive = await runCli([
    ...common,
    ...["--out", reference, "--cache", join(dir, "i.sqlite")],
  ]);
  const interactiveCalls = chatCalls();

  it("gives the interactive dialogues, sending every call through batches (OpenAI Batch API)", async () => {
    assert.equal(interactive.code, 0, interactive.stderr);
    const expected = await essences(reference);
    assert.equal(expected.length, 9);
    assert.ok(
      expected.some((d) => d.turns.some((t) => t.rejected?.length)),
      "σ refused replies",
    );

    const out = join(dir, "wave.jsonl");
    const before = chatCalls();
    const r = await runCli([
      ...common,
      ...["--out", out, "--cache", join(dir, "w.sqlite"), "--mode", "wave", "--poll-interval", "1"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(chatCalls(), before, "no interactive call in wave mode");
    assert.deepEqual(await essences(out), expected);
    assert.match(r.stderr, /wave 1: 9 requests in 1 batch/);
    assert.match(r.stderr, /into the next wave/);

    // Every line of every batch was a distinct request, except those retried after an error.
    const lines = server.batches.batches.flatMap((b) =>
      server.batches.files
        .get(b.input_file_id)!
        .content.trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { custom_id: string }).custom_id),
    );
    const failed = server.batches.batches.reduce((n, b) => n + b.request_counts.failed, 0);
    assert.ok(failed > 0, "some lines failed or expired");
    assert.equal(lines.length, new Set(lines).size + failed);
    assert.equal(new Set(lines).size, interactiveCalls, "the same calls as interactive mode");
  });
});

describe("simulate --dry-run prices batches", () => {
  it("shows the cost and the batch cost: half for OpenAI, batch_price where set", async () => {
    const dir = tempDir();
    const cards = writeCards(dir, 3);
    const config = join(dir, "psysim.yaml");
    writeFileSync(
      config,
      [
        "models:",
        "  gpt: { provider: openai, model: gpt-4o-mini, price: { prompt_per_million: 2, completion_per_million: 8 } }",
        "  fleet: { provider: openai-compatible, model: qwen, base_url: http://127.0.0.1:9/v1,",
        "           price: { prompt_per_million: 1, completion_per_million: 1 },",
        "           batch_price: { prompt_per_million: 0.25, completion_per_million: 0.25 } }",
      ].join("\n") + "\n",
    );
    const r = await runCli([
      ...["simulate", "--cards", cards, "--out", join(dir, "o.jsonl"), "--config", config],
      ...["--client", "fleet", "--counselor", "gpt", "--dry-run", "--no-cache"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.match(
      lines.find((l) => l.startsWith("model"))!,
      /cost\s+batch cost$/,
    );
    const money = (name: string) =>
      lines
        .find((l) => l.startsWith(name))!
        .split(/\s{2,}/)
        .slice(-2)
        .map((c) => Number(c.slice(1)));
    const [gpt, gptBatch] = money("gpt");
    assert.ok(gpt! > 0);
    assert.ok(Math.abs(gptBatch! - gpt! / 2) <= 0.01, `${gptBatch} is half of ${gpt}`);
    const [fleet, fleetBatch] = money("fleet");
    assert.ok(Math.abs(fleetBatch! - fleet! / 4) <= 0.01, `${fleetBatch} is a quarter of ${fleet}`);
  });

  it("refuses wave mode without the cache, and an unknown backend, in one line each", async () => {
    const dir = tempDir();
    const cards = writeCards(dir, 1);
    const base = ["simulate", "--cards", cards, "--out", join(dir, "o.jsonl"), "--mode", "wave"];
    const noCache = await runCli([...base, "--no-cache"]);
    assert.equal(noCache.code, 2);
    assert.match(noCache.stderr, /^psysim: --mode wave keeps every answer in the call cache/);
    const backend = await runCli([...base, "--batch", "s3"]);
    assert.equal(backend.code, 2);
    assert.match(backend.stderr, /^psysim: --batch expects openai or files, got "s3"/);
  });
});
