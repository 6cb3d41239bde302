import { UsageError } from "../core/errors.js";
import { FileBatchRunner, type PollSettings } from "../llm/batch/batch-runner.js";
import { OpenAIBatchRunner } from "../llm/batch/openai-batch-runner.js";
import { WaveQueue, type WaveEvent } from "../llm/batch/wave-queue.js";
import { WaveStore } from "../llm/batch/wave-store.js";
import type { ResolveModelOptions } from "../llm/resolve-model.js";

export type BatchBackend = "openai" | "files";

/** Sessions advanced together in wave mode unless `--concurrency` says otherwise: bounded by memory, not by the provider. */
export const WAVE_SESSIONS_DEFAULT = 10_000;

/**
 * Judge calls in one wave of `eval --batch` unless `--concurrency` says otherwise. Each call
 * carries a whole transcript, so this keeps a wave's input file well under the Batch API's
 * 200 MB (and 50,000 requests) a batch; more calls simply take more waves.
 */
export const WAVE_JUDGE_CALLS_DEFAULT = 10_000;

export interface WaveModeOptions {
  batch: BatchBackend;
  /** Where batches, their ids and results are kept (`--batch-dir`). */
  dir: string;
  /** First wait between polls; it grows by half up to a minute. */
  pollMs?: number;
  /** Commits the call cache (called after each wave's answers are handed out). */
  commit: () => void;
  onEvent?: (event: WaveEvent) => void;
}

export function parseBatchBackend(value: string): BatchBackend {
  if (value === "openai" || value === "files") return value;
  throw new UsageError(`--batch expects openai or files, got "${value}"`);
}

/** The queue and runners behind `--mode wave`, for `openModelContext({ wave })`. */
export interface WaveMode extends NonNullable<ResolveModelOptions["wave"]> {
  /** Resolves once the answers handed out are committed and their batches marked applied. */
  settled(): Promise<void>;
}

export function openWaveMode(options: WaveModeOptions): WaveMode {
  const poll = (firstMs: number): PollSettings => ({
    firstMs: options.pollMs ?? firstMs,
    maxMs: Math.max(options.pollMs ?? 0, 60_000),
  });
  let queue: WaveQueue | undefined;
  return {
    // Opened with the first remote model: a run whose models are all baselines leaves no folder behind.
    get queue() {
      return (queue ??= new WaveQueue({
        store: new WaveStore(options.dir),
        commit: options.commit,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      }));
    },
    settled: () => queue?.settled() ?? Promise.resolve(),
    runner: (target) =>
      options.batch === "files"
        ? new FileBatchRunner(poll(1_000))
        : new OpenAIBatchRunner({
            id: target.id,
            baseUrl: target.baseUrl,
            apiKey: target.apiKey,
            ...(target.keyEnv === undefined ? {} : { keyEnv: target.keyEnv }),
            poll: poll(5_000),
          }),
  };
}
