import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { assignManner, parseMannerList } from "../../src/cards/index.js";
import { readRoleCards, type RoleCard } from "../../src/core/index.js";
import { startFakeOpenAIServer } from "../fixtures/fake-openai-server.js";
import { tempDir, writeTemp } from "../helpers.js";
import { runPsysim } from "./run-psysim.js";

const post = (i: number): RoleCard => ({
  schema: "psysim.rolecard/1",
  id: `p${i}`,
  language: "zh",
  chief_complaint: `帖子${i}`,
});

const tally = (cards: RoleCard[], field: "style" | "resistance_level") => {
  const out: Record<string, number> = {};
  for (const c of cards) out[c[field] ?? "unset"] = (out[c[field] ?? "unset"] ?? 0) + 1;
  return out;
};

describe("assignManner (cards assign)", () => {
  const pool = Array.from({ length: 20 }, (_, i) => post(i));

  it("gives every listed value ⌊n/k⌋ or ⌈n/k⌉ cards", () => {
    const out = assignManner(pool, {
      styles: ["plain", "reserved", "verbose"],
      resistance: ["low", "high"],
      seed: 3,
    });
    assert.deepEqual(tally(out, "style"), { plain: 7, reserved: 7, verbose: 6 });
    assert.deepEqual(tally(out, "resistance_level"), { low: 10, high: 10 });
    assert.deepEqual(
      out.map((c) => c.id),
      pool.map((c) => c.id),
    );
  });

  it("is the same for a seed whatever the input order, and differs for another seed", () => {
    const a = assignManner(pool, { styles: ["plain", "upset"], seed: 1 });
    const b = assignManner([...pool].reverse(), { styles: ["plain", "upset"], seed: 1 });
    const byId = (cards: RoleCard[]) =>
      Object.fromEntries(cards.map((c) => [c.id, c.style]).sort());
    assert.deepEqual(byId(a), byId(b));
    const c = assignManner(pool, { styles: ["plain", "upset"], seed: 2 });
    assert.notDeepEqual(byId(a), byId(c));
  });

  it("crosses styles and levels instead of pairing them in lockstep", () => {
    const out = assignManner(pool, {
      styles: ["plain", "upset"],
      resistance: ["low", "high"],
      seed: 1,
    });
    const cells = new Set(out.map((c) => `${c.style}/${c.resistance_level}`));
    assert.equal(cells.size, 4);
  });

  it("keeps a field the run does not assign", () => {
    const out = assignManner([{ ...post(1), style: "tangent" }], {
      resistance: ["moderate"],
      seed: 1,
    });
    assert.deepEqual(out[0], { ...post(1), style: "tangent", resistance_level: "moderate" });
  });

  it("refuses unknown and repeated values with the allowed list", () => {
    assert.throws(
      () => parseMannerList("--styles", "plain,shy", ["plain", "reserved"]),
      /--styles: "shy" is not one of plain, reserved/,
    );
    assert.throws(() => parseMannerList("--styles", "plain,plain", ["plain"]), /listed twice/);
  });
});

describe("cards assign and cards build --styles (CLI)", () => {
  it("writes the assigned pool with counts, refuses a bad list in one line, and build sets the fields", async () => {
    const dir = tempDir();
    const file = writeTemp(
      dir,
      "pool.jsonl",
      Array.from({ length: 12 }, (_, i) => JSON.stringify({ chief_complaint: `帖子${i}` })).join(
        "\n",
      ) + "\n",
    );
    const out = join(dir, "styled.jsonl");
    const ok = await runPsysim([
      "cards",
      "assign",
      file,
      "--styles",
      "plain,reserved,verbose",
      "--resistance",
      "low,high",
      "--seed",
      "9",
      "--out",
      out,
    ]);
    assert.equal(ok.stderr, "");
    assert.equal(
      ok.stdout,
      `assigned 12 cards → ${out} (seed 9)\n  style: plain 4, reserved 4, verbose 4\n  resistance_level: low 6, high 6\n`,
    );
    assert.equal((await readRoleCards(out)).filter((c) => c.style === "reserved").length, 4);
    const bad = await runPsysim([
      "cards",
      "assign",
      file,
      "--styles",
      "shy",
      "--out",
      join(dir, "x.jsonl"),
    ]);
    assert.deepEqual(
      [bad.code, bad.stderr],
      [
        1,
        'psysim: --styles: "shy" is not one of plain, upset, verbose, reserved, tangent, pleasing (give a comma-separated list)\n',
      ],
    );

    const server = await startFakeOpenAIServer({
      reply: () =>
        JSON.stringify({
          gender: "女",
          age: 20,
          education: "本科",
          occupation: "学生",
          marital_status: "单身",
          family_relationships: "和睦",
          resistance: "中等",
          resistance_level: "moderate",
          big_five: {
            openness: "中",
            conscientiousness: "中",
            extraversion: "中",
            agreeableness: "中",
            neuroticism: "中",
          },
        }),
    });
    try {
      const posts = writeTemp(dir, "posts.txt", "我最近总失眠。\n我和室友闹翻了。\n");
      const built = join(dir, "built.jsonl");
      const run = await runPsysim([
        "cards",
        "build",
        posts,
        "--model",
        `openai-compatible:fake-model@${server.url}`,
        "--out",
        built,
        "--no-cache",
        "--no-preflight",
        "--styles",
        "upset,pleasing",
        "--resistance",
        "high",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const cards = await readRoleCards(built);
      assert.deepEqual(cards.map((c) => c.style).sort(), ["pleasing", "upset"]);
      assert.deepEqual(
        cards.map((c) => c.resistance_level),
        ["high", "high"],
      );
    } finally {
      await server.close();
    }
  });
});
