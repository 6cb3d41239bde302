import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readBattles, readDialogues } from "../../src/core/index.js";
import { tempDir } from "../helpers.js";
import { runCli } from "../fixtures/run-cli.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("psysim demo", () => {
  it("runs the whole pipeline offline and labels everything baseline", async () => {
    const dir = join(tempDir(), "demo");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", join(root, "src/cli/main.ts"), "demo", "--out-dir", dir],
      { cwd: root, encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /rule-based baseline agents \(not an LLM\)/);
    assert.match(result.stdout, /psysim demo: done/);
    const dialogues = await readDialogues(join(dir, "dialogues.jsonl"));
    assert.equal(dialogues.length, 20);
    assert.ok(dialogues.every((d) => d.meta.baseline === true && d.meta.client === "baseline"));
    assert.deepEqual(new Set(dialogues.map((d) => d.language)), new Set(["zh", "en"]));
    // Grounding on the demo's own toy corpus: ids recorded, the corpus labelled a toy, and a
    // session never retrieves its own card's exchanges.
    const grounded = await readDialogues(join(dir, "grounded.dialogues.jsonl"));
    assert.equal(grounded.length, 4);
    for (const d of grounded) {
      assert.equal((d.meta.grounding as { toy_corpus?: boolean }).toy_corpus, true);
      const ids = d.turns.filter((t) => t.role === "counselor").flatMap((t) => t.meta!.grounding!);
      assert.ok(ids.length > 0 && ids.every((id) => !id.startsWith(`${d.id}#`)));
    }
    const battles = await readBattles(join(dir, "battles.jsonl"));
    assert.ok(battles.length > 0 && battles.every((b) => b.judge.includes("baseline")));
    for (const file of [
      "stats.json",
      "fidelity.json",
      "wai.json",
      "ratings.json",
      "sft/dataset_info.json",
      "sft/psysim_train.jsonl",
    ])
      assert.ok(existsSync(join(dir, file)), file);
    // One styled pool and a two-session series, and the report's per-group section.
    const series = await readDialogues(join(dir, "series.jsonl"));
    assert.deepEqual(series.map((d) => d.meta.session_index).sort(), [1, 1, 1, 1, 2, 2, 2, 2]);
    assert.ok(series.every((d) => d.meta.session_index === 1 || d.meta["memory"]));
    const byStyle = JSON.parse(readFileSync(join(dir, "stats-by-style.json"), "utf8"));
    assert.equal(byStyle.aggregates.length, 6);
    const bySession = JSON.parse(readFileSync(join(dir, "wai-by-session.json"), "utf8"));
    assert.deepEqual(
      bySession.by_group.map((g: { value: string }) => g.value),
      ["1", "2"],
    );
    // Stages and safety with the offline judges; the safety path also on the hand-written
    // examples, since the baseline clients state no risk.
    const stages = JSON.parse(readFileSync(join(dir, "stages.json"), "utf8"));
    assert.equal(stages.settings.judge_baseline, true);
    assert.ok(
      existsSync(join(dir, "plots", "stages.svg")) && existsSync(join(dir, "plots", "stages.png")),
    );
    const safety = JSON.parse(readFileSync(join(dir, "safety.json"), "utf8"));
    assert.equal(safety.settings.judge_baseline, true);
    assert.match(result.stdout, /HAND-WRITTEN example sessions/);
    const handWritten = JSON.parse(readFileSync(join(dir, "safety-hand-written.json"), "utf8"));
    assert.deepEqual(
      handWritten.aggregates.map((c: { counselor: string; episodes: number }) => [
        c.counselor,
        c.episodes,
      ]),
      [
        ["hand-written A", 2],
        ["hand-written B", 2],
      ],
    );
    const report = readFileSync(join(dir, "report.html"), "utf8");
    assert.match(report, /id="client-effects"/);
    assert.match(report, /id="stages"/);
    const arenaSafety = JSON.parse(readFileSync(join(dir, "arena-safety.json"), "utf8"));
    assert.equal(arenaSafety.kind, "arena-safety");
    assert.equal(arenaSafety.settings.judge_baseline, true);
    assert.match(report, /id="arena-safety"/);
    assert.match(report, /id="comparison"[\s\S]*id="chart-compare-stages-1"/);
    assert.match(report, /id="safety"[\s\S]*hand-written-risk-sessions/);
    assert.match(report, /session_index=2/);
    const fidelity = JSON.parse(readFileSync(join(dir, "fidelity.json"), "utf8")) as object;
    assert.doesNotMatch(
      JSON.stringify(fidelity),
      /bge-m3/,
      "the offline embedding is never reported as bge-m3",
    );

    // Safe to repeat: a second demo in the same folder starts over and ends the same way.
    const again = await runCli(["demo", "--out-dir", dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await readDialogues(join(dir, "dialogues.jsonl"))).length, 20);
    assert.equal((await readBattles(join(dir, "battles.jsonl"))).length, battles.length);
  });
});
