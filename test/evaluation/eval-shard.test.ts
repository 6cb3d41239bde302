import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shardOfId } from "../../src/core/shard.js";
import { tempDir } from "../helpers.js";
import { runCli } from "../fixtures/run-cli.js";
import { dialogue, writeJsonlFile } from "./fixtures.js";

// Dialogue ids differ from card ids, so the test shows the split follows the card (as simulate's).
const dialogues = Array.from({ length: 12 }, (_, i) =>
  dialogue(
    `sim-${i + 1}`,
    "en",
    [
      ["client", "Hello"],
      ["counselor", "How have you been sleeping lately?"],
      ["client", "Badly, I wake up at four."],
      ["counselor", "You could try writing your worries down before bed."],
    ],
    { role_card_id: `card-${i + 1}` },
  ),
);

function readJson(file: string): { settings: { shard?: string }; sessions: unknown[] } {
  return JSON.parse(readFileSync(file, "utf8")) as {
    settings: { shard?: string };
    sessions: unknown[];
  };
}

describe("eval --shard k/n", () => {
  it("eval stages: the shards partition the sessions by card id, each result names its shard", async () => {
    const dir = tempDir();
    const file = writeJsonlFile(dir, "sim.jsonl", dialogues);
    const seen: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const out = join(dir, `stages-${k}.json`);
      const r = await runCli([
        "eval",
        "stages",
        "--dialogues",
        file,
        "--shard",
        `${k}/3`,
        "--json",
        out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const result = readJson(out);
      assert.equal(result.settings.shard, `${k}/3`);
      for (const s of result.sessions as { id: string }[]) {
        const card = `card-${s.id.slice("sim-".length)}`;
        assert.equal(shardOfId(card, 3), k, `${s.id} rated in shard ${k}`);
        seen.push(s.id);
      }
    }
    assert.deepEqual(seen.sort(), dialogues.map((d) => d.id).sort());
  });

  it("eval wai with the baseline judge rates only its shard's sessions", async () => {
    const dir = tempDir();
    const file = writeJsonlFile(dir, "sim.jsonl", dialogues);
    const out = join(dir, "wai.json");
    const r = await runCli([
      ...["eval", "wai", "--dialogues", file, "--judge", "baseline", "--rounds", "1"],
      ...["--shard", "2/3", "--json", out, "--no-cache"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const ids = (readJson(out).sessions as { dialogue_id: string }[]).map((s) => s.dialogue_id);
    const expected = dialogues.filter((d) => shardOfId(d.role_card_id!, 3) === 2).map((d) => d.id);
    assert.deepEqual(ids.sort(), expected.sort());
  });

  it("a malformed --shard is one psysim line and a non-zero exit, before anything is read", async () => {
    const r = await runCli(["eval", "stages", "--dialogues", "missing.jsonl", "--shard", "4/3"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.trim(), /^psysim: .*--shard expects k\/n/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  });
});
