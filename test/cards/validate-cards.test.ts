import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { validateCardsFile, summarisePool, formatPoolSummary } from "../../src/cards/index.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "./run-psysim.js";

const full = {
  id: "c1",
  language: "zh",
  gender: "女",
  age: 20,
  education: "本科在读",
  occupation: "学生",
  marital_status: "单身",
  family_relationships: "与母亲关系紧张",
  big_five: {
    openness: "中等偏低",
    conscientiousness: "中等",
    extraversion: "中等偏低",
    agreeableness: "中等偏高",
    neuroticism: "高",
  },
  resistance: "中等",
  chief_complaint: "总是渴望他人认可，总是拖延，怎么办？",
};
const lines = (records: unknown[]) =>
  records
    .map((r) => (typeof r === "string" && r.startsWith("!") ? r.slice(1) : JSON.stringify(r)))
    .join("\n") + "\n";

describe("cards validate", () => {
  it("summarises a good pool: count, languages, full vs post-only", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "pool.jsonl",
      lines([
        full,
        { ...full, id: "c2" },
        "I feel lonely at university.",
        { id: "p2", chief_complaint: "考研失败，很迷茫" },
      ]),
    );
    const result = await validateCardsFile(file);
    assert.ok(result.ok);
    assert.deepEqual(result.summary, {
      cards: 4,
      languages: { zh: 3, en: 1 },
      full: 2,
      postOnly: 2,
    });
    assert.equal(
      formatPoolSummary("pool.jsonl", result.summary),
      "pool.jsonl: 4 cards (zh 3, en 1; 2 full, 2 post-only)",
    );
    assert.deepEqual(summarisePool([]), {
      cards: 0,
      languages: { zh: 0, en: 0 },
      full: 0,
      postOnly: 0,
    });
  });

  it("lists every problem of every record, broken JSON lines and duplicate ids included, in line order", async () => {
    const dir = tempDir();
    const { big_five: _b, resistance: _r, ...half } = { ...full, id: "c2" };
    const file = writeTemp(
      dir,
      "bad.jsonl",
      lines([
        full,
        "!{not json",
        half,
        { ...full, big_five: { ...full.big_five, openness: " " } },
        { ...full, id: "c4", style: "shouty", extra: 1 },
        { ...full, id: "c5", schema: "psysim.rolecard/9" },
      ]),
    );
    const result = await validateCardsFile(file);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const missing =
      "missing; a full card needs all nine fields of Figure 8 (keep only chief_complaint for a post-only card)";
    assert.deepEqual(
      result.problems.map((p) => [p.line, p.field, p.reason]),
      [
        [2, "", result.problems[0]!.reason],
        [3, "big_five", missing],
        [3, "resistance", missing],
        [4, "big_five.openness", "must not be empty"],
        [
          5,
          "style",
          'Invalid option: expected one of "plain"|"upset"|"verbose"|"reserved"|"tangent"|"pleasing"',
        ],
        [5, "", 'Unrecognized key: "extra"'],
        [6, "schema", "schema version 9 is not supported (this psysim reads psysim.rolecard/1)"],
      ],
    );
    assert.match(result.problems[0]!.reason, /^not valid JSON/);
    assert.equal(result.problems[1]!.message, `${file}:3: big_five: ${missing}`);
  });

  it("reports a duplicate id with the line of its first use", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "dup.json",
      `[\n${JSON.stringify(full)},\n${JSON.stringify({ ...full, chief_complaint: "另一个问题" })}\n]`,
    );
    const result = await validateCardsFile(file);
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => p.message),
      [`${file}:3: id: duplicate id "c1" (first on line 2)`],
    );
  });

  it("prints the summary and exits 0, or prints one line per problem and exits non-zero", async () => {
    const dir = tempDir();
    const good = writeTemp(
      dir,
      "good.yaml",
      `- ${JSON.stringify(full)}\n- I feel lonely at university.\n`,
    );
    const bad = writeTemp(
      dir,
      "bad.jsonl",
      lines([
        { ...full, age: 0 },
        { ...full, id: "c9", gender: "" },
      ]),
    );
    const [ok, fail, absent] = await Promise.all([
      runPsysim(["cards", "validate", good]),
      runPsysim(["cards", "validate", bad]),
      runPsysim(["cards", "validate", `${dir}/none.jsonl`]),
    ]);
    assert.deepEqual(ok, {
      code: 0,
      stdout: `${good}: 2 cards (zh 1, en 1; 1 full, 1 post-only)\n`,
      stderr: "",
    });
    assert.equal(fail.code, 1);
    assert.equal(fail.stdout, "");
    assert.deepEqual(fail.stderr.trimEnd().split("\n"), [
      `${bad}:1: age: Too small: expected number to be >=1`,
      `${bad}:2: gender: must not be empty`,
      `psysim: ${bad}: 2 problems on 2 lines; fix the lines above`,
    ]);
    assert.deepEqual(absent, {
      code: 1,
      stdout: "",
      stderr: `psysim: ${dir}/none.jsonl: no such file\n`,
    });
  });
});
