import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeOpenAIServer } from "../../fixtures/fake-openai-server.js";
import { runCli } from "../../fixtures/run-cli.js";
import { OutputLock } from "../../../src/core/output-lock.js";
import { defaultJudgeBatchDir } from "../../../src/cli/judge-context.js";
import { tempDir } from "../../helpers.js";
import { writeJsonlFile } from "../fixtures.js";
import { waveDialogues, waveJudgeReply } from "./wave-judge-fixtures.js";

/**
 * `eval <kind> --batch openai` against the fake Batch API: the result must be the one the
 * interactive run gives on the same deterministic fake judge, with no interactive call.
 */
describe("eval --batch (wave mode) equals the interactive evaluation", async () => {
  const failedOnce = new Set<string>();
  const server = await startFakeOpenAIServer({
    reply: waveJudgeReply,
    batch: {
      // The second batch expires half done, and each s4 request's first line errors: both
      // go into later waves.
      outcome: (i) => (i === 1 ? "expired" : "completed"),
      lineFails: (id) => id.startsWith("s4/") && !failedOnce.has(id) && !!failedOnce.add(id),
    },
  });
  after(() => server.close());
  const dir = tempDir();
  const dialogues = writeJsonlFile(dir, "sim.jsonl", waveDialogues);
  const judge = `openai-compatible:judge-model@${server.url}`;
  const chats = () => server.requests.filter((r) => r.path === "/v1/chat/completions").length;
  // Everything but the time it was written: settings, inputs, every rating, aggregates, usage.
  const read = (file: string) => {
    const { created_at: _time, ...result } = JSON.parse(readFileSync(file, "utf8")) as Record<
      string,
      unknown
    >;
    return result;
  };

  const cases: { kind: string; args: string[] }[] = [
    { kind: "wai", args: ["--rounds", "2"] },
    { kind: "wai", args: ["--mode", "batched"] },
    { kind: "topics", args: [] },
    { kind: "stages", args: ["--rounds", "3"] },
    { kind: "safety", args: [] },
  ];
  for (const [n, { kind, args }] of cases.entries())
    it(`eval ${kind} ${args.join(" ")}`, async () => {
      const base = ["eval", kind, "--dialogues", dialogues, "--judge", judge, ...args];
      const interactive = join(dir, `${n}-interactive.json`);
      const i = await runCli([
        ...base,
        "--json",
        interactive,
        "--cache",
        join(dir, `${n}-i.sqlite`),
      ]);
      assert.equal(i.code, 0, i.stderr);
      const calls = chats();
      const batches = server.batches.batches.length;

      const waved = join(dir, `${n}-wave.json`);
      const batchDir = join(dir, `${n}.batches`);
      const wave = [
        ...base,
        ...["--json", waved, "--cache", join(dir, `${n}-w.sqlite`)],
        ...["--batch", "openai", "--batch-dir", batchDir, "--poll-interval", "1"],
      ];
      const w = await runCli(wave);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(chats(), calls, "wave mode made no interactive call");
      assert.match(w.stderr, /^wave 1: \d+ requests in 1 batch$/m);
      assert.match(w.stderr, /^wave 2: /m, "re-asks and failed lines went into a later wave");
      assert.ok(server.batches.batches.length > batches + 1);
      assert.deepEqual(read(waved), read(interactive));
      for (const f of readdirSync(batchDir).filter((f) => f.endsWith(".json")))
        assert.equal(
          (JSON.parse(readFileSync(join(batchDir, f), "utf8")) as { status: string }).status,
          "applied",
        );

      // Unknown price: unknown batch price too; the same calls and tokens as interactive mode.
      assert.equal(w.stdout, i.stdout);

      // Every answer is in the cache: the rerun submits nothing and writes the same result.
      const again = await runCli(wave);
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /^wave /m);
      const { usage: _cached, ...rerun } = read(waved);
      const { usage: _paid, ...first } = read(interactive);
      assert.deepEqual(rerun, first);
    });
});

describe("eval --batch files: a runner outside psysim answers the wave files", () => {
  it("gives the interactive result, with no request to the endpoint", async () => {
    const server = await startFakeOpenAIServer({ reply: waveJudgeReply });
    const dir = tempDir();
    const dialogues = writeJsonlFile(dir, "sim.jsonl", waveDialogues);
    const base = ["eval", "topics", "--dialogues", dialogues];
    const judge = ["--judge", `openai-compatible:judge-model@${server.url}`];
    const batchDir = join(dir, "runner");
    // The outside runner: answers each input file as the same fake judge, written under
    // another name and renamed when complete, as the driver loop in docs/scale.md does.
    const runner = setInterval(() => {
      if (!existsSync(batchDir)) return;
      for (const f of readdirSync(batchDir).filter((f) => f.endsWith(".input.jsonl"))) {
        const out = join(batchDir, f.replace(/\.input\.jsonl$/, ".output.jsonl"));
        if (existsSync(out)) continue;
        const lines = readFileSync(join(batchDir, f), "utf8").trim().split("\n");
        const answers = lines.map((l) => {
          const { custom_id, body } = JSON.parse(l) as {
            custom_id: string;
            body: Parameters<typeof waveJudgeReply>[0];
          };
          const message = { role: "assistant", content: waveJudgeReply(body) };
          const completion = { choices: [{ index: 0, message, finish_reason: "stop" }] };
          return JSON.stringify({ custom_id, response: { status_code: 200, body: completion } });
        });
        writeFileSync(`${out}.part`, answers.reverse().join("\n") + "\n");
        renameSync(`${out}.part`, out);
      }
    }, 5);
    try {
      const reference = join(dir, "interactive.json");
      const i = await runCli([...base, ...judge, "--json", reference]);
      assert.equal(i.code, 0, i.stderr);
      const requests = server.requests.length;
      const out = join(dir, "files.json");
      const f = await runCli([
        ...[...base, ...judge, "--json", out, "--batch", "files"],
        ...["--batch-dir", batchDir, "--poll-interval", "5"],
      ]);
      assert.equal(f.code, 0, f.stderr);
      assert.equal(server.requests.length, requests, "not even a preflight probe");
      assert.match(f.stderr, /^wave 2: /m);
      const result = (file: string) => {
        const {
          created_at: _t,
          usage: _u,
          ...rest
        } = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        return rest;
      };
      assert.deepEqual(result(out), result(reference));
    } finally {
      clearInterval(runner);
      await server.close();
    }
  });
});

describe("eval --batch flags", () => {
  const dir = tempDir();
  const dialogues = writeJsonlFile(dir, "sim.jsonl", waveDialogues);
  const judge = "openai-compatible:judge-model@http://127.0.0.1:9/v1";
  const cases: [string[], RegExp][] = [
    [
      ["eval", "wai", "--dialogues", dialogues, "--judge", judge, "--batch-dir", dir],
      /^psysim: --batch-dir and --poll-interval need --batch openai\|files$/,
    ],
    [
      ["eval", "topics", "--dialogues", dialogues, "--judge", judge, "--batch", "slurm"],
      /^psysim: --batch expects openai or files, got "slurm"$/,
    ],
    [
      [
        "eval",
        "wai",
        "--dialogues",
        dialogues,
        "--judge",
        judge,
        "--batch",
        "openai",
        "--no-cache",
      ],
      /^psysim: --batch openai keeps every answer in the call cache so a rerun never pays twice; drop --no-cache$/,
    ],
    [
      ["eval", "stages", "--dialogues", dialogues, "--batch", "openai"],
      /^psysim: --batch sends an LLM judge's calls as batches; the baseline judge \(baseline\) makes none/,
    ],
    [
      ["eval", "wai", "--dialogues", dialogues, "--judge", "baseline", "--batch", "files"],
      /^psysim: --batch sends an LLM judge's calls as batches; the baseline judge \(baseline\) makes none/,
    ],
    [
      ["compare", dialogues, dialogues, "--stages", "baseline", "--batch", "openai"],
      /^psysim: --batch sends an LLM judge's calls as batches; the baseline judge \(baseline\) makes none/,
    ],
  ];
  for (const [args, message] of cases)
    it(`refuses ${args.slice(1, 2).join(" ")} ${args.slice(-2).join(" ")} with one line, exit 2`, async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    });

  it("one process per batch folder: a second run is refused while the first holds it", async () => {
    const held = OutputLock.acquire(join(dir, "held.batches"), "eval wai")!;
    try {
      const r = await runCli([
        ...["eval", "wai", "--dialogues", dialogues, "--judge", judge, "--batch", "openai"],
        ...["--batch-dir", join(dir, "held.batches")],
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /held\.batches: psysim eval wai \(pid \d+, since .*\) is writing it/);
    } finally {
      held.release();
    }
  });

  it("the default batch folder is one per evaluation and shard", () => {
    assert.equal(
      defaultJudgeBatchDir({ dialogues: "runs/sim.jsonl" }, "wai"),
      "runs/sim.jsonl.wai.batches",
    );
    assert.equal(
      defaultJudgeBatchDir({ dialogues: "runs/sim.jsonl", shard: "3/8" }, "stages"),
      "runs/sim.jsonl.stages.shard-3-of-8.batches",
    );
  });

  it("--dry-run with --batch prices the batch and opens no batch folder", async () => {
    const r = await runCli([
      ...["eval", "wai", "--dialogues", dialogues, "--judge", "openai:gpt-4o-mini"],
      ...["--batch", "openai", "--dry-run"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /batch cost/);
    assert.ok(!existsSync(`${dialogues}.wai.batches`));
  });
});

describe("compare --batch", () => {
  it("judges both datasets through batches, each measure and dataset in its own waves, with the interactive result", async () => {
    const server = await startFakeOpenAIServer({ reply: waveJudgeReply });
    try {
      const dir = tempDir();
      const a = writeJsonlFile(dir, "a.jsonl", [waveDialogues[0], waveDialogues[2]]);
      const b = writeJsonlFile(dir, "b.jsonl", [waveDialogues[1], waveDialogues[3]]);
      const judge = `openai-compatible:judge-model@${server.url}`;
      const base = ["compare", a, b, "--wai", judge, "--stages", judge, "--safety", "baseline"];
      const base2 = [...base, "--wai-mode", "batched", "--rounds", "2"];
      const reference = join(dir, "interactive.json");
      const i = await runCli([...base2, "--json", reference]);
      assert.equal(i.code, 0, i.stderr);
      const chats = server.requests.filter((r) => r.path === "/v1/chat/completions").length;
      const out = join(dir, "wave.json");
      const w = await runCli([
        ...base2,
        "--json",
        out,
        "--batch",
        "openai",
        "--poll-interval",
        "1",
      ]);
      assert.equal(w.code, 0, w.stderr);
      assert.equal(
        server.requests.filter((r) => r.path === "/v1/chat/completions").length,
        chats,
        "no interactive call",
      );
      // WAI then stages, each over a then b: at least four first waves.
      assert.ok(server.batches.batches.length >= 4);
      assert.ok(existsSync(`${a}.compare.batches`), "the default batch folder sits beside <a>");
      const result = (file: string) => {
        const {
          created_at: _t,
          usage: _u,
          ...rest
        } = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        return rest;
      };
      assert.deepEqual(result(out), result(reference));
      assert.equal(w.stdout, i.stdout);
    } finally {
      await server.close();
    }
  });
});
