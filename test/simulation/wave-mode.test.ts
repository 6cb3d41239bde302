import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { WaveStore } from "../../src/llm/batch/wave-store.js";
import { OpenAIBatchRunner } from "../../src/llm/batch/openai-batch-runner.js";
import { batchInputLine } from "../../src/llm/batch/batch-lines.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { arenaReply, sensibleJudge } from "../arena/fake-arena-replies.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { essences, writeCards } from "./wave-fixtures.js";

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

describe("simulate --mode wave --batch files", () => {
  it("writes each wave's input JSONL and reads the output an outside runner leaves beside it", async () => {
    const dir = tempDir();
    const cards = writeCards(dir, 6);
    const replies = counselingReplies({ sessionTurns: 4, badReplyEvery: 4 });
    // The interactive reference runs against the fake server with the same replies.
    const server = await startFakeOpenAIServer({ reply: replies });
    try {
      const spec = `openai-compatible:fake-model@${server.url}`;
      const common = ["simulate", "--cards", cards, "--client", spec, "--counselor", spec];
      const reference = join(dir, "interactive.jsonl");
      const ref = await runCli([...common, "--out", reference, "--cache", join(dir, "i.sqlite")]);
      assert.equal(ref.code, 0, ref.stderr);

      // A stand-in for `vllm run_batch`: answers every input file, written under another name and renamed.
      const batches = join(dir, "batches");
      let answered = 0;
      const driver = setInterval(() => {
        for (const file of existsSync(batches) ? readdirSync(batches) : []) {
          if (!file.endsWith(".input.jsonl")) continue;
          const output = join(batches, file.replace(/\.input\.jsonl$/, ".output.jsonl"));
          if (existsSync(output)) continue;
          const lines = readFileSync(join(batches, file), "utf8").trim().split("\n");
          const out = lines.reverse().map((l) => {
            const { custom_id, body } = JSON.parse(l) as { custom_id: string; body: FakeChatBody };
            const content = replies(body, {} as never) as string;
            return JSON.stringify({
              id: `vllm-${custom_id}`,
              custom_id,
              response: {
                status_code: 200,
                request_id: custom_id,
                body: {
                  choices: [
                    { index: 0, message: { role: "assistant", content }, finish_reason: "stop" },
                  ],
                  usage: { prompt_tokens: 10, completion_tokens: 5 },
                },
              },
              error: null,
            });
          });
          writeFileSync(`${output}.tmp`, out.join("\n") + "\n");
          renameSync(`${output}.tmp`, output);
          answered++;
        }
      }, 5);
      const out = join(dir, "wave.jsonl");
      const r = await runCli([
        ...common,
        ...["--out", out, "--cache", join(dir, "w.sqlite"), "--mode", "wave", "--batch", "files"],
        ...["--batch-dir", batches, "--poll-interval", "5", "--no-preflight"],
      ]).finally(() => clearInterval(driver));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(answered >= 4, `${answered} waves answered by the driver`);
      assert.deepEqual(await essences(out), await essences(reference));
    } finally {
      await server.close();
    }
  });
});

describe("OpenAIBatchRunner after a kill between upload and batch creation", () => {
  it("finds the batch made from its file instead of creating a second one", async () => {
    const server = await startFakeOpenAIServer({ batch: { pollsPerStep: 1 } });
    try {
      const store = new WaveStore(join(tempDir(), "batches"));
      const runner = new OpenAIBatchRunner({
        id: "fake",
        baseUrl: server.url,
        apiKey: "k",
        poll: { firstMs: 1, maxMs: 5 },
      });
      const body = { model: "fake-model", messages: [{ role: "user", content: "hi" }] };
      const first = store.prepare(
        1,
        "g",
        "g",
        [batchInputLine("d/turn-1/counselor/attempt-1", body)],
        ["h"],
      );
      await runner.run(first, store);
      assert.equal(server.batches.batches.length, 1);
      // The record as a run killed right after the create call, before saving the batch id, left it.
      const orphan = { ...first, name: "wave-0002-g", status: "prepared" as const };
      delete orphan.batch_id;
      await runner.run(orphan, store);
      assert.equal(server.batches.batches.length, 1, "no second batch");
      assert.equal(orphan.batch_id, first.batch_id);
      const results = store.results(orphan);
      assert.equal(results.size, 1);
    } finally {
      await server.close();
    }
  });

  it("retries a transient 500 on the Batch API and fails an auth error at once, in one line", async () => {
    let fails = 2;
    const server = await startFakeOpenAIServer({
      batch: { httpFails: (method, path) => path === "/v1/files" && fails-- > 0 },
    });
    try {
      const store = new WaveStore(join(tempDir(), "batches"));
      const body = { model: "fake-model", messages: [{ role: "user", content: "hi" }] };
      const record = store.prepare(1, "g", "g", [batchInputLine("a", body)], ["h"]);
      const poll = { firstMs: 1, maxMs: 5 };
      await new OpenAIBatchRunner({ id: "fake", baseUrl: server.url, apiKey: "k", poll }).run(
        record,
        store,
      );
      assert.equal(record.status, "done");
      assert.equal(server.requests.filter((r) => r.path === "/v1/files").length, 3);
    } finally {
      await server.close();
    }
    const guarded = await startFakeOpenAIServer({ apiKey: "right" });
    try {
      const store = new WaveStore(join(tempDir(), "batches"));
      const record = store.prepare(
        1,
        "g",
        "g",
        [batchInputLine("a", { model: "m", messages: [] })],
        ["h"],
      );
      const runner = new OpenAIBatchRunner({
        id: "fake",
        baseUrl: guarded.url,
        apiKey: "wrong",
        poll: { firstMs: 1, maxMs: 5 },
      });
      await assert.rejects(runner.run(record, store), (error: Error) => {
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    } finally {
      await guarded.close();
    }
  });
});

describe("arena --mode wave", () => {
  it("writes the battles and dialogues of an interactive arena, every call through batches", async () => {
    const server = await startFakeOpenAIServer({
      reply: (body) => arenaReply(body, sensibleJudge),
      batch: { outcome: (i) => (i === 2 ? "expired" : "completed") },
    });
    try {
      const dir = tempDir();
      const model = (name: string) =>
        `{ provider: openai-compatible, base_url: "${server.url}", model: ${name} }`;
      const config = join(dir, "psysim.yaml");
      writeFileSync(
        config,
        `models:\n  judge: ${model("judge")}\n  client: ${model("client")}\nsimulation: { client: client }\ncounselors:\n  warm: { model: ${model("warm")}, temperature: 0.95 }\n  flat: { model: ${model("flat")}, system_prompt: none }\n`,
      );
      const cards = join(dir, "cards.jsonl");
      writeFileSync(
        cards,
        ["I cannot sleep.", "I argue with my father.", "I miss home."]
          .map((c, i) => JSON.stringify({ id: `c${i}`, language: "en", chief_complaint: c }))
          .join("\n") + "\n",
      );
      const args = (out: string, cache: string) => [
        ...["arena", "--config", config, "--counselors", "warm,flat", "--cards", cards],
        ...["--judge", "judge", "--out", out, "--max-turns", "3", "--both-orders"],
        ...["--cache", join(dir, cache)],
      ];
      const chat = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;
      const a = await runCli(args(join(dir, "a.jsonl"), "a.sqlite"));
      assert.equal(a.code, 0, a.stderr);
      const before = chat();
      const b = await runCli([
        ...args(join(dir, "b.jsonl"), "b.sqlite"),
        ...["--mode", "wave", "--poll-interval", "1"],
      ]);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(chat(), before, "no interactive call in wave mode");
      assert.match(b.stderr, /wave 1: \d+ requests in \d+ batch/);
      for (const [x, y] of [
        ["a.jsonl", "b.jsonl"],
        ["a.dialogues.jsonl", "b.dialogues.jsonl"],
      ] as const)
        assert.deepEqual(stable(join(dir, y)), stable(join(dir, x)), y);
    } finally {
      await server.close();
    }
  });
});

/** Records without wall-clock stamps and spend, sorted: what the mode must not change. */
function stable(file: string): string[] {
  return readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => {
      const { ts: _ts, meta, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const {
        started_at: _s,
        finished_at: _f,
        usage: _u,
        ...kept
      } = (meta ?? {}) as Record<string, unknown>;
      return JSON.stringify(meta ? { ...rest, meta: kept } : rest);
    })
    .sort();
}
