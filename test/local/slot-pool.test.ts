import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { SlotPool } from "../../src/llm/local/slot-pool.js";

describe("SlotPool", () => {
  it("never lets more than `size` callers hold a slot, and serves waiters in arrival order", async () => {
    const pool = new SlotPool(["s1", "s2"]);
    let holding = 0;
    let peak = 0;
    const served: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3, 4].map((i) =>
      pool.use(async () => {
        holding++;
        peak = Math.max(peak, holding);
        served.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        holding--;
      }),
    );
    await tick();
    assert.deepEqual([served, pool.inUse, pool.waiting], [[0, 1], 2, 3]);
    while (served.length < 5 || gates.length > 0) {
      gates.shift()?.();
      await tick();
    }
    await Promise.all(tasks);
    assert.deepEqual([served, peak, pool.inUse, pool.waiting], [[0, 1, 2, 3, 4], 2, 0, 0]);
  });

  it("hands out the free slot the caller prefers, the earliest on ties", async () => {
    const pool = new SlotPool(["a", "bb", "ccc"]);
    assert.equal(await pool.acquire((s) => (s === "bb" ? 5 : 0)), "bb");
    assert.equal(await pool.acquire(() => 1), "a");
    pool.release("a");
    pool.release("bb");
    assert.equal(await pool.acquire((s) => s.length), "ccc");
  });

  it("gives the slot back when the task throws", async () => {
    const pool = new SlotPool(["only"]);
    await assert.rejects(
      pool.use(async () => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(pool.inUse, 0);
  });

  it("drops a waiter whose signal aborts, so the next caller gets the slot", async () => {
    const pool = new SlotPool(["only"]);
    const held = await pool.acquire();
    const controller = new AbortController();
    const abandoned = pool.acquire(undefined, controller.signal);
    const next = pool.acquire();
    controller.abort(new Error("caller gave up"));
    await assert.rejects(abandoned, /caller gave up/);
    pool.release(held);
    assert.equal(await next, "only");
    assert.equal(pool.waiting, 0);
  });
});
