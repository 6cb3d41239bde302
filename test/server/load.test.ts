import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runLoad } from "../../bench/serve-load.bench.js";

describe("annotation platform under concurrent annotators", () => {
  it("loses no acknowledged vote and keeps the database intact", async () => {
    // Bounded by votes, not time, so a busy machine slows the test but cannot change its outcome.
    const result = await runLoad({ annotators: 8, votesPerAnnotator: 6, durationMs: 120_000 });
    assert.equal(result.acknowledged, 48);
    assert.deepEqual(result.lost, []);
    assert.equal(result.stored, result.acknowledged, "no vote is stored that was not acknowledged");
    assert.equal(result.integrity, "ok");
  });
});
