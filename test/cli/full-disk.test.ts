import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs, { readFileSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { join } from "node:path";
import { runCli } from "../fixtures/run-cli.js";
import { tempDir } from "../helpers.js";

/**
 * A disk that fills up mid-run, injected at the one seam every psysim append goes through
 * (fs.writeSync): the third record is half written, then the device refuses the rest.
 */
function fillDiskAtRecord(marker: string, failing: number): () => void {
  const original = fs.writeSync;
  const write = original as (...args: unknown[]) => number;
  let calls = 0;
  fs.writeSync = function (fd: number, data: unknown, ...rest: unknown[]) {
    if (Buffer.isBuffer(data) && data.includes(marker)) {
      calls += 1;
      const [offset = 0, length = data.length - (offset as number)] = rest as number[];
      if (calls === failing) return write.call(fs, fd, data, offset, Math.floor(length / 2));
      if (calls > failing)
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
          syscall: "write",
        });
    }
    return write.call(fs, fd, data, ...rest);
  } as typeof fs.writeSync;
  syncBuiltinESMExports();
  return () => {
    fs.writeSync = original;
    syncBuiltinESMExports();
  };
}

describe("a full disk", () => {
  const dir = tempDir();
  const cards = join(dir, "cards.jsonl");
  writeFileSync(
    cards,
    ["c1", "c2", "c3", "c4"]
      .map((id) => JSON.stringify({ id, language: "en", chief_complaint: `Post ${id}: I worry.` }))
      .join("\n") + "\n",
  );
  let restore: (() => void) | undefined;
  after(() => restore?.());

  it("stops simulate with one line, keeps only whole records, never counts the torn one, and the rerun resumes", async () => {
    const out = join(dir, "dialogues.jsonl");
    const argv = [
      "simulate",
      "--cards",
      cards,
      "--out",
      out,
      "--client",
      "baseline",
      "--counselor",
      "baseline",
      "--concurrency",
      "1",
    ];
    restore = fillDiskAtRecord('"schema":"psysim.dialogue/1"', 3);
    const full = await runCli(argv);
    restore();
    restore = undefined;
    assert.equal(full.code, 1, full.stderr);
    assert.equal(
      full.stderr.trimEnd().split("\n").at(-1),
      `psysim: ${out}: cannot write a record (no space left on the device, ENOSPC); the 2 written before it are kept, free space and rerun the same command to resume`,
    );
    assert.doesNotMatch(full.stdout, /simulated/, "no summary claims records that are not there");
    const text = readFileSync(out, "utf8");
    assert.ok(text.endsWith("\n"), "the half-written record was cut off again");
    const lines = text.trimEnd().split("\n");
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { role_card_id: string }).role_card_id),
      ["c1", "c2"],
    );

    const rerun = await runCli(argv);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, /simulated 2 dialogues/);
    assert.match(rerun.stdout, /2 already finished \(skipped\)/);
    assert.equal(readFileSync(out, "utf8").trimEnd().split("\n").length, 4);
  });
});
