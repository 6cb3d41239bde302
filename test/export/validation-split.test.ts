import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { validationIds } from "../../src/export/index.js";

const ids = Array.from({ length: 2500 }, (_, i) => `dialogue-${i}`);

describe("validationIds", () => {
  it("holds out ceil(ratio × n) sessions, the same ones on every run and in any input order", () => {
    const a = validationIds(ids, 0.001, 7);
    assert.equal(a.size, 3); // ceil(0.001 × 2500) = ceil(2.5)
    assert.deepEqual(validationIds([...ids].reverse(), 0.001, 7), a);
    assert.deepEqual(validationIds(ids, 0.001, 7), a);
    assert.notDeepEqual(validationIds(ids, 0.001, 8), a);
  });

  it("picks the sessions with the smallest sha256(seed, id), computed here independently", () => {
    const expected = ids
      .map((id) => [createHash("sha256").update(`7\u0000${id}`).digest("hex"), id] as const)
      .sort()
      .slice(0, 25)
      .map(([, id]) => id);
    assert.deepEqual([...validationIds(ids, 0.01, 7)].sort(), expected.sort());
  });

  it("holds out nothing at ratio 0, and always leaves a session for training", () => {
    assert.equal(validationIds(ids, 0, 1).size, 0);
    assert.equal(validationIds(["only"], 0.5, 1).size, 0);
    assert.equal(validationIds(["a", "b"], 0.9, 1).size, 1);
    assert.throws(() => validationIds(ids, 1, 1), /ratio must be in \[0, 1\)/);
  });
});
