import { existsSync } from "node:fs";
import type { BatchRecord, WaveStore } from "./wave-store.js";

/**
 * Takes a batch whose input file is written to `done`: its results on disk as
 * `<name>.output.jsonl` (and `<name>.errors.jsonl`). It must save every provider id in the
 * record before the next step, so that a rerun after `kill -9` picks up where this one was.
 */
export interface BatchRunner {
  run(record: BatchRecord, store: WaveStore): Promise<void>;
}

/** How often a runner looks again: from `firstMs`, growing by half each time, up to `maxMs`. */
export interface PollSettings {
  firstMs: number;
  maxMs: number;
  /** Injectable for tests; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_POLL: PollSettings = { firstMs: 5_000, maxMs: 60_000 };

export const sleepMs = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `check` with backoff until it returns a value. */
export async function pollUntil<T>(
  poll: PollSettings,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const sleep = poll.sleep ?? sleepMs;
  let wait = poll.firstMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(wait);
    wait = Math.min(poll.maxMs, Math.ceil(wait * 1.5));
  }
}

/**
 * `--batch files`: psysim writes each batch's input JSONL and waits for an outside runner
 * (vLLM's `run_batch`, a cluster job, any tool that reads the same format) to put
 * `<name>.output.jsonl` beside it. The runner must write the output under another name and
 * rename it when complete, so psysim never reads half a file.
 */
export class FileBatchRunner implements BatchRunner {
  private readonly poll: PollSettings;

  constructor(poll: PollSettings = { firstMs: 1_000, maxMs: 10_000 }) {
    this.poll = poll;
  }

  async run(record: BatchRecord, store: WaveStore): Promise<void> {
    if (record.status === "prepared") {
      record.status = "submitted";
      store.save(record);
    }
    const output = store.path(record, "output");
    await pollUntil(this.poll, () => (existsSync(output) ? true : undefined));
    record.status = "done";
    record.batch_status = "completed";
    record.finished_at = new Date().toISOString();
    store.save(record);
  }
}
