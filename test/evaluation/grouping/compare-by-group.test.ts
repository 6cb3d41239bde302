import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RoleCard } from "../../../src/core/index.js";
import { createBaselineChatModel } from "../../../src/llm/providers/baseline.js";
import { simulate } from "../../../src/simulation/simulate.js";
import { runPsysim } from "../../cards/run-psysim.js";
import { tempDir } from "../../helpers.js";
import { card } from "../../simulation/fixtures.js";

interface Metric {
  metric: string;
  comparison: { a: { n: number }; b: { n: number }; test: { test: string; p: number | null } };
}
interface Group {
  field: string;
  value: string;
  dialogue_ids: string[];
  aggregates: { datasets: { name: string }[]; metrics: Metric[] };
}

describe("compare --by (CLI, baseline runs and judge)", () => {
  const dir = tempDir();
  const cardsFile = join(dir, "cards.jsonl");
  const series = join(dir, "series.jsonl");
  const other = join(dir, "other.jsonl");
  before(async () => {
    const cards: RoleCard[] = ["plain", "reserved", "verbose"].flatMap((style) =>
      [0, 1, 2, 3].map((i) => ({ ...card(`${style}-${i}`), style: style as RoleCard["style"] })),
    );
    writeFileSync(cardsFile, cards.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const baseline = createBaselineChatModel();
    const models = { client: baseline, counselor: baseline };
    await simulate({ cards, out: series, seed: 1, sessions: 2 }, models);
    await simulate({ cards, out: other, seed: 2 }, models);
  });

  it("one file by session_index, paired by card: session 1 against 2, p checked with scipy", async () => {
    const json = join(dir, "by-session.json");
    const run = await runPsysim([
      "compare",
      series,
      "--by",
      "session_index",
      "--test",
      "paired",
      "--wai",
      "baseline",
      "--rounds",
      "1",
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /\nsession_index=2:\nmetric +session_index=1 mean ± sd \(n\) +session_index=2 mean/,
    );
    const result = JSON.parse(readFileSync(json, "utf8"));
    assert.equal(result.settings.reference, "1");
    const [group] = result.by_group as Group[];
    assert.equal(group!.value, "2");
    const bond = group!.aggregates.metrics.find((m) => m.metric === "WAI bond")!;
    assert.equal(bond.comparison.test.test, "paired");
    assert.equal(bond.comparison.a.n, 12);
    // Independent check: scipy's paired t-test on the client lengths of the same cards.
    const length = group!.aggregates.metrics.find((m) =>
      m.metric.startsWith("client utterance length, zh"),
    )!;
    const stats = [...result.sessions.stats[0], ...result.sessions.stats[1]] as {
      dialogue_id: string;
      client_length: number;
      client_utterances: number;
    }[];
    const mean = (id: string) => {
      const s = stats.find((x) => x.dialogue_id === id)!;
      return s.client_length / s.client_utterances;
    };
    const ids = (group!.dialogue_ids as string[]).filter((id) => !id.includes("#")).sort();
    const a = ids.map(mean);
    const b = ids.map((id) => mean(`${id}#2`));
    const py = spawnSync(
      "python3",
      [
        "-c",
        `import json,sys; from scipy import stats; a,b=json.load(sys.stdin); print(stats.ttest_rel(a,b).pvalue)`,
      ],
      { input: JSON.stringify([a, b]), encoding: "utf8" },
    );
    assert.equal(py.status, 0, py.stderr);
    assert.ok(
      Math.abs(Number(py.stdout) - length.comparison.test.p!) < 1e-9,
      `${py.stdout} vs ${length.comparison.test.p}`,
    );
  });

  it("one file by style against plain, and two files compared within each style", async () => {
    const json = join(dir, "by-style.json");
    const run = await runPsysim([
      "compare",
      other,
      "--by",
      "style",
      "--cards",
      cardsFile,
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(readFileSync(json, "utf8"));
    assert.deepEqual(
      result.aggregates.datasets.map((d: { name: string }) => d.name),
      ["style=plain", "style≠plain"],
    );
    const groups = result.by_group as Group[];
    assert.deepEqual(
      groups.map((g) => g.value),
      ["verbose", "reserved"],
    );
    const len = (g: Group) =>
      g.aggregates.metrics.find((m) => m.metric.startsWith("client utterance length, zh"))!
        .comparison as unknown as { a: { mean: number }; b: { mean: number } };
    assert.ok(len(groups[0]!).b.mean > len(groups[0]!).a.mean, "verbose is longer than plain");
    assert.ok(len(groups[1]!).b.mean < len(groups[1]!).a.mean, "reserved is shorter than plain");

    const twoJson = join(dir, "two.json");
    const two = await runPsysim([
      "compare",
      series,
      other,
      "--by",
      "style",
      "--cards",
      cardsFile,
      "--json",
      twoJson,
    ]);
    assert.equal(two.code, 0, two.stderr);
    const pairs = JSON.parse(readFileSync(twoJson, "utf8")).by_group as Group[];
    assert.deepEqual(
      pairs.map((g) => g.value),
      ["plain", "verbose", "reserved"],
    );
    // Each style's sessions of both files: 8 in the series (two sessions a card), 4 in the other.
    assert.ok(pairs.every((g) => g.dialogue_ids.length === 12));
  });

  it("says what is missing in one line", async () => {
    const none = await runPsysim(["compare", series]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^psysim: compare needs two files, or one file and --by FIELD\n$/);
    const unknown = await runPsysim([
      "compare",
      series,
      "--by",
      "session_index",
      "--reference",
      "7",
    ]);
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /^psysim: .*series\.jsonl: --by session_index has no group "7" \(groups: 1, 2\)/,
    );
  });
});
