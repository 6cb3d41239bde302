import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  splitPool,
  poolStats,
  formatPoolStats,
  distribution,
  ageInYears,
} from "../../src/cards/index.js";
import { readRoleCards, type RoleCard } from "../../src/core/index.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "./run-psysim.js";

const post = (id: string, language: "zh" | "en"): RoleCard => ({
  schema: "psysim.rolecard/1",
  id,
  language,
  chief_complaint: language === "zh" ? `帖子${id}` : `post ${id}`,
});

describe("splitPool", () => {
  const pool = [
    ...Array.from({ length: 30 }, (_, i) => post(`z${i}`, "zh")),
    ...Array.from({ length: 10 }, (_, i) => post(`e${i}`, "en")),
  ];

  it("holds out exactly n cards, languages in proportion, the same for a seed whatever the input order", () => {
    const a = splitPool(pool, 10, 5);
    assert.equal(a.test.length, 10);
    assert.equal(a.train.length, 30);
    assert.deepEqual(
      [
        a.test.filter((c) => c.language === "zh").length,
        a.test.filter((c) => c.language === "en").length,
      ],
      [8, 2],
    ); // 7.5 and 2.5: the tie goes to the first language
    const b = splitPool([...pool].reverse(), 10, 5);
    assert.deepEqual(new Set(b.test.map((c) => c.id)), new Set(a.test.map((c) => c.id)));
    assert.notDeepEqual(
      new Set(splitPool(pool, 10, 6).test.map((c) => c.id)),
      new Set(a.test.map((c) => c.id)),
    );
    const ids = new Set(a.train.map((c) => c.id));
    assert.ok(
      a.test.every((c) => !ids.has(c.id) && c.split === "test") &&
        a.train.every((c) => c.split === "train"),
    );
  });

  it("refuses a test pool that would leave nothing to train on", () => {
    assert.throws(
      () => splitPool(pool.slice(0, 3), 3, 1),
      /--test 3 leaves no training cards: the pool has 3/,
    );
  });

  it("writes the pools from the CLI and rejects a bad --test with one line", async () => {
    const dir = tempDir();
    const file = writeTemp(dir, "pool.jsonl", pool.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const [ok, one, bad] = await Promise.all([
      runPsysim([
        "cards",
        "split",
        file,
        "--test",
        "4",
        "--seed",
        "9",
        "--train-out",
        join(dir, "train.jsonl"),
        "--test-out",
        join(dir, "test.jsonl"),
      ]),
      runPsysim([
        "cards",
        "split",
        file,
        "--test",
        "4",
        "--seed",
        "9",
        "--out",
        join(dir, "all.jsonl"),
      ]),
      runPsysim(["cards", "split", file, "--test", "x", "--out", join(dir, "no.jsonl")]),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(one.code, 0, one.stderr);
    const test = await readRoleCards(join(dir, "test.jsonl"));
    const all = await readRoleCards(join(dir, "all.jsonl"));
    assert.deepEqual(
      all.map((c) => c.id),
      pool.map((c) => c.id),
    );
    assert.deepEqual(
      all.filter((c) => c.split === "test"),
      test,
    );
    assert.deepEqual(test, splitPool(pool, 4, 9).test);
    assert.deepEqual(bad, {
      code: 2,
      stdout: "",
      stderr: 'psysim: --test expects a whole number from 1 up, got "x"\n',
    });
    assert.match(readFileSync(join(dir, "train.jsonl"), "utf8"), /"split":"train"/);
  });
});

describe("poolStats", () => {
  it("counts coverage, ages, resistance levels and complaint lengths (values worked out by hand)", () => {
    const big = {
      openness: "中",
      conscientiousness: "中",
      extraversion: "中",
      agreeableness: "中",
      neuroticism: "高",
    };
    const full = (id: string, age: number | string, level?: "low" | "high"): RoleCard => ({
      schema: "psysim.rolecard/1",
      id,
      language: "zh",
      gender: "女",
      age,
      education: "本科",
      occupation: "学生",
      marital_status: "未婚",
      family_relationships: "和睦",
      big_five: big,
      resistance: "中等",
      chief_complaint: "我很焦虑怎么办",
      ...(level ? { resistance_level: level } : {}),
    });
    const cards = [
      full("a", 20, "low"),
      full("b", "45岁"),
      full("c", "中年", "high"),
      full("d", 17),
      { ...post("e", "en"), chief_complaint: "I feel very lonely here." },
    ];
    const stats = poolStats(cards);
    assert.deepEqual(stats.ages, { n: 3, min: 17, max: 45, mean: 82 / 3, median: 20, p90: 45 });
    assert.equal(stats.agesUnreadable, 1);
    assert.deepEqual(stats.ageBands, {
      "<18": 1,
      "18-24": 1,
      "25-34": 0,
      "35-44": 0,
      "45-59": 1,
      "60+": 0,
    });
    assert.deepEqual(stats.resistanceLevels, { low: 1, moderate: 0, high: 1, unset: 2 + 1 });
    assert.equal(stats.coverage.gender, 4);
    assert.equal(stats.coverage.chief_complaint, 5);
    assert.equal(stats.coverage.resistance_level, 2);
    assert.deepEqual(stats.complaintLength.zh, {
      n: 4,
      min: 7,
      max: 7,
      mean: 7,
      median: 7,
      p90: 7,
    }); // 我很焦虑怎么办 = 7 characters
    assert.deepEqual(stats.complaintLength.en, {
      n: 1,
      min: 5,
      max: 5,
      mean: 5,
      median: 5,
      p90: 5,
    }); // I feel very lonely here = 5 words
    assert.deepEqual(stats.top.gender, [["女", 4]]);
    assert.deepEqual([stats.cards, stats.full, stats.postOnly], [5, 4, 1]);
  });

  it("uses nearest-rank p90 and the mean of the middle pair for an even median", () => {
    assert.deepEqual(distribution([4, 1, 3, 2]), {
      n: 4,
      min: 1,
      max: 4,
      mean: 2.5,
      median: 2.5,
      p90: 4,
    });
    assert.equal(distribution(Array.from({ length: 20 }, (_, i) => i + 1))!.p90, 18); // ceil(0.9 × 20) = 18th value
    assert.equal(distribution([]), null);
    assert.deepEqual(
      [ageInYears(33), ageInYears("约30岁"), ageInYears("unknown")],
      [33, 30, undefined],
    );
  });

  it("prints the stats as JSON from the CLI, and as text", async () => {
    const json = await runPsysim(["cards", "stats", "examples/cards.en.jsonl", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const stats = poolStats(await readRoleCards("examples/cards.en.jsonl"));
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(stats)));
    assert.match(
      formatPoolStats("examples/cards.en.jsonl", stats),
      /^examples\/cards\.en\.jsonl: 10 cards \(zh 0, en 10; 10 full, 0 post-only\)\nfield coverage:\n {2}gender +10 {2}100%/,
    );
  });
});
