import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RoleCard } from "../../../src/core/index.js";
import { createBaselineChatModel } from "../../../src/llm/providers/baseline.js";
import { simulate } from "../../../src/simulation/simulate.js";
import { runPsysim } from "../../cards/run-psysim.js";
import { tempDir } from "../../helpers.js";
import { card } from "../../simulation/fixtures.js";

interface Group {
  field: string;
  value: string;
  sessions: number;
  dialogue_ids: string[];
  aggregates: Record<string, unknown>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("eval --by (CLI, baseline runs and judges)", () => {
  const dir = tempDir();
  const cardsFile = join(dir, "cards.jsonl");
  const out = join(dir, "sim.jsonl");
  before(async () => {
    const cards: RoleCard[] = [];
    for (const style of ["reserved", "verbose"] as const)
      for (let i = 0; i < 4; i++)
        cards.push({ ...card(`${style}-${i}`), style, resistance_level: i < 2 ? "high" : "low" });
    writeFileSync(cardsFile, cards.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const baseline = createBaselineChatModel();
    await simulate({ cards, out, seed: 1 }, { client: baseline, counselor: baseline });
  });

  it("wai: aggregates per style, each recomputable from the sessions it names", async () => {
    const json = join(dir, "wai.json");
    const run = await runPsysim([
      "eval",
      "wai",
      "--dialogues",
      out,
      "--judge",
      "baseline",
      "--rounds",
      "1",
      "--by",
      "style",
      "--cards",
      cardsFile,
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /by style:\ngroup +sessions +goal mean ± sd/);
    assert.match(run.stdout, /style=verbose +4 /);
    const result = JSON.parse(readFileSync(json, "utf8"));
    const groups = result.by_group as Group[];
    // Natural order of the styles (verbose is listed before reserved), not first-seen.
    assert.deepEqual(
      groups.map((g) => g.value),
      ["verbose", "reserved"],
    );
    for (const g of groups) {
      assert.equal(g.sessions, 4);
      assert.ok(g.dialogue_ids.every((id) => id.startsWith(g.value)));
      const bond = result.sessions
        .filter((s: { dialogue_id: string }) => g.dialogue_ids.includes(s.dialogue_id))
        .map((s: { factors: { bond: number } }) => s.factors.bond);
      const agg = g.aggregates as { factors: { bond: { mean: number; n: number } } };
      assert.equal(agg.factors.bond.n, 4);
      assert.ok(Math.abs(agg.factors.bond.mean - mean(bond)) < 1e-12);
    }
  });

  it("topics and fidelity: one result per group; a field without --cards is a usage error", async () => {
    const topicsJson = join(dir, "topics.json");
    const topics = await runPsysim([
      "eval",
      "topics",
      "--dialogues",
      out,
      "--judge",
      "baseline",
      "--rounds",
      "2",
      "--by",
      "resistance_level",
      "--cards",
      cardsFile,
      "--json",
      topicsJson,
    ]);
    assert.equal(topics.code, 0, topics.stderr);
    const tg = JSON.parse(readFileSync(topicsJson, "utf8")).by_group as Group[];
    assert.deepEqual(
      tg.map((g) => [g.value, g.sessions]),
      [
        ["low", 4],
        ["high", 4],
      ],
    );
    assert.equal((tg[0]!.aggregates as { rounds: unknown[] }).rounds.length, 2);

    const fidelityJson = join(dir, "fidelity.json");
    const fidelity = await runPsysim([
      "eval",
      "fidelity",
      "--dialogues",
      out,
      "--cards",
      cardsFile,
      "--embeddings",
      "none",
      "--by",
      "style",
      "--json",
      fidelityJson,
    ]);
    assert.equal(fidelity.code, 0, fidelity.stderr);
    assert.match(fidelity.stdout, /by style:/);
    const result = JSON.parse(readFileSync(fidelityJson, "utf8"));
    for (const g of result.by_group as Group[]) {
      const own = result.sessions.filter((s: { dialogue_id: string }) =>
        g.dialogue_ids.includes(s.dialogue_id),
      );
      const agg = g.aggregates as { overlap: { a: { mean: number } } };
      assert.ok(
        Math.abs(agg.overlap.a.mean - mean(own.map((s: { overlap: number }) => s.overlap))) < 1e-12,
      );
    }

    const noCards = await runPsysim([
      "eval",
      "wai",
      "--dialogues",
      out,
      "--judge",
      "baseline",
      "--by",
      "style",
    ]);
    assert.equal(noCards.code, 2);
    assert.match(noCards.stderr, /^psysim: --by style needs --cards/);
  });

  it("session_index needs no cards: dialogues simulated alone count as session 1", async () => {
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const series = join(dir, "series.jsonl");
    writeFileSync(
      series,
      lines
        .map((line, i) => {
          const d = JSON.parse(line);
          if (i % 2 === 1) d.meta.session_index = 2;
          return JSON.stringify(d);
        })
        .join("\n") + "\n",
    );
    const json = join(dir, "wai-series.json");
    const run = await runPsysim([
      "eval",
      "wai",
      "--dialogues",
      series,
      "--judge",
      "baseline",
      "--rounds",
      "1",
      "--by",
      "session_index",
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const groups = JSON.parse(readFileSync(json, "utf8")).by_group as Group[];
    assert.deepEqual(
      groups.map((g) => [g.value, g.sessions]),
      [
        ["1", 4],
        ["2", 4],
      ],
    );
  });
});
