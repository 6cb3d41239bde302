import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { counselingReplies } from "../fixtures/counseling-replies.js";
import { runCli, spawnCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { essences, writeCards } from "../simulation/wave-fixtures.js";

describe("simulate --mode wave killed mid-wave and rerun", async () => {
  const server = await startFakeOpenAIServer({
    reply: counselingReplies({ sessionTurns: 5, badReplyEvery: 4 }),
    // Each batch answers only after several polls, so the kill lands while one is running.
    batch: { pollsPerStep: 2 },
  });
  after(() => server.close());
  const dir = tempDir();
  const cards = writeCards(dir, 10);
  const spec = `openai-compatible:fake-model@${server.url}`;
  const common = [
    ...["simulate", "--cards", cards, "--client", spec, "--counselor", spec, "--seed", "5"],
    ...["--progress-interval", "200"],
  ];

  it("resumes polling the same batch: no batch resubmitted, every call paid once, the same dialogues", async () => {
    const reference = join(dir, "interactive.jsonl");
    const chat = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;
    const ref = await runCli([...common, "--out", reference, "--cache", join(dir, "i.sqlite")]);
    assert.equal(ref.code, 0, ref.stderr);
    const interactiveCalls = chat();

    const out = join(dir, "wave.jsonl");
    const wave = [
      ...common,
      ...[
        "--out",
        out,
        "--cache",
        join(dir, "w.sqlite"),
        "--mode",
        "wave",
        "--poll-interval",
        "10",
      ],
    ];
    const first = spawnCli(wave);
    // Kill without warning as soon as the third wave's batch exists and is still running.
    const inFlight = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        const third = server.batches.batches[2];
        if (third && third.status !== "completed") {
          clearInterval(timer);
          first.child.kill("SIGKILL");
          resolve(third.id);
        }
      }, 2);
    });
    const killed = await first.done;
    assert.equal(killed.signal, "SIGKILL");
    const createdBeforeKill = server.batches.batches.length;
    const record = readdirSync(`${out}.batches`).find((f) => /^wave-0003-.*\.json$/.test(f));
    assert.ok(record, "the running batch's record was on disk");
    const polledBefore = server.requests.filter((r) => r.path === `/v1/batches/${inFlight}`).length;

    const second = await spawnCli(wave).done;
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /\(1 resumed from an earlier run\)/);
    assert.ok(
      server.requests.filter((r) => r.path === `/v1/batches/${inFlight}`).length > polledBefore,
      "the rerun polled the batch the killed run had submitted",
    );
    assert.equal(server.batches.batches[2]!.status, "completed");
    assert.ok(
      server.batches.batches.length > createdBeforeKill,
      "the rerun went on with new waves",
    );
    assert.equal(chat(), interactiveCalls, "wave mode made no interactive call");

    // No request was ever sent in two batches, and together they hold exactly the interactive calls.
    const ids = server.batches.batches.flatMap((b) =>
      server.batches.files
        .get(b.input_file_id)!
        .content.trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { custom_id: string }).custom_id),
    );
    assert.equal(ids.length, new Set(ids).size, "no request resubmitted");
    assert.equal(ids.length, interactiveCalls);
    assert.deepEqual(await essences(out), await essences(reference));
    const records = readdirSync(`${out}.batches`).filter((f) => f.endsWith(".json"));
    for (const f of records)
      assert.equal(
        (JSON.parse(readFileSync(join(`${out}.batches`, f), "utf8")) as { status: string }).status,
        "applied",
      );
  });
});
