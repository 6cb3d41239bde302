import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import type { Battle } from "../../src/core/battle.js";
import type { Dialogue } from "../../src/core/dialogue.js";
import { exportBattles, type ExportBattlesOptions } from "../../src/export/index.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "../cards/run-psysim.js";
import { session, jsonlOf } from "./dialogue-fixtures.js";
import { readLlamaFactoryDataset, readOpenAiPreference } from "./target-format-readers.js";

/** history_ref as the arena defines it (sorted-key JSON of role and content), recomputed here by hand. */
function ref(turns: Dialogue["turns"]): string {
  return createHash("sha256")
    .update(JSON.stringify(turns.map((t) => ({ content: t.content, role: t.role }))))
    .digest("hex");
}

/** A battle at 1-based counselor turn `turn` of `dialogue` (Algorithm 2): the history is every turn before it. */
function battle(
  dialogue: Dialogue,
  turn: number,
  winner: Battle["winner"],
  extra: Partial<Battle> = {},
): Battle {
  return {
    schema: "psysim.battle/1",
    id: `${dialogue.id}/turn-${turn}`,
    dialogue_id: dialogue.id,
    turn,
    history_ref: ref(dialogue.turns.slice(0, 2 * turn - 1)),
    model_a: "alpha",
    model_b: "beta",
    response_a: `A${turn}`,
    response_b: `B${turn}`,
    winner,
    judge: "llm:judge:prompt2",
    ts: "2025-01-01T00:00:00Z",
    ...extra,
  };
}

const fixed = { label: "file:test", forLanguage: () => "SYS" };

function options(
  input: string,
  dialogues: string,
  outDir: string,
  extra: Partial<ExportBattlesOptions> = {},
): ExportBattlesOptions {
  return {
    format: "dpo",
    input,
    dialogues: [dialogues],
    outDir,
    systemPrompt: fixed,
    valRatio: 0,
    seed: 1,
    name: "psysim_dpo",
    dropFlagged: false,
    ...extra,
  };
}

describe("exportBattles (DPO)", () => {
  it("turns decided battles into (history, chosen, rejected) pairs in LLaMA-Factory's ranking format and plain JSONL", async () => {
    const dir = tempDir();
    const d = session("arena-1", 3);
    const dialogues = writeTemp(dir, "dialogues.jsonl", jsonlOf([d]));
    const battles = [
      battle(d, 1, "a"),
      battle(d, 2, "b"),
      battle(d, 3, "tie"),
      battle(d, 3, "both_bad", { id: "x" }),
      battle(d, 3, null, { id: "y" }),
    ];
    const input = writeTemp(dir, "battles.jsonl", jsonlOf(battles));
    const out = join(dir, "dpo");
    const report = await exportBattles(options(input, dialogues, out));

    const read = readLlamaFactoryDataset(out, "psysim_dpo_train");
    assert.deepEqual(read, [
      {
        system: "SYS",
        messages: [{ role: "user", content: "你好" }],
        chosen: "A1",
        rejected: "B1",
      },
      {
        system: "SYS",
        messages: [
          { role: "user", content: "你好" },
          { role: "assistant", content: "arena-1 counselor 1" },
          { role: "user", content: "arena-1 client 2" },
        ],
        chosen: "B2",
        rejected: "A2",
      },
    ]);
    const info = JSON.parse(readFileSync(join(out, "dataset_info.json"), "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(info.psysim_dpo_train!.ranking, true);
    const plain = readFileSync(join(out, "psysim_dpo_pairs.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(plain[1], {
      battle_id: "arena-1/turn-2",
      dialogue_id: "arena-1",
      turn: 2,
      split: "train",
      system: "SYS",
      history: [
        { role: "user", content: "你好" },
        { role: "assistant", content: "arena-1 counselor 1" },
        { role: "user", content: "arena-1 client 2" },
      ],
      chosen: "B2",
      rejected: "A2",
      chosen_model: "beta",
      rejected_model: "alpha",
      judge: "llm:judge:prompt2",
    });
    assert.deepEqual(report.samples, {
      train: 2,
      validation: 0,
      duplicates_removed: 0,
      flagged_removed: 0,
      excluded: { tie: 1, both_bad: 1, unparsed: 1 },
    });
    assert.deepEqual(readdirSync(out).sort(), [
      "dataset_info.json",
      "psysim_dpo_hygiene.json",
      "psysim_dpo_pairs.jsonl",
      "psysim_dpo_train.jsonl",
    ]);
  });

  it("writes OpenAI's preference format, leaving out ties, both-bad and identical candidates and counting them", async () => {
    const dir = tempDir();
    const d = session("arena-1", 3, "en");
    const dialogues = writeTemp(dir, "dialogues.jsonl", jsonlOf([d]));
    const battles = [
      battle(d, 1, "a"),
      battle(d, 2, "b"),
      battle(d, 3, "tie"),
      battle(d, 3, "both_bad", { id: "x" }),
      battle(d, 3, "a", { id: "same", response_a: "Same", response_b: "Same" }),
    ];
    const input = writeTemp(dir, "battles.jsonl", jsonlOf(battles));
    const out = join(dir, "openai");
    const report = await exportBattles(options(input, dialogues, out, { format: "openai-dpo" }));
    assert.deepEqual(readOpenAiPreference(join(out, "psysim_dpo_train.jsonl")), [
      {
        system: "SYS",
        messages: [{ role: "user", content: "Hello" }],
        chosen: "A1",
        rejected: "B1",
      },
      {
        system: "SYS",
        messages: [
          { role: "user", content: "Hello" },
          { role: "assistant", content: "arena-1 counselor 1" },
          { role: "user", content: "arena-1 client 2" },
        ],
        chosen: "B2",
        rejected: "A2",
      },
    ]);
    assert.deepEqual(report.samples.excluded, { tie: 1, both_bad: 1, "identical-responses": 1 });
    assert.equal(report.format, "openai-dpo");
    // No dataset_info.json: that is LLaMA-Factory's, and these records are not in its ranking shape.
    assert.deepEqual(readdirSync(out).sort(), [
      "psysim_dpo_hygiene.json",
      "psysim_dpo_pairs.jsonl",
      "psysim_dpo_train.jsonl",
    ]);
  });

  it("drops battles whose history cannot be found or does not match, and leaves out contradicting and duplicate verdicts", async () => {
    const dir = tempDir();
    const d = session("s", 2);
    const other = session("o", 1);
    const dialogues = writeTemp(dir, "dialogues.jsonl", jsonlOf([d, other]));
    const battles = [
      battle(d, 1, "a"),
      battle(d, 1, "a", { id: "human-repeat", judge: "human:ann1" }), // same pair, same verdict: a duplicate
      battle(d, 2, "a"),
      battle(d, 2, "b", { id: "flip" }), // the same pair judged the other way: contradictory
      battle(d, 5, "a", { id: "far" }),
      battle(d, 1, "a", { id: "stale", history_ref: "0".repeat(64) }),
      battle({ ...d, id: "missing" }, 1, "a", { id: "lost" }),
      battle(other, 1, "b", { id: "same", response_a: "x", response_b: "x " }),
      battle(d, 1, "a"),
    ];
    const input = writeTemp(dir, "battles.jsonl", jsonlOf(battles));
    const report = await exportBattles(options(input, dialogues, join(dir, "out")));
    assert.deepEqual(
      report.records.dropped_records.map((r) => r.message),
      [
        `${input}:5: turn: dialogue "s" has no counselor turn 5`,
        `${input}:6: history_ref: does not match the turns of dialogue "s" before turn 1; the dialogue file is not the one this battle was judged on`,
        `${input}:7: dialogue_id: dialogue "missing" is not in ${dialogues}`,
        `${input}:9: id: duplicate battle id "s/turn-1" (first on line 1)`,
      ],
    );
    assert.deepEqual(report.samples, {
      train: 1,
      validation: 0,
      duplicates_removed: 1,
      flagged_removed: 0,
      excluded: { "identical-responses": 1, contradictory: 2 },
    });
    assert.deepEqual(report.records, { ...report.records, read: 9, used: 4, dropped: 4 });
  });

  it("splits pairs by dialogue and exports from the CLI, refusing a battle file without its dialogues", async () => {
    const dir = tempDir();
    const sessions = Array.from({ length: 10 }, (_, i) => session(`d${i}`, 2));
    const dialogues = writeTemp(dir, "dialogues.jsonl", jsonlOf(sessions));
    const input = writeTemp(
      dir,
      "battles.jsonl",
      jsonlOf(
        sessions.flatMap((s) =>
          [1, 2].map((t) =>
            battle(s, t, t === 1 ? "a" : "b", { response_a: `${s.id} A`, response_b: `${s.id} B` }),
          ),
        ),
      ),
    );
    const out = join(dir, "dpo");
    const [ok, missing, openai] = await Promise.all([
      runPsysim([
        "export",
        input,
        "--format",
        "dpo",
        "--dialogues",
        dialogues,
        "--out",
        out,
        "--val-ratio",
        "0.2",
        "--system-prompt",
        "none",
      ]),
      runPsysim(["export", input, "--format", "dpo", "--out", join(dir, "nope")]),
      runPsysim([
        "export",
        input,
        "--format",
        "openai-dpo",
        "--dialogues",
        dialogues,
        "--out",
        join(dir, "openai"),
        "--val-ratio",
        "0.2",
      ]),
    ]);
    assert.equal(openai.code, 0, openai.stderr);
    assert.deepEqual(
      ["psysim_dpo_train.jsonl", "psysim_dpo_val.jsonl"].map(
        (f) => readOpenAiPreference(join(dir, "openai", f)).length,
      ),
      [16, 4],
    );
    assert.equal(ok.code, 0, ok.stderr);
    const train = readLlamaFactoryDataset(out, "psysim_dpo_train");
    const val = readLlamaFactoryDataset(out, "psysim_dpo_val");
    assert.deepEqual([train.length, val.length], [16, 4]);
    const sessionOf = (c: { chosen?: string }) => c.chosen!.split(" ")[0];
    const valSessions = new Set(val.map(sessionOf));
    assert.equal(valSessions.size, 2);
    assert.ok(train.every((c) => !valSessions.has(sessionOf(c))));
    assert.ok(train.every((c) => c.system === ""));
    assert.deepEqual(missing, {
      code: 2,
      stdout: "",
      stderr:
        "psysim: --format dpo needs --dialogues <file...>: the arena dialogues whose turns are the battles' history\n",
    });
  });
});
