import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dialogue } from "../../src/core/dialogue.js";
import type { Language } from "../../src/core/language.js";
import { shardOfId } from "../../src/core/shard.js";
import { startFakeOpenAIServer, type FakeChatBody } from "../fixtures/fake-openai-server.js";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";
import { dialogue, fullCard, writeJsonlFile } from "./fixtures.js";

const STYLES = ["plain", "upset", "verbose"];
const COMPLAINTS_EN = [
  "insomnia from work stress",
  "arguments with my mother about my job",
  "feeling like a failure at home",
  "cannot sleep and worries at night",
  "lonely since moving to a new city",
];
const COMPLAINTS_ZH = ["失眠，工作压力大", "和妈妈吵架", "考试焦虑"];

/** Sessions that differ in length, language, counselor, style and risk, so every aggregate has something to add up. */
function dataset(): { dialogues: Dialogue[]; cards: Record<string, unknown>[] } {
  const dialogues: Dialogue[] = [];
  const cards: Record<string, unknown>[] = [];
  for (let i = 1; i <= 15; i++) {
    const language: Language = i % 4 === 0 ? "zh" : "en";
    const zh = language === "zh";
    const lines: ["client" | "counselor", string][] = zh
      ? [
          ["client", `我最近总是失眠，第${i}周了，工作压力很大。`],
          ["counselor", "你愿意多说说失眠是从什么时候开始的吗？"],
          [
            "client",
            i % 8 === 0 ? "有时候我觉得活着没意思，想写遗书。" : "和妈妈吵架以后更严重了。",
          ],
          ["counselor", "听起来你很辛苦。我们可以试试睡前写下担心的事。"],
        ]
      : [
          ["client", `I have not slept well for ${i} weeks; work is crushing me.`],
          ["counselor", "What do you think keeps you awake at night?"],
          [
            "client",
            i % 5 === 0
              ? "Sometimes I want to die, there is no reason to live."
              : "My mother and I argue about my job every weekend.",
          ],
          [
            "counselor",
            "It sounds exhausting. Have you tried writing your worries down before bed?",
          ],
          ...(i % 3 === 0
            ? ([
                ["client", "I tried, but I feel like a failure at work and at home."],
                ["counselor", "Next week, could you try one small step, like a walk after dinner?"],
              ] as ["client" | "counselor", string][])
            : []),
        ];
    const d = dialogue(`sim-${i}`, language, lines, { role_card_id: `card-${i}` });
    d.meta = { counselor: i % 2 === 0 ? "gpt" : "qwen" };
    dialogues.push(d);
    // Cards that differ, so the true and the random mapping differ too.
    cards.push({
      ...fullCard(
        `card-${i}`,
        language,
        zh ? COMPLAINTS_ZH[i % COMPLAINTS_ZH.length]! : COMPLAINTS_EN[i % COMPLAINTS_EN.length]!,
        zh ? ["学生", "护士", "会计"][i % 3] : ["teacher", "nurse", "driver", "student"][i % 4],
      ),
      style: STYLES[i % 3],
    });
  }
  return { dialogues, cards };
}

type Json = Record<string, unknown> & { settings: Record<string, unknown> };
const readJson = (file: string): Json => JSON.parse(readFileSync(file, "utf8")) as Json;

/** A result without what a merge changes by design: the clock, the shard, its provenance and usage. */
function comparable(result: Json): unknown {
  const { created_at, merged_from, positions, usage, ...rest } = result;
  void [created_at, merged_from, positions, usage];
  const { shard, ...settings } = result.settings;
  void shard;
  return { ...rest, settings };
}

/** Runs one eval unsharded and as shards 1/3..3/3, merges the shards, and returns both results. */
async function wholeAndMerged(
  dir: string,
  args: string[],
): Promise<{ whole: Json; merged: Json; stdout: string; parts: string[] }> {
  const whole = join(dir, "whole.json");
  const run = await runCli([...args, "--json", whole]);
  assert.equal(run.code, 0, run.stderr);
  const parts: string[] = [];
  for (const k of [1, 2, 3]) {
    const part = join(dir, `part-${k}.json`);
    const r = await runCli([...args, "--shard", `${k}/3`, "--json", part]);
    assert.equal(r.code, 0, r.stderr);
    parts.push(part);
  }
  const out = join(dir, "merged.json");
  // Out of order on purpose: the merge restores the file's order.
  const merge = await runCli(["merge", parts[2]!, parts[0]!, parts[1]!, "--out", out]);
  assert.equal(merge.code, 0, merge.stderr);
  return { whole: readJson(whole), merged: readJson(out), stdout: merge.stdout, parts };
}

function setup(): { dir: string; file: string; cards: string } {
  const dir = tempDir();
  const { dialogues, cards } = dataset();
  // The split must put sessions of both languages in more than one shard to test the joins.
  const shards = new Set(dialogues.map((d) => shardOfId(d.role_card_id!, 3)));
  assert.equal(shards.size, 3);
  return {
    dir,
    file: writeJsonlFile(dir, "sim.jsonl", dialogues),
    cards: writeJsonlFile(dir, "cards.jsonl", cards),
  };
}

describe("psysim merge of evaluation shard results", () => {
  for (const [kind, extra] of [
    ["stages", []],
    ["safety", ["--within", "1"]],
    ["wai", ["--judge", "baseline", "--rounds", "2", "--by", "style"]],
    ["topics", ["--judge", "baseline", "--rounds", "2", "--by", "style"]],
  ] as const)
    it(`eval ${kind} (baseline judge): the merge of shards 1/3, 2/3, 3/3 equals the unsharded result`, async () => {
      const { dir, file, cards } = setup();
      const grouped = (extra as readonly string[]).includes("--by");
      const args = ["eval", kind, "--dialogues", file, ...extra];
      if (grouped) args.push("--cards", cards);
      const { whole, merged, stdout } = await wholeAndMerged(dir, args);
      assert.deepEqual(comparable(merged), comparable(whole));
      assert.equal(merged.settings["shard"], undefined);
      if (kind === "safety")
        assert.ok((merged["aggregates"] as { episodes: number }[]).some((c) => c.episodes > 0));
      assert.equal((merged["merged_from"] as unknown[]).length, 3);
      assert.match(stdout, new RegExp(`merged 15 ${kind} sessions from 3 shards`));
      if (grouped) {
        assert.match(stdout, /aggregates and --by groups recomputed/);
        assert.equal((merged["by_group"] as unknown[]).length, 3);
      }
    });

  it("eval fidelity (lexical baseline, --by style): each shard keeps the whole file's random mapping, so the merge is exact", async () => {
    const { dir, file, cards } = setup();
    const { whole, merged } = await wholeAndMerged(dir, [
      ...["eval", "fidelity", "--dialogues", file, "--cards", cards, "--by", "style"],
    ]);
    assert.deepEqual(comparable(merged), comparable(whole));
    assert.equal((merged["settings"]["embedding"] as { baseline: boolean }).baseline, true);
    // Reference: scipy 1.17.1, scipy.stats.ttest_rel(true, random) over the merged result's 15
    // sessions, and Cohen's d with the pooled sample sd (numpy, ddof=1).
    const scipy = {
      overlap: { t: -0.18218038433931172, p: 0.8580527652488711, d: -0.0680515074716099 },
      cosine: { t: -0.27571858079567013, p: 0.7867921702425151, d: -0.08737432441197236 },
    };
    const aggregates = merged["aggregates"] as Record<
      string,
      { test: { t: number; df: number; p: number }; cohens_d: number }
    >;
    for (const [metric, expected] of Object.entries(scipy)) {
      const got = aggregates[metric]!;
      assert.equal(got.test.df, 14);
      for (const [value, reference] of [
        [got.test.t, expected.t],
        [got.test.p, expected.p],
        [got.cohens_d, expected.d],
      ] as const)
        assert.ok(Math.abs(value - reference) < 1e-12, `${metric}: ${value} vs scipy ${reference}`);
    }
  });

  it("eval fidelity with embeddings over real HTTP and Welch's test: merged equals unsharded; --dry-run counts the shard's texts", async () => {
    const server = await startFakeOpenAIServer({});
    try {
      const { dir, file, cards } = setup();
      const args = [
        ...["eval", "fidelity", "--dialogues", file, "--cards", cards, "--test", "welch"],
        ...["--embeddings", `openai-compatible:${server.url}`],
      ];
      const { whole, merged } = await wholeAndMerged(dir, args);
      assert.deepEqual(comparable(merged), comparable(whole));
      const cosine = (merged["aggregates"] as { cosine: { a: { n: number } } }).cosine;
      assert.equal(cosine.a.n, 15);
      const plan = await runCli([...args, "--shard", "2/3", "--dry-run"]);
      assert.equal(plan.code, 0, plan.stderr);
      const inShard = readJson(join(dir, "part-2.json"))["sessions"] as {
        card_id: string;
        random_card_id: string;
      }[];
      // The shard embeds its sessions, their cards and the cards the random mapping gives them.
      const texts =
        inShard.length + new Set(inShard.flatMap((x) => [x.card_id, x.random_card_id])).size;
      assert.match(
        plan.stdout,
        new RegExp(
          `${inShard.length} sessions to compare with their cards, ${texts} texts to embed`,
        ),
      );
    } finally {
      await server.close();
    }
  });

  it("eval wai with an LLM judge over real HTTP: merged equals unsharded, calls add up", async () => {
    // The same prompt always gets the same score, whichever shard asks.
    const reply = (body: FakeChatBody): string => {
      const prompt = body.messages.at(-1)!.content;
      const h = createHash("sha256").update(prompt).digest().readUInt32BE(0);
      return h % 13 === 0 ? "I cannot tell." : `Score: ${(h % 7) + 1}`;
    };
    const server = await startFakeOpenAIServer({ reply });
    try {
      const { dir, file, cards } = setup();
      const { whole, merged } = await wholeAndMerged(dir, [
        ...["eval", "wai", "--dialogues", file, "--judge", `openai-compatible:judge@${server.url}`],
        ...["--rounds", "2", "--max-attempts", "1", "--by", "style", "--cards", cards],
      ]);
      assert.deepEqual(comparable(merged), comparable(whole));
      assert.equal(whole.settings["judge_baseline"], false);
      // Some ratings stayed unreadable, so missing values were carried through the merge.
      assert.ok((whole["aggregates"] as { missing_ratings: number }).missing_ratings > 0);
      const calls = (r: Json) => (r["usage"] as { judge: { calls: number } }).judge.calls;
      assert.equal(calls(merged), calls(whole));
    } finally {
      await server.close();
    }
  });

  it("refuses shards of different runs, a shard twice, a missing shard, in one psysim line naming the file", async () => {
    const { dir, file } = setup();
    const part = async (name: string, shard: string, more: string[] = []) => {
      const out = join(dir, name);
      const r = await runCli([
        ...["eval", "safety", "--dialogues", file, "--shard", shard, "--json", out, ...more],
      ]);
      assert.equal(r.code, 0, r.stderr);
      return out;
    };
    const p1 = await part("p1.json", "1/3");
    const p2 = await part("p2.json", "2/3");
    const p3 = await part("p3.json", "3/3");
    const oneLine = async (files: string[], pattern: RegExp) => {
      const r = await runCli(["merge", ...files, "--out", join(dir, "m.json")]);
      assert.notEqual(r.code, 0);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr.trim(), pattern);
    };
    await oneLine([p1, p3], /^psysim: missing shard 2\/3 of the safety run/);
    // --allow-missing: what is there, labelled partial in the output and the result.
    const partialOut = join(dir, "partial.json");
    const partial = await runCli(["merge", p1, p3, "--allow-missing", "--out", partialOut]);
    assert.equal(partial.code, 0, partial.stderr);
    assert.match(partial.stdout, /PARTIAL: shard 2\/3 missing/);
    const merged = readJson(partialOut);
    assert.deepEqual((merged.settings["partial"] as { shards_missing: string[] }).shards_missing, [
      "2/3",
    ]);
    assert.equal(
      (merged["sessions"] as unknown[]).length,
      (readJson(p1)["sessions"] as unknown[]).length +
        (readJson(p3)["sessions"] as unknown[]).length,
    );
    const kept = readFileSync(p1, "utf8");
    const over = await runCli(["merge", p1, p2, p3, "--out", p1]);
    assert.notEqual(over.code, 0);
    assert.equal(readFileSync(p1, "utf8"), kept);
    await oneLine(
      [p1, p2, p3, p2],
      /^psysim: .*p2\.json: settings\.shard: 2\/3 is also .*p2\.json/,
    );
    const rounds = await part("p2-rounds.json", "2/3", ["--within", "3"]);
    await oneLine(
      [p1, rounds, p3],
      /^psysim: .*p2-rounds\.json: settings\.within: differs from .*p1\.json/,
    );
    // Another dialogue file: the hash differs even when the shard's sessions are the same.
    const edited = join(dir, "edited.jsonl");
    writeFileSync(edited, readFileSync(file, "utf8") + "\n");
    const other = join(dir, "other.json");
    assert.equal(
      (await runCli(["eval", "safety", "--dialogues", edited, "--shard", "3/3", "--json", other]))
        .code,
      0,
    );
    await oneLine(
      [p1, p2, other],
      /^psysim: .*other\.json: inputs\.dialogues: differs from .*p1\.json/,
    );
    const whole = join(dir, "whole.json");
    assert.equal((await runCli(["eval", "safety", "--dialogues", file, "--json", whole])).code, 0);
    await oneLine([p1, whole], /^psysim: .*whole\.json: settings\.shard: missing/);
    const wai = join(dir, "wai.json");
    assert.equal(
      (
        await runCli([
          ...["eval", "wai", "--dialogues", file, "--judge", "baseline", "--rounds", "1"],
          ...["--shard", "2/3", "--json", wai, "--no-cache"],
        ])
      ).code,
      0,
    );
    await oneLine([p1, wai, p3], /^psysim: .*wai\.json: kind: a wai result among safety results/);
    // A session in two shard results (one edited by hand).
    const twin = readJson(p3);
    (twin["sessions"] as { id: string }[])[0]!.id = (
      readJson(p1)["sessions"] as { id: string }[]
    )[0]!.id;
    writeFileSync(join(dir, "twin.json"), JSON.stringify(twin));
    await oneLine(
      [p1, p2, join(dir, "twin.json")],
      /^psysim: .*twin\.json: sessions: ".*" is also in .*p1\.json/,
    );
  });
});
