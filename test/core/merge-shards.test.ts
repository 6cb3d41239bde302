import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { readBattles, readDialogues } from "../../src/core/index.js";
import type { Dialogue } from "../../src/core/dialogue.js";

const CARDS = fileURLToPath(new URL("../../examples/cards.en.jsonl", import.meta.url));

/** A dialogue without what differs from run to run by design (clock, shard label). */
function stable(d: Dialogue): unknown {
  const { started_at, finished_at, shard, ...meta } = d.meta as Record<string, unknown>;
  (void started_at, finished_at, shard);
  return { ...d, meta };
}

const byId = <T extends { id: string }>(records: T[]) =>
  [...records].sort((a, b) => a.id.localeCompare(b.id));

async function simulateShard(dir: string, name: string, shard?: string) {
  const out = join(dir, name);
  const run = await runCli([
    "simulate",
    "--cards",
    CARDS,
    "--out",
    out,
    "--max-turns",
    "6",
    "--no-cache",
    ...(shard ? ["--shard", shard] : []),
  ]);
  assert.equal(run.code, 0, run.stderr);
  return out;
}

describe("psysim merge", () => {
  it("three shards merged equal one unsharded run: every card once, none missing", async () => {
    const dir = tempDir();
    const whole = await simulateShard(dir, "whole.jsonl");
    const parts = [];
    for (const k of [1, 2, 3]) parts.push(await simulateShard(dir, `part-${k}.jsonl`, `${k}/3`));
    const sizes = await Promise.all(parts.map(async (p) => (await readDialogues(p)).length));
    assert.equal(
      sizes.reduce((a, b) => a + b),
      10,
    );
    assert.ok(
      sizes.every((n) => n < 10),
      String(sizes),
    );
    const merged = join(dir, "merged.jsonl");
    const run = await runCli(["merge", ...parts, "--out", merged, "--cards", CARDS]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /merged 10 dialogues from 3 files/);
    assert.match(run.stdout, /every card of .* is there/);
    assert.deepEqual(
      byId(await readDialogues(merged)).map(stable),
      byId(await readDialogues(whole)).map(stable),
    );
    assert.ok((await readDialogues(parts[1]!)).every((d) => d.meta.shard === "2/3"));
  });

  it("names the cards no shard finished, and the shard to rerun", async () => {
    const dir = tempDir();
    const parts = [
      await simulateShard(dir, "p1.jsonl", "1/3"),
      await simulateShard(dir, "p3.jsonl", "3/3"),
    ];
    const missing = (await readDialogues(await simulateShard(dir, "p2.jsonl", "2/3"))).map(
      (d) => d.id,
    );
    const run = await runCli(["merge", ...parts, "--out", join(dir, "m.jsonl"), "--cards", CARDS]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`missing ${missing.length} of 10 cards`));
    for (const id of missing) assert.match(run.stdout, new RegExp(`${id} \\(shard 2/3\\)`));
    const strict = await runCli([
      "merge",
      ...parts,
      "--out",
      join(dir, "m2.jsonl"),
      "--cards",
      CARDS,
      "--require-complete",
    ]);
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /^psysim: \d+ cards have no dialogue/m);
  });

  it("refuses a card in two shards, differing settings, and an output that is an input", async () => {
    const dir = tempDir();
    const a = await simulateShard(dir, "a.jsonl", "1/2");
    const twice = await runCli(["merge", a, a, "--out", join(dir, "m.jsonl")]);
    assert.equal(twice.code, 1);
    assert.match(
      twice.stderr,
      /a\.jsonl:1: id: ".+" is also in .*a\.jsonl:1: two shards ran the same card/,
    );
    assert.ok(!existsSync(join(dir, "m.jsonl")), "no half-written merge");

    const b = join(dir, "b.jsonl");
    const other = (await readDialogues(await simulateShard(dir, "b0.jsonl", "2/2"))).map((d) => ({
      ...d,
      meta: { ...d.meta, max_turns: 12 },
    }));
    writeFileSync(b, other.map((d) => JSON.stringify(d)).join("\n") + "\n");
    const differs = await runCli(["merge", a, b, "--out", join(dir, "m.jsonl")]);
    assert.equal(differs.code, 1);
    assert.match(
      differs.stderr,
      /b\.jsonl:1: meta\.max_turns: differs from .*a\.jsonl:1; shards must run with the same settings and prompts/,
    );
    assert.ok(!existsSync(join(dir, "m.jsonl")));

    const before = readFileSync(a, "utf8");
    const onInput = await runCli(["merge", a, "--out", a]);
    assert.equal(onInput.code, 2);
    assert.match(onInput.stderr, /--out .*a\.jsonl: is the input/);
    assert.equal(readFileSync(a, "utf8"), before);
  });

  it("splits an arena the same way: the shards' battles are the unsharded run's", async () => {
    const dir = tempDir();
    const config = join(dir, "psysim.yaml");
    writeFileSync(
      config,
      "counselors:\n  three: { model: baseline, system_prompt: three-stage }\n  none: { model: baseline, system_prompt: none }\n",
    );
    const arena = async (name: string, shard?: string) => {
      const out = join(dir, name);
      const run = await runCli([
        "arena",
        "--config",
        config,
        "--counselors",
        "three,none",
        "--cards",
        CARDS,
        "--judge",
        "baseline",
        "--out",
        out,
        "--max-turns",
        "5",
        "--no-cache",
        ...(shard ? ["--shard", shard] : []),
      ]);
      assert.equal(run.code, 0, run.stderr);
      return out;
    };
    const whole = await arena("whole.jsonl");
    const parts = [await arena("b1.jsonl", "1/2"), await arena("b2.jsonl", "2/2")];
    const merged = join(dir, "merged.jsonl");
    const run = await runCli(["merge", ...parts, "--out", merged]);
    assert.equal(run.code, 0, run.stderr);
    const ids = (file: string) => readBattles(file).then((bs) => bs.map((b) => b.id).sort());
    assert.deepEqual(await ids(merged), await ids(whole));
  });
});
