import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { runCli, spawnCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { writeJsonlFile } from "../evaluation/fixtures.js";
import { waveDialogues, waveJudgeReply } from "../evaluation/judges/wave-judge-fixtures.js";

describe("eval wai --batch killed mid-wave and rerun", async () => {
  const server = await startFakeOpenAIServer({
    reply: waveJudgeReply,
    // Each batch answers only after several polls, so the kill lands while one is running.
    batch: { pollsPerStep: 2 },
  });
  after(() => server.close());
  const dir = tempDir();
  const dialogues = writeJsonlFile(dir, "sim.jsonl", waveDialogues);
  const common = [
    ...["eval", "wai", "--dialogues", dialogues, "--rounds", "2"],
    ...["--judge", `openai-compatible:judge-model@${server.url}`],
  ];
  const result = (file: string) => {
    const {
      created_at: _time,
      usage: _usage,
      ...rest
    } = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    return rest;
  };

  it("resumes polling the same batch: no batch resubmitted, every call paid once, the same ratings", async () => {
    const reference = join(dir, "interactive.json");
    const chat = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;
    const ref = await runCli([...common, "--json", reference, "--cache", join(dir, "i.sqlite")]);
    assert.equal(ref.code, 0, ref.stderr);
    const interactiveCalls = chat();

    const out = join(dir, "wave.json");
    const batchDir = join(dir, "wai.batches");
    const wave = [
      ...common,
      ...["--json", out, "--cache", join(dir, "w.sqlite"), "--batch", "openai"],
      ...["--batch-dir", batchDir, "--poll-interval", "10"],
    ];
    const first = spawnCli(wave);
    // Kill without warning once the re-asks' wave (the second) is submitted and still running.
    const inFlight = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        const second = server.batches.batches[1];
        if (second && second.status !== "completed") {
          clearInterval(timer);
          first.child.kill("SIGKILL");
          resolve(second.id);
        }
      }, 2);
    });
    const killed = await first.done;
    assert.equal(killed.signal, "SIGKILL");
    const createdBeforeKill = server.batches.batches.length;
    assert.ok(readdirSync(batchDir).some((f) => /^wave-0002-.*\.json$/.test(f)));
    const polledBefore = server.requests.filter((r) => r.path === `/v1/batches/${inFlight}`).length;

    const second = await spawnCli(wave).done;
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /\(1 resumed from an earlier run\)/);
    assert.ok(
      server.requests.filter((r) => r.path === `/v1/batches/${inFlight}`).length > polledBefore,
      "the rerun polled the batch the killed run had submitted",
    );
    assert.equal(server.batches.batches[1]!.status, "completed");
    assert.ok(server.batches.batches.length >= createdBeforeKill);
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
    assert.deepEqual(result(out), result(reference));
    for (const f of readdirSync(batchDir).filter((f) => f.endsWith(".json")))
      assert.equal(
        (JSON.parse(readFileSync(join(batchDir, f), "utf8")) as { status: string }).status,
        "applied",
      );
  });
});
