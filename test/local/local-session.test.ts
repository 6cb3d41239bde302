import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readBattles, readDialogues, readRoleCards } from "../../src/core/index.js";
import { arenaCounselor } from "../../src/arena/arena-counselor.js";
import { adHocCounselor } from "../../src/arena/counselor-registry.js";
import { runArena } from "../../src/arena/run-arena.js";
import { resolveChatModel } from "../../src/llm/resolve-model.js";
import {
  disposeLlamaCppModels,
  loadedLlamaCppResources,
} from "../../src/llm/providers/llama-cpp.js";
import { simulate } from "../../src/simulation/simulate.js";
import { tinyModelPath } from "../fixtures/tiny-model.js";
import { tempDir } from "../helpers.js";

// Whole sessions with every role on one in-process tiny random-weight model. The model
// writes gibberish: this checks the plumbing (the provider registry, the session loop,
// sharing, usage, determinism), never the counselling.
const dir = tempDir();
after(async () => {
  await disposeLlamaCppModels();
  rmSync(dir, { recursive: true, force: true });
});

const local = {
  provider: "llama-cpp",
  model_path: tinyModelPath(),
  threads: 1,
  context_size: 4096,
  parallel: 4,
  max_tokens: 24,
} as const;

describe("a whole session on a local llama.cpp model", () => {
  it("simulates client and counselor on the same local model, deterministically, through resolveChatModel", async () => {
    const cards = [
      ...(await readRoleCards("examples/cards.en.jsonl")).slice(0, 1),
      ...(await readRoleCards("examples/cards.zh.jsonl")).slice(0, 1),
    ];
    const client = await resolveChatModel({ ...local, temperature: 1 });
    const counselor = await resolveChatModel({ ...local, temperature: 0.7 });
    const run = (name: string) =>
      simulate(
        { cards, out: join(dir, name), maxTurns: 3, maxAttempts: 2, concurrency: 2, seed: 11 },
        { client, counselor },
      );

    const summary = await run("first.jsonl");
    assert.deepEqual([summary.completed, summary.failed], [2, []]);
    const dialogues = await readDialogues(join(dir, "first.jsonl"));
    for (const d of dialogues) {
      assert.equal(d.turns[0]!.content, d.language === "zh" ? "你好" : "Hello");
      d.turns.forEach((t, i) => assert.equal(t.role, i % 2 === 0 ? "client" : "counselor"));
      assert.equal(d.turns.at(-1)!.role, "counselor");
      assert.equal(d.meta.client, `llama-cpp:${tinyModelPath()}`);
      assert.equal(d.meta.baseline, undefined, "a local LLM is not the baseline");
      const spent = d.meta.usage!;
      assert.ok(
        spent.counselor!.calls >= 1 &&
          spent.counselor!.prompt_tokens > 0 &&
          spent.counselor!.completion_tokens > 0,
      );
      assert.equal(spent.counselor!.cost_usd, 0);
    }
    // One loaded copy of the weights and one shared context served both roles and both sessions.
    const resources = loadedLlamaCppResources();
    assert.equal(resources.filter((k) => k.includes("|chat|")).length, 1, resources.join(", "));

    await run("second.jsonl");
    const strip = (file: string) =>
      readFileSync(join(dir, file), "utf8")
        .replace(/"(started_at|finished_at)":"[^"]+"/g, "")
        .split("\n")
        .sort();
    assert.deepEqual(
      strip("second.jsonl"),
      strip("first.jsonl"),
      "same seed, same dialogues, whatever the interleaving",
    );
  });

  it("runs an arena session with two local counselors and a local judge", async () => {
    const cards = (await readRoleCards("examples/cards.en.jsonl")).slice(0, 1);
    const model = (temperature: number) => resolveChatModel({ ...local, temperature });
    const summary = await runArena(
      {
        cards,
        counselors: ["warm", "cool"],
        out: join(dir, "battles.jsonl"),
        dialoguesOut: join(dir, "arena.jsonl"),
        maxTurns: 2,
        maxAttempts: 1,
        judgeAttempts: 1,
        seed: 5,
      },
      {
        client: await model(1),
        // The judge by spec string, through the same provider registry.
        judge: await resolveChatModel(`llama-cpp:${tinyModelPath()}`),
        counselors: new Map([
          ["warm", arenaCounselor(adHocCounselor("warm"), await model(0.9))],
          ["cool", arenaCounselor(adHocCounselor("cool"), await model(0.3))],
        ]),
      },
    );
    assert.deepEqual(
      [summary.completed, summary.failed, summary.judge],
      [1, [], `llm:llama-cpp:${tinyModelPath()}:2`],
    );
    const battles = await readBattles(join(dir, "battles.jsonl"));
    assert.equal(battles.length, summary.battles);
    assert.ok(battles.length >= 1);
    // Gibberish rarely names a valid choice; an unparsed verdict is recorded as such, never guessed.
    for (const b of battles)
      assert.ok(b.winner === null || ["a", "b", "tie", "both_bad"].includes(b.winner));
    assert.equal(battles.filter((b) => b.winner === null).length, summary.unparsed);
    assert.ok(summary.usage.supervisor!.prompt_tokens > 0);
  });
});
