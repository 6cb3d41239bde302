import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir, writeTemp } from "../helpers.js";

/** Records without their wall-clock stamps: what a redone session must reproduce exactly. */
function lines(file: string): string[] {
  return readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => {
      const { ts: _ts, meta, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const {
        started_at: _s,
        finished_at: _f,
        ...keptMeta
      } = (meta ?? {}) as Record<string, unknown>;
      return JSON.stringify(meta ? { ...rest, meta: keptMeta } : rest);
    })
    .sort();
}

describe("arena resume", () => {
  const dir = tempDir();
  const cards = writeTemp(
    dir,
    "cards.jsonl",
    ["c1", "c2", "c3", "c4"]
      .map((id, i) =>
        JSON.stringify({
          id,
          language: i % 2 ? "en" : "zh",
          chief_complaint: `${id}: I cannot sleep.`,
        }),
      )
      .join("\n") + "\n",
  );
  // Two rule-based baseline counselors (not LLMs), as in psysim demo.
  const config = writeTemp(
    dir,
    "psysim.yaml",
    "counselors:\n  three-stage: { model: baseline, system_prompt: three-stage }\n  plain: { model: baseline, system_prompt: none }\n",
  );
  const battles = join(dir, "battles.jsonl");
  const dialogues = join(dir, "battles.dialogues.jsonl");
  const args = [
    "arena",
    "--config",
    config,
    "--counselors",
    "three-stage,plain",
    "--cards",
    cards,
    "--judge",
    "baseline",
    "--out",
    battles,
    "--max-turns",
    "4",
    "--cache",
    join(dir, "cache.sqlite"),
  ];

  it("counts a session finished only when its dialogue and all its battles are on disk", async () => {
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    const wantBattles = lines(battles);
    const wantDialogues = lines(dialogues);
    assert.equal(wantDialogues.length, 4);
    assert.ok(wantBattles.length >= 4);

    const again = await runCli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^arena: 0 sessions, 0 battles/);
    assert.match(again.stdout, /4 already finished \(skipped\)/);

    for (const damage of [
      () => rmSync(battles),
      () => rmSync(dialogues),
      () =>
        writeFileSync(
          battles,
          readFileSync(battles, "utf8").split("\n").slice(0, 3).join("\n") + "\n",
        ),
      () =>
        writeFileSync(dialogues, readFileSync(dialogues, "utf8").split("\n").slice(1).join("\n")),
    ]) {
      damage();
      const rerun = await runCli(args);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.deepEqual(lines(battles), wantBattles);
      assert.deepEqual(lines(dialogues), wantDialogues);
    }
  });

  it("refuses to mix a redone session into records it does not reproduce", async () => {
    const kept = readFileSync(dialogues, "utf8").split("\n");
    const first = JSON.parse(kept[0]!) as { id: string; turns: { content: string }[] };
    first.turns[0]!.content = "edited by hand";
    writeFileSync(dialogues, [JSON.stringify(first), ...kept.slice(1)].join("\n"));
    writeFileSync(
      battles,
      readFileSync(battles, "utf8")
        .split("\n")
        .filter((line) => !line.includes(`"dialogue_id":"${first.id}"`))
        .join("\n"),
    );
    const rerun = await runCli(args);
    assert.equal(rerun.code, 1);
    assert.match(rerun.stderr, new RegExp(`session ${first.id} is only partly recorded`));
    assert.equal(rerun.stderr.match(/^psysim: /gm)?.length, 1, rerun.stderr);
  });
});
