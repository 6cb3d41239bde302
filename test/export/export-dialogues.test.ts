import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  detectExportInput,
  exportDialogues,
  systemPromptChoice,
  type ExportDialoguesOptions,
  type ExportReport,
} from "../../src/export/index.js";
import { ResponseValidator } from "../../src/simulation/response-validator.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "../cards/run-psysim.js";
import { session, jsonlOf } from "./dialogue-fixtures.js";
import { readLlamaFactoryDataset, readOpenAiChat } from "./target-format-readers.js";

const fixed = (text: string) => ({ label: "file:test", forLanguage: () => text });
const sigma = (reply: string, language: "zh" | "en") =>
  new ResponseValidator(language).check(reply).reasons;

function options(
  input: string,
  outDir: string,
  extra: Partial<ExportDialoguesOptions> = {},
): ExportDialoguesOptions {
  return {
    input,
    outDir,
    format: "llamafactory",
    samples: "per-turn",
    systemPrompt: fixed("SYS"),
    valRatio: 0.1,
    seed: 3,
    name: "psysim",
    backbone: "Qwen/Qwen2-7B-Instruct",
    precision: "bf16",
    dropFlagged: false,
    ...extra,
  };
}

/** The sessions each exported conversation came from, recovered from its text alone. */
function sessionsIn(conversations: { messages: { content: string }[] }[]): Set<string> {
  return new Set(conversations.map((c) => c.messages.at(-1)!.content.split(" ")[0]!));
}

describe("exportDialogues to LLaMA-Factory", () => {
  it("writes sharegpt data LLaMA-Factory can load, split by whole sessions, with a dataset_info entry and a training YAML", async () => {
    const dir = tempDir();
    const sessions = Array.from({ length: 20 }, (_, i) => session(`d${i}`, 1 + (i % 4)));
    const input = writeTemp(dir, "dialogues.jsonl", jsonlOf(sessions));
    const out = join(dir, "out");
    const report = await exportDialogues(options(input, out));

    const train = readLlamaFactoryDataset(out, "psysim_train");
    const val = readLlamaFactoryDataset(out, "psysim_val");
    const totalTurns = sessions.reduce((n, s) => n + s.turns.length / 2, 0);
    // Every session's first sample is ["你好", "<id> counselor 1"]: distinct, so nothing is deduplicated.
    assert.equal(train.length + val.length, totalTurns);
    assert.ok(train.every((c) => c.system === "SYS") && val.every((c) => c.system === "SYS"));
    // No context from another session: every line but the shared greeting names the target's own session.
    for (const c of [...train, ...val]) {
      const own = c.messages.at(-1)!.content.split(" ")[0]!;
      assert.ok(
        c.messages.slice(1).every((m) => m.content.startsWith(`${own} `)),
        JSON.stringify(c.messages),
      );
    }
    const trainSessions = sessionsIn(train);
    const valSessions = sessionsIn(val);
    assert.equal(valSessions.size, 2); // ceil(0.1 × 20)
    assert.deepEqual(
      [...valSessions].filter((s) => trainSessions.has(s)),
      [],
    );
    // Each validation session contributes all its samples.
    for (const id of valSessions)
      assert.equal(
        val.filter((c) => c.messages.at(-1)!.content.startsWith(`${id} `)).length,
        sessions.find((s) => s.id === id)!.turns.length / 2,
      );

    const yaml = parseYaml(readFileSync(join(out, "psysim_sft.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    // The paper's batch: 1 per device × 2 accumulation steps × 4 GPUs, two epochs; about 10 evaluations.
    const steps = Math.ceil(Math.ceil(train.length / 4) / 2) * 2;
    const every = Math.round(steps / 10);
    assert.deepEqual(
      { ...yaml, dataset_dir: "<out>" },
      {
        model_name_or_path: "Qwen/Qwen2-7B-Instruct",
        stage: "sft",
        do_train: true,
        finetuning_type: "full",
        dataset_dir: "<out>",
        dataset: "psysim_train",
        template: "qwen",
        cutoff_len: 1024,
        eval_dataset: "psysim_val",
        mask_history: true,
        overwrite_cache: true,
        output_dir: "saves/Qwen_Qwen2-7B-Instruct/full/sft",
        logging_steps: 10,
        save_steps: every,
        plot_loss: true,
        overwrite_output_dir: true,
        report_to: "none",
        per_device_train_batch_size: 1,
        gradient_accumulation_steps: 2,
        learning_rate: 1e-5,
        num_train_epochs: 2,
        lr_scheduler_type: "cosine",
        bf16: true,
        per_device_eval_batch_size: 1,
        eval_strategy: "steps",
        eval_steps: every,
      },
    );
    assert.ok(every >= 1 && steps / every >= 8 && steps / every <= 12, `${steps} / ${every}`);
    assert.equal(yaml.dataset_dir, out);
    // PyYAML (LLaMA-Factory's loader) reads 1e-5 without a dot as a string.
    assert.match(readFileSync(join(out, "psysim_sft.yaml"), "utf8"), /^learning_rate: 1\.0e-5$/m);

    const written = JSON.parse(
      readFileSync(join(out, "psysim_hygiene.json"), "utf8"),
    ) as ExportReport;
    assert.deepEqual(written, report);
    assert.deepEqual(report.records, {
      read: 20,
      used: 20,
      train: 18,
      validation: 2,
      dropped: 0,
      dropped_by_reason: {},
      dropped_records: [],
      trimmed: 0,
      trimmed_records: [],
      baseline: 0,
    });
    assert.deepEqual(report.samples, {
      train: train.length,
      validation: val.length,
      duplicates_removed: 0,
      flagged_removed: 0,
    });
    assert.deepEqual(readdirSync(out).sort(), [
      "dataset_info.json",
      "psysim_hygiene.json",
      "psysim_sft.yaml",
      "psysim_train.jsonl",
      "psysim_val.jsonl",
    ]);
    assert.deepEqual(readdirSync(dir).sort(), ["dialogues.jsonl", "out"]);
  });

  it("skips and reports broken sessions, trims one ending on a client turn, removes duplicate samples and flags suspicious replies", async () => {
    const dir = tempDir();
    const good = session("g", 2);
    const twin = session("twin", 1);
    twin.turns[1]!.content = "g counselor 1"; // the same opening exchange as g: a duplicate sample
    const timeUp = session("t", 1);
    timeUp.turns[1]!.content = "今天的时间到了，我们下次再聊。";
    const long = session("l", 1);
    long.turns[1]!.content = "好".repeat(201);
    const endsOnClient = { ...session("c", 2), turns: session("c", 2).turns.slice(0, 3) };
    const input = writeTemp(
      dir,
      "d.jsonl",
      jsonlOf([good, endsOnClient, twin, timeUp, long, good]),
    );
    const report = await exportDialogues(
      options(input, join(dir, "out"), { valRatio: 0, checkReply: sigma }),
    );
    assert.deepEqual(report.records.trimmed_records, [
      {
        line: 2,
        id: "c",
        message: `${input}:2: turns.2: ends on a client turn; trimmed to its last counselor reply`,
      },
    ]);
    assert.deepEqual(report.records.dropped_records, [
      {
        line: 6,
        id: "g",
        reason: "duplicate-id",
        message: `${input}:6: id: duplicate dialogue id "g" (first on line 1)`,
      },
    ]);
    assert.deepEqual(report.samples, {
      train: 5,
      validation: 0,
      duplicates_removed: 1,
      flagged_removed: 0,
    });
    assert.deepEqual(
      readLlamaFactoryDataset(join(dir, "out"), "psysim_train")[2]!.messages.map((m) => m.content),
      ["你好", "c counselor 1"],
    );
    assert.deepEqual(report.flags.by_flag, { "anomaly:session-time-up": 1, "sigma:too_long": 1 });
    assert.deepEqual(
      report.flags.examples.map((e) => [e.sample, e.flags]),
      [
        ["t#1", ["anomaly:session-time-up (时间到了)"]],
        ["l#1", ["sigma:too_long"]],
      ],
    );
    assert.equal(existsSync(join(dir, "out", "psysim_val.jsonl")), false);
    assert.equal(
      readFileSync(join(dir, "out", "psysim_sft.yaml"), "utf8").includes("eval_dataset"),
      false,
    );

    const dropped = await exportDialogues(
      options(input, join(dir, "out2"), { valRatio: 0, checkReply: sigma, dropFlagged: true }),
    );
    assert.deepEqual(dropped.samples, {
      train: 3,
      validation: 0,
      duplicates_removed: 1,
      flagged_removed: 2,
    });
  });

  it("writes OpenAI chat fine-tuning JSONL where only the last counselor reply is trained", async () => {
    const dir = tempDir();
    const input = writeTemp(
      dir,
      "d.jsonl",
      jsonlOf([session("a", 3, "en"), session("b", 2, "en")]),
    );
    const out = join(dir, "openai");
    await exportDialogues(
      options(input, out, {
        format: "openai",
        valRatio: 0,
        systemPrompt: systemPromptChoice("none"),
      }),
    );
    const read = readOpenAiChat(join(out, "psysim_train.jsonl"));
    assert.equal(read.length, 5);
    for (const c of read) {
      assert.equal(c.system, "");
      assert.deepEqual(c.trained, [c.messages.length - 1]);
    }
    assert.deepEqual(
      read[2]!.messages.map((m) => m.content),
      ["Hello", "a counselor 1", "a client 2", "a counselor 2", "a client 3", "a counselor 3"],
    );
    assert.deepEqual(readdirSync(out).sort(), ["psysim_hygiene.json", "psysim_train.jsonl"]);
  });

  it("writes alpaca records whose history LLaMA-Factory rebuilds into the same conversation", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf([session("a", 3)]));
    await exportDialogues(
      options(input, join(dir, "alpaca"), { format: "alpaca", valRatio: 0, maxHistory: 1 }),
    );
    const read = readLlamaFactoryDataset(join(dir, "alpaca"), "psysim_train");
    assert.deepEqual(
      read.map((c) => c.messages.map((m) => `${m.role}:${m.content}`)),
      [
        ["user:你好", "assistant:a counselor 1"],
        ["user:你好", "assistant:a counselor 1", "user:a client 2", "assistant:a counselor 2"],
        [
          "user:a client 2",
          "assistant:a counselor 2",
          "user:a client 3",
          "assistant:a counselor 3",
        ],
      ],
    );
  });

  it("adds its entries to an existing dataset_info.json and leaves a broken one, and the folder, untouched", async () => {
    const dir = tempDir();
    const input = writeTemp(dir, "d.jsonl", jsonlOf([session("a", 1), session("b", 1)]));
    const out = join(dir, "data");
    mkdirSync(out);
    writeFileSync(
      join(out, "dataset_info.json"),
      JSON.stringify({ alpaca_en_demo: { file_name: "alpaca_en_demo.json" } }),
    );
    await exportDialogues(options(input, out, { valRatio: 0 }));
    const info = JSON.parse(readFileSync(join(out, "dataset_info.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(info), ["alpaca_en_demo", "psysim_train"]);

    const broken = join(dir, "broken");
    mkdirSync(broken);
    writeFileSync(join(broken, "dataset_info.json"), "{ not json");
    await assert.rejects(
      exportDialogues(options(input, broken)),
      /broken\/dataset_info\.json: not valid JSON/,
    );
    assert.deepEqual(readdirSync(broken), ["dataset_info.json"]);
    assert.equal(readFileSync(join(broken, "dataset_info.json"), "utf8"), "{ not json");
    assert.deepEqual(readdirSync(dir).sort(), ["broken", "d.jsonl", "data"]);
  });

  it("re-exporting into the same folder replaces its files and removes a validation set that no longer exists", async () => {
    const dir = tempDir();
    const input = writeTemp(
      dir,
      "d.jsonl",
      jsonlOf(Array.from({ length: 4 }, (_, i) => session(`s${i}`, 1))),
    );
    const out = join(dir, "out");
    await exportDialogues(options(input, out, { valRatio: 0.5 }));
    assert.ok(existsSync(join(out, "psysim_val.jsonl")));
    await exportDialogues(options(input, out, { valRatio: 0 }));
    assert.deepEqual(readdirSync(out).sort(), [
      "dataset_info.json",
      "psysim_hygiene.json",
      "psysim_sft.yaml",
      "psysim_train.jsonl",
    ]);
    assert.deepEqual(
      Object.keys(JSON.parse(readFileSync(join(out, "dataset_info.json"), "utf8")) as object),
      ["psysim_train"],
    );
    assert.equal(readLlamaFactoryDataset(out, "psysim_train").length, 4);
  });

  it("fails without writing anything when no session can be used", async () => {
    const dir = tempDir();
    const input = writeTemp(
      dir,
      "d.jsonl",
      jsonlOf([{ ...session("a", 1), ended_by: "error", error: "quota" }]),
    );
    await assert.rejects(
      exportDialogues(options(input, join(dir, "out"))),
      /none of the 1 sessions can be exported; first problem: .*d\.jsonl:1: ended_by: the session ended with an error \(quota\)/,
    );
    assert.deepEqual(readdirSync(dir), ["d.jsonl"]);
  });
});

describe("psysim export (CLI)", () => {
  it("exports with the paper's counselor prompt in each session's language and prints the hygiene summary", async () => {
    const dir = tempDir();
    const input = writeTemp(
      dir,
      "d.jsonl",
      jsonlOf([
        { ...session("zh1", 2, "zh"), meta: { baseline: true } },
        session("en1", 1, "en"),
        { ...session("cut", 2), turns: session("cut", 2).turns.slice(0, 3) },
        { ...session("bad", 1), turns: session("bad", 1).turns.slice(0, 1) },
      ]),
    );
    const out = join(dir, "sft");
    const result = await runPsysim([
      "export",
      input,
      "--format",
      "llamafactory",
      "--out",
      out,
      "--val-ratio",
      "0",
      "--backbone",
      "deepseek-ai/deepseek-llm-7b-chat",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      `${input}:4: turns: the session has no counselor reply to train on (skipped)\n`,
    );
    assert.match(
      result.stdout,
      /^sessions: 4 read, 3 used \(3 train, 0 validation\), 1 trimmed to their last counselor reply \(ended on a client turn\), 1 dropped \(no-counselor-reply 1\)\nnote: 1 of the used sessions come from psysim's rule-based baseline agents — fine for testing the pipeline, not for training a counselor\nsamples: 4 train, 0 validation; 0 duplicates removed\ntrained targets: 4 train, 0 validation counselor replies \(per-turn samples; earlier replies in a sample are context only\)\nlayout cost per epoch \(approximate, before duplicate and flag removal\): per-turn 4 samples, 4 targets, \d+ tokens; per-session 3 samples, 4 targets, \d+ tokens\ntraining YAML: about 2 optimizer steps on 4 GPU\(s\), eval every 1, save every 1\n/,
    );
    const train = readLlamaFactoryDataset(out, "psysim_train");
    assert.match(train[0]!.system, /小天/);
    assert.match(train[2]!.system, /Xiaotian/);
    assert.match(readFileSync(join(out, "psysim_sft.yaml"), "utf8"), /^template: deepseek$/m);
  });

  it("rejects bad input with one line and a non-zero exit, writing nothing", async () => {
    const dir = tempDir();
    const dialogues = writeTemp(dir, "d.jsonl", jsonlOf([session("a", 1)]) + "{oops\n");
    const battles = writeTemp(dir, "b.jsonl", jsonlOf([{ schema: "psysim.battle/1", id: "x" }]));
    const runs = await Promise.all([
      runPsysim(["export", dialogues, "--format", "openai", "--out", join(dir, "o1")]),
      runPsysim([
        "export",
        dialogues,
        "--format",
        "dpo",
        "--out",
        join(dir, "o2"),
        "--val-ratio",
        "1.5",
      ]),
      runPsysim([
        "export",
        battles,
        "--format",
        "sharegpt",
        "--out",
        join(dir, "o3"),
        "--system-prompt",
        join(dir, "missing.txt"),
      ]),
    ]);
    assert.deepEqual(
      runs.map((r) => [r.code, r.stdout, r.stderr.split("\n").length]),
      // A bad file fails (1); a bad flag value is a usage error (2).
      [
        [1, "", 2],
        [2, "", 2],
        [1, "", 2],
      ],
    );
    assert.match(runs[0]!.stderr, new RegExp(`^psysim: ${dialogues}:2: not valid JSON`));
    // Options are checked before the input is read.
    assert.equal(
      runs[1]!.stderr,
      `psysim: --val-ratio expects a number from 0 up to (not including) 1, got "1.5"\n`,
    );
    assert.equal(
      runs[2]!.stderr,
      `psysim: ${battles} holds arena battles; export them with --format dpo or openai-dpo --dialogues <arena dialogues>\n`,
    );
    assert.deepEqual(readdirSync(dir).sort(), ["b.jsonl", "d.jsonl"]);
    assert.throws(() => systemPromptChoice(join(dir, "missing.txt")), {
      message: `--system-prompt: ${join(dir, "missing.txt")}: no such file (use paper, none, or a text file)`,
    });
    assert.deepEqual(
      [await detectExportInput(dialogues), await detectExportInput(battles)],
      ["dialogues", "battles"],
    );
  });
});
