import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compareDatasets, pairedTTest, welchTTest } from "../../src/evaluation/index.js";
import { tempDir } from "../helpers.js";
import { runCli } from "../fixtures/run-cli.js";
import { runPsysim } from "../cards/run-psysim.js";
import { dialogue, writeJsonlFile } from "./fixtures.js";

// Real and simulated sessions of the same three cards; the simulated file also has an English one.
const real = [
  dialogue(
    "r1",
    "zh",
    [
      ["client", "你好"],
      ["counselor", "请讲"],
      ["client", "我睡不着"],
      ["counselor", "多久了"],
    ],
    { role_card_id: "c1" },
  ),
  dialogue(
    "r2",
    "zh",
    [
      ["client", "你好"],
      ["counselor", "你好呀"],
    ],
    { role_card_id: "c2" },
  ),
  dialogue(
    "r3",
    "zh",
    [
      ["client", "你好"],
      ["counselor", "嗯"],
      ["client", "我很累"],
      ["counselor", "说说看"],
      ["client", "工作太多"],
      ["counselor", "嗯嗯"],
    ],
    { role_card_id: "c3" },
  ),
];
const sim = [
  dialogue(
    "s1",
    "zh",
    [
      ["client", "你好"],
      ["counselor", "你好，请说"],
    ],
    { role_card_id: "c1" },
  ),
  dialogue(
    "s2",
    "zh",
    [
      ["client", "你好"],
      ["counselor", "欢迎"],
      ["client", "我和妈妈吵架了"],
      ["counselor", "发生了什么"],
    ],
    { role_card_id: "c2" },
  ),
  dialogue(
    "s3",
    "zh",
    [
      ["client", "你好"],
      ["counselor", "好"],
      ["client", "我很焦虑"],
      ["counselor", "嗯"],
    ],
    { role_card_id: "c3" },
  ),
  dialogue(
    "e1",
    "en",
    [
      ["client", "Hello"],
      ["counselor", "Hi, what brings you here?"],
    ],
    { role_card_id: "c4" },
  ),
];

describe("compareDatasets", () => {
  const dir = tempDir();
  const a = writeJsonlFile(dir, "real.jsonl", real);
  const b = writeJsonlFile(dir, "sim.jsonl", sim);

  it("compares lengths within a language only and says which language was left out", async () => {
    const result = await compareDatasets([a, b], ["real", "sim"]);
    assert.deepEqual(
      result.aggregates.metrics.map((m) => m.metric),
      [
        "turns per session",
        "client utterance length, zh (characters, per session mean)",
        "counselor utterance length, zh (characters, per session mean)",
      ],
    );
    // The English session counts toward turns, never toward a Chinese length.
    assert.equal(result.aggregates.metrics[0]!.comparison.b.n, 4);
    assert.equal(result.aggregates.metrics[1]!.comparison.b.n, 3);
    assert.deepEqual(result.settings["languages_not_compared"], ["en"]);
    assert.deepEqual(Object.keys(result.aggregates.datasets[1].by_language), ["zh", "en"]);
    assert.equal(result.aggregates.datasets[1].stats.avg_client_length, null);
    assert.match(String(result.settings["test"]), /^Welch's/);
  });

  it("pairs sessions by role card with --test paired (Figure 5's same-card comparison)", async () => {
    const result = await compareDatasets([a, b], ["real", "sim"], { test: "paired" });
    const turns = result.aggregates.metrics[0]!.comparison;
    // By hand: turns real c1..c3 = 2, 1, 3; sim = 1, 2, 2 (e1 has no partner in real).
    assert.deepEqual(turns.test, pairedTTest([2, 1, 3], [1, 2, 2]));
    assert.equal(result.settings["pairing"], "sessions matched by role_card_id: 3 pairs");
    const student = await compareDatasets([a, b], ["real", "sim"], { test: "student" });
    assert.equal(student.aggregates.metrics[0]!.comparison.test.df, 5);
    const welch = await compareDatasets([a, b], ["real", "sim"]);
    assert.deepEqual(
      welch.aggregates.metrics[0]!.comparison.test,
      welchTTest([2, 1, 3], [1, 2, 2, 1]),
    );
  });

  it("refuses to pair datasets without shared cards, or with a card played twice", async () => {
    const other = writeJsonlFile(dir, "other.jsonl", [
      dialogue(
        "o1",
        "zh",
        [
          ["client", "你好"],
          ["counselor", "嗯"],
        ],
        { role_card_id: "x1" },
      ),
    ]);
    await assert.rejects(
      compareDatasets([a, other], ["real", "other"], { test: "paired" }),
      /share no card; use welch or student for independent datasets/,
    );
    const twice = writeJsonlFile(dir, "twice.jsonl", [...sim, { ...sim[0]!, id: "s1b" }]);
    await assert.rejects(
      compareDatasets([a, twice], ["real", "twice"], { test: "paired" }),
      /twice\.jsonl: card "c1" has more than one session/,
    );
  });

  it("prints Table 1 per language and the test it used, and refuses an unknown test", async () => {
    const r = await runCli(["compare", a, b, "--test", "paired"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Chinese \(zh\), lengths in characters$/m);
    assert.match(r.stdout, /^English \(en\), lengths in words\n\s+sim$/m);
    assert.match(r.stdout, /paired p/);
    // A bad option value ends the process (commander), so this one runs as a real process.
    const bad = await runPsysim(["compare", a, b, "--test", "mann-whitney"]);
    assert.equal(bad.code, 2, "a bad option value is a usage error");
    assert.match(bad.stderr, /--test expects welch, student, paired, got "mann-whitney"/);
  });

  it("names rule-based judges as not an LLM and reports no token counts for them", async () => {
    const r = await runCli([
      "compare",
      a,
      b,
      "--wai",
      "baseline",
      "--topics",
      "baseline",
      "--rounds",
      "1",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^WAI judge: baseline \(rule-based baseline, not an LLM\)$/m);
    assert.match(r.stdout, /^topic judge: baseline \(rule-based baseline, not an LLM\)$/m);
    assert.doesNotMatch(r.stdout, /usage:|tok/);
  });
});
