import { isFatal } from "./errors.js";

export interface WorkerPoolOptions {
  /** Tasks in flight at most (at least 1). */
  concurrency: number;
  /** When it fires, no new task starts; the ones in flight settle and the pool returns. */
  signal?: AbortSignal;
  /**
   * Told about each failure that is not fatal (see `isFatal`), and the pool goes on.
   * Without it every failure is fatal: for all-or-nothing runs such as a judge pass,
   * whose result means nothing with a task missing.
   */
  onTaskError?: (error: unknown, task: number) => void;
}

/**
 * Runs `work` over `count` tasks, in order, with at most `concurrency` in flight. This is
 * psysim's one worker pool, with one rule for failures: a fatal one (missing key, quota
 * exhausted, bad spec, auth refused, circuit breaker open) stops new tasks from starting,
 * lets the in-flight ones settle (so their finished work is kept), and is rethrown; any
 * other failure is handed to `onTaskError` and the pool moves on to the next task.
 */
export async function runWorkerPool(
  count: number,
  options: WorkerPoolOptions,
  work: (task: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let fatal: { error: unknown } | undefined;
  const { signal, onTaskError } = options;
  const worker = async (): Promise<void> => {
    while (fatal === undefined && !signal?.aborted && next < count) {
      const task = next++;
      try {
        await work(task);
      } catch (error) {
        if (onTaskError && !isFatal(error)) onTaskError(error, task);
        else fatal ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, count));
  await Promise.all(Array.from({ length: workers }, worker));
  if (fatal) throw fatal.error;
}
