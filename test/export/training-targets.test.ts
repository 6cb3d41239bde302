import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  exportDialogues,
  systemPromptChoice,
  type ExportDialoguesOptions,
  type SampleMode,
  type SftFormat,
} from "../../src/export/index.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "../cards/run-psysim.js";
import { session, jsonlOf } from "./dialogue-fixtures.js";
import { llamaFactoryTraining, readOpenAiChat } from "./target-format-readers.js";

function options(
  input: string,
  outDir: string,
  extra: Partial<ExportDialoguesOptions>,
): ExportDialoguesOptions {
  return {
    input,
    outDir,
    format: "llamafactory",
    samples: "per-turn",
    systemPrompt: { label: "file:test", forLanguage: () => "SYS" },
    valRatio: 0.2,
    seed: 5,
    name: "psysim",
    backbone: "Qwen/Qwen2-7B-Instruct",
    precision: "bf16",
    dropFlagged: false,
    ...extra,
  };
}

/** Six sessions of 1–6 exchanges, one of them ending on an unanswered client turn. */
function sessions() {
  const list = Array.from({ length: 6 }, (_, i) => session(`s${i}`, i + 1));
  list[3]!.turns.push({ role: "client", content: "s3 client unanswered" });
  return list;
}

const counselorReplies = () =>
  sessions()
    .flatMap((s) => s.turns.filter((t) => t.role === "counselor").map((t) => t.content))
    .sort();

/** The counselor replies each consumer trains, read back by its own rules (target-format-readers.ts). */
function trainedReplies(format: SftFormat, out: string): string[] {
  if (format === "openai")
    return ["psysim_train.jsonl", "psysim_val.jsonl"].flatMap((f) =>
      readOpenAiChat(join(out, f)).flatMap((c) => c.trainedReplies),
    );
  const yaml = join(out, format === "llamafactory" ? "psysim_sft.yaml" : "psysim_data_args.yaml");
  return ["psysim_train", "psysim_val"].flatMap((name) =>
    llamaFactoryTraining(out, name, yaml, "qwen").flatMap((c) => c.trained),
  );
}

describe("trained targets are what --samples chose, in every consumer", () => {
  for (const format of ["llamafactory", "sharegpt", "alpaca", "openai"] as const)
    for (const samples of ["per-turn", "per-session"] as const)
      it(`${format}, ${samples}: every counselor reply is trained exactly once, as the report counts`, async () => {
        const dir = tempDir();
        const input = writeTemp(dir, "d.jsonl", jsonlOf(sessions()));
        const out = join(dir, "out");
        const report = await exportDialogues(options(input, out, { format, samples }));
        const trained = trainedReplies(format, out);
        assert.deepEqual(trained.sort(), counselorReplies());
        assert.equal(report.training!.targets.train + report.training!.targets.validation, 21);
        assert.equal(
          report.samples.train + report.samples.validation,
          samples === "per-turn" ? 21 : 6,
        );
        // The cost printed for the chosen layout is what was written (nothing was deduplicated here).
        assert.equal(
          report.tokens_approx.train + report.tokens_approx.validation,
          report.training!.cost[samples].tokens,
        );
        assert.equal(report.records.trimmed, 1);
      });

  it("per-session costs a fraction of per-turn's tokens for the same targets", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf(sessions()));
    const report = await exportDialogues(options(input, join(dir, "out"), { valRatio: 0 }));
    const { cost } = report.training!;
    assert.equal(cost["per-turn"].targets, cost["per-session"].targets);
    // Per-turn re-reads every turn (and the system prompt) in each later sample of its session; per-session reads each once.
    assert.ok(cost["per-turn"].tokens > 2 * cost["per-session"].tokens, JSON.stringify(cost));
  });

  it("the readers see the failure the masking prevents: per-turn sharegpt without mask_history trains earlier replies again", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf(sessions()));
    const out = join(dir, "out");
    await exportDialogues(options(input, out, { format: "sharegpt", valRatio: 0 }));
    const yaml = join(out, "psysim_data_args.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^mask_history: true$/m, ""));
    const trained = llamaFactoryTraining(out, "psysim_train", yaml, "qwen").flatMap(
      (c) => c.trained,
    );
    // 1+2+…+6 samples' replies: session k trains k(k+1)/2 replies instead of k.
    assert.equal(trained.length, 1 + 3 + 6 + 10 + 15 + 21);
  });

  it("--system-prompt none trains with no system text, though the qwen template has a default one", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf(sessions()));
    const out = join(dir, "out");
    await exportDialogues(
      options(input, out, { valRatio: 0, systemPrompt: systemPromptChoice("none") }),
    );
    const yaml = join(out, "psysim_sft.yaml");
    assert.match(readFileSync(yaml, "utf8"), /^default_system: ""$/m);
    assert.ok(llamaFactoryTraining(out, "psysim_train", yaml).every((c) => c.system === ""));
    // Without the override LLaMA-Factory would fill in the template's own prompt.
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^default_system: ""$/m, ""));
    assert.match(llamaFactoryTraining(out, "psysim_train", yaml)[0]!.system, /You are Qwen/);
  });

  it("refuses --max-history with per-session samples, which carry their whole session", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf(sessions()));
    await assert.rejects(
      exportDialogues(options(input, join(dir, "out"), { samples: "per-session", maxHistory: 2 })),
      /--max-history shortens per-turn samples/,
    );
  });

  it("warns in one line that alpaca cannot mark history replies, and exports anyway", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf(sessions()));
    const runs = await Promise.all(
      (["per-turn", "per-session"] satisfies SampleMode[]).map((samples) =>
        runPsysim([
          "export",
          input,
          "--format",
          "alpaca",
          "--samples",
          samples,
          "--out",
          join(dir, samples),
        ]),
      ),
    );
    assert.deepEqual(
      runs.map((r) => [r.code, r.stderr.split("\n").length]),
      [
        [0, 2],
        [0, 2],
      ],
    );
    assert.match(
      runs[0]!.stderr,
      /^warning: alpaca records cannot mark their history replies as context only: .*mask_history: true in psysim_data_args\.yaml/,
    );
    assert.match(
      runs[1]!.stderr,
      /^warning: alpaca records cannot mark their history replies as targets: .*mask_history: false/,
    );
  });
});

describe("--drop-flagged with per-session samples", () => {
  it("ends a session sample before its first flagged reply and counts every reply cut", async () => {
    const dir = tempDir();
    const s = session("s", 4, "en");
    s.turns[3]!.content = "Our time is up for today."; // reply 2 of 4: a baseline anomaly flag
    const input = writeTemp(dir, "d.jsonl", jsonlOf([s, session("t", 2, "en")]));
    const out = join(dir, "out");
    const report = await exportDialogues(
      options(input, out, {
        format: "openai",
        samples: "per-session",
        valRatio: 0,
        dropFlagged: true,
      }),
    );
    const read = readOpenAiChat(join(out, "psysim_train.jsonl"));
    assert.deepEqual(
      read.map((c) => c.trainedReplies),
      [["s counselor 1"], ["t counselor 1", "t counselor 2"]],
    );
    assert.equal(report.samples.flagged_removed, 3);
    assert.deepEqual(report.training!.targets, { train: 3, validation: 0 });
    assert.deepEqual(report.flags.by_flag, { "anomaly:session-time-up": 1 });
  });
});
