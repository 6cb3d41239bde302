import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isFatal, isRetryable, PsysimError } from "../../src/core/errors.js";
import { runWorkerPool } from "../../src/core/worker-pool.js";
import { ModelCallError } from "../../src/llm/model-call-error.js";

/** A promise the test resolves by hand: tasks wait on it instead of sleeping. */
function barrier(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets every pending promise callback run, so the pool starts whatever it is going to start. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("Worker pool", () => {
  it("never has more than `concurrency` tasks in flight, starts them in order, and runs them all", async () => {
    const gates = Array.from({ length: 10 }, barrier);
    const started: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const run = runWorkerPool(10, { concurrency: 3 }, async (task) => {
      started.push(task);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await gates[task]!.promise;
      inFlight--;
    });
    await settle();
    assert.deepEqual(started, [0, 1, 2]);
    // Finishing task 1 frees exactly one slot, taken by the next task in order.
    gates[1]!.open();
    await settle();
    assert.deepEqual(started, [0, 1, 2, 3]);
    for (const gate of gates) gate.open();
    await run;
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(maxInFlight, 3);
  });

  it("on a fatal failure starts nothing new, lets the tasks in flight finish, then rethrows it", async () => {
    const gates = Array.from({ length: 8 }, barrier);
    const started: number[] = [];
    const finished: number[] = [];
    const reported: number[] = [];
    const quota = new ModelCallError("quota", "fake: quota exhausted", { url: "http://x" });
    const run = runWorkerPool(
      8,
      { concurrency: 3, onTaskError: (_e, task) => reported.push(task) },
      async (task) => {
        started.push(task);
        await gates[task]!.promise;
        if (task === 1) throw quota;
        finished.push(task);
      },
    );
    const outcome = assert.rejects(run, (error) => error === quota);
    await settle();
    gates[1]!.open();
    await settle();
    // Tasks 0 and 2 are still in flight and nothing new started.
    assert.deepEqual(started, [0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await outcome;
    assert.deepEqual(started, [0, 1, 2]);
    assert.deepEqual(finished.sort(), [0, 2], "in-flight tasks settle and keep their work");
    assert.deepEqual(reported, [], "a fatal failure is not reported as a task failure");
  });

  it("reports a non-fatal failure for its task and goes on with the rest", async () => {
    const reported: { task: number; message: string }[] = [];
    const done: number[] = [];
    await runWorkerPool(
      6,
      {
        concurrency: 2,
        onTaskError: (error, task) => reported.push({ task, message: (error as Error).message }),
      },
      async (task) => {
        await settle();
        if (task % 2 === 1)
          throw new ModelCallError("server", `server error ${task}`, { url: "http://x" });
        done.push(task);
      },
    );
    assert.deepEqual(done.sort(), [0, 2, 4]);
    assert.deepEqual(
      reported.sort((a, b) => a.task - b.task),
      [
        { task: 1, message: "server error 1" },
        { task: 3, message: "server error 3" },
        { task: 5, message: "server error 5" },
      ],
    );
  });

  it("treats every failure as fatal when no per-task handler is given (all-or-nothing passes)", async () => {
    const started: number[] = [];
    await assert.rejects(
      runWorkerPool(5, { concurrency: 1 }, async (task) => {
        started.push(task);
        if (task === 2) throw new Error("judge reply unusable");
      }),
      /judge reply unusable/,
    );
    assert.deepEqual(started, [0, 1, 2]);
  });

  it("stops starting tasks once the signal fires and returns without an error", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await runWorkerPool(10, { concurrency: 2, signal: controller.signal }, async (task) => {
      started.push(task);
      if (task === 3) controller.abort();
      await settle();
    });
    assert.deepEqual(started, [0, 1, 2, 3]);
  });

  it("runs nothing for zero tasks", async () => {
    let calls = 0;
    await runWorkerPool(0, { concurrency: 4 }, async () => {
      calls++;
    });
    assert.equal(calls, 0);
  });
});

describe("Fatal and retryable failures", () => {
  it("classifies by what another try or another task could change", () => {
    const kinds = (
      ["quota", "auth", "server", "connection", "rate-limit", "bad-request"] as const
    ).map((kind) => {
      const error = new ModelCallError(kind, kind, { url: "http://x" });
      return [kind, isFatal(error), isRetryable(error)];
    });
    assert.deepEqual(kinds, [
      ["quota", true, false],
      ["auth", true, false],
      ["server", false, true],
      ["connection", false, true],
      ["rate-limit", false, true],
      ["bad-request", false, false],
    ]);
    assert.equal(isFatal(new PsysimError("MISSING_API_KEY", "set KEY")), true);
    assert.equal(isFatal(new PsysimError("MODEL_SPEC_INVALID", "bad spec")), true);
    assert.equal(isFatal(new PsysimError("CIRCUIT_OPEN", "endpoint down")), true);
    assert.equal(isFatal(new PsysimError("INPUT_INVALID", "bad card")), false);
    assert.equal(isFatal(new Error("plain")), false);
  });
});
