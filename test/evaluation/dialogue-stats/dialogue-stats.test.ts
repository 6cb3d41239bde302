import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  datasetStats,
  sessionStats,
  statsReport,
  turnCount,
  utteranceLength,
  formatStatsTable,
  statsByLanguage,
} from "../../../src/evaluation/index.js";
import { tempDir } from "../../helpers.js";
import { runCli } from "../../fixtures/run-cli.js";
import { dialogue, writeJsonlFile } from "../fixtures.js";

const zhA = dialogue(
  "a",
  "zh",
  [
    ["client", "你好"],
    ["counselor", "你好，请说。"],
    ["client", "我 很焦虑"],
    ["counselor", "嗯"],
  ],
  { ended_by: "termination_phrase" },
);
const zhB = dialogue(
  "b",
  "zh",
  [
    ["client", "你好"],
    ["counselor", "欢迎"],
  ],
  { ended_by: "max_turns" },
);
const enA = dialogue("e", "en", [
  ["client", "Hello"],
  ["counselor", "Hi, what brings you here today?"],
  ["client", "I can't sleep."],
  ["counselor", "Tell me more."],
]);

describe("dialogue statistics (Table 1)", () => {
  it("counts a turn as a client utterance answered by the counselor", () => {
    assert.equal(turnCount(zhA), 2);
    assert.equal(
      turnCount(
        dialogue("x", "zh", [
          ["counselor", "你好"],
          ["client", "嗯"],
          ["client", "还有"],
          ["counselor", "好"],
        ]),
      ),
      1,
    );
    assert.equal(turnCount(dialogue("y", "zh", [])), 0);
  });

  it("measures Chinese in characters without whitespace and English in words", () => {
    assert.equal(utteranceLength("我 很焦虑", "zh"), 4);
    assert.equal(
      utteranceLength("\u3000好𠮷\t呀\n", "zh"),
      3,
      "full-width space and tabs are whitespace; 𠮷 (outside the BMP) is one character",
    );
    assert.equal(utteranceLength("Hi, what brings you here today?", "en"), 6);
  });

  it("summarises a dataset, with every number checked by hand", () => {
    const stats = datasetStats([sessionStats(zhA), sessionStats(zhB)]);
    assert.deepEqual(stats, {
      sessions: 2,
      languages: { zh: 2 },
      length_unit: "characters",
      avg_turns: 1.5,
      turns: { min: 1, max: 2, median: 1.5 },
      client_utterances: 3,
      counselor_utterances: 3,
      avg_client_length: (2 + 4 + 2) / 3,
      avg_counselor_length: (6 + 1 + 2) / 3,
      endings: { termination_phrase: 1, max_turns: 1 },
    });
  });

  it("never averages Chinese characters and English words together", () => {
    const mixed = [sessionStats(zhA), sessionStats(enA)];
    const stats = datasetStats(mixed);
    assert.equal(stats.length_unit, "none: mixed languages, see by language");
    assert.deepEqual([stats.avg_client_length, stats.avg_counselor_length], [null, null]);
    assert.deepEqual(stats.endings, { termination_phrase: 1, unknown: 1 });
    const byLanguage = statsByLanguage(mixed);
    // By hand: zh client 你好 (2) + 我很焦虑 (4) → 3 characters; en client Hello (1) + I can't sleep (3) → 2 words.
    assert.deepEqual(
      [byLanguage.zh!.length_unit, byLanguage.zh!.avg_client_length, byLanguage.zh!.sessions],
      ["characters", 3, 1],
    );
    assert.deepEqual(
      [
        byLanguage.en!.length_unit,
        byLanguage.en!.avg_client_length,
        byLanguage.en!.avg_counselor_length,
      ],
      ["words", 2, (6 + 3) / 2],
    );
  });

  it("has no averages for an empty dataset rather than zeros", () => {
    const stats = datasetStats([]);
    assert.equal(stats.avg_turns, null);
    assert.equal(stats.avg_client_length, null);
    assert.match(
      formatStatsTable([{ name: "empty", stats, by_language: {} }]),
      /Avg\. turns per conversation\s+–/,
    );
  });

  it("reports two files side by side with hashes and per-session counts", async () => {
    const dir = tempDir();
    const a = writeJsonlFile(dir, "real.jsonl", [zhA, zhB]);
    const b = writeJsonlFile(dir, "sim.jsonl", [enA]);
    const result = await statsReport([a, b]);
    assert.deepEqual(
      result.aggregates.map((d) => [d.name, d.stats.sessions]),
      [
        ["real", 2],
        ["sim", 1],
      ],
    );
    assert.equal(result.inputs[0]!.sha256.length, 64);
    assert.deepEqual(
      result.sessions["sim"]!.map((s) => s.client_length),
      [1 + 3],
    );
    // One block per language, each with only the datasets that have sessions in it.
    const table = formatStatsTable(result.aggregates);
    const [zh, en] = table.split("\n\n");
    assert.match(zh!, /^Chinese \(zh\), lengths in characters\n\s+real$/m);
    assert.match(zh!, /Avg\. len\. of client utterances \(characters\)\s+2\.7$/m);
    assert.match(en!, /^English \(en\), lengths in words\n\s+sim$/m);
    assert.match(en!, /Avg\. len\. of client utterances \(words\)\s+2$/m);
    assert.equal(result.aggregates[1]!.by_language.zh, undefined);
  });
});

describe("psysim stats", () => {
  it("prints the table and writes the JSON result", async () => {
    const dir = tempDir();
    const file = writeJsonlFile(dir, "sim.jsonl", [zhA, zhB]);
    const out = join(dir, "stats.json");
    const r = await runCli(["stats", file, "--json", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /# Conversations\s+2/);
    const json = JSON.parse(readFileSync(out, "utf8")) as {
      kind: string;
      aggregates: { stats: { avg_turns: number } }[];
    };
    assert.equal(json.kind, "stats");
    assert.equal(json.aggregates[0]!.stats.avg_turns, 1.5);
  });

  it("names the file kind when given role cards instead of dialogues, in one line", async () => {
    const dir = tempDir();
    const file = writeJsonlFile(dir, "cards.jsonl", [{ id: "c1", chief_complaint: "我很焦虑" }]);
    const r = await runCli(["stats", file]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `psysim: ${file}:1: this looks like a role card, not a dialogue (did you swap --dialogues and --cards?)\n`,
    );
  });
});
