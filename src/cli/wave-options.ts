import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { parseBatchBackend, type WaveModeOptions } from "../app/wave-mode.js";
import type { WaveEvent } from "../llm/batch/wave-queue.js";
import { parsePositiveInt } from "./run-action.js";

/** What `waveOptions` adds to a command's flags. */
export interface WaveFlags {
  mode?: string;
  batch?: string;
  batchDir?: string;
  pollInterval?: number;
  cache: string | boolean;
}

/** `--mode`, `--batch`, `--batch-dir`, `--poll-interval`: declared once for simulate and arena. */
export function waveOptions(command: Command): Command {
  return command
    .option(
      "--mode <mode>",
      "interactive (calls as sessions need them) | wave (every live session advances one step a wave; each wave goes out as batches; --concurrency is then sessions per wave, default 10000)",
    )
    .option(
      "--batch <backend>",
      "wave mode: openai (Batch API: upload, create, poll, download) | files (write <batch-dir>/wave-*.input.jsonl, wait for the matching .output.jsonl from vLLM run-batch or another runner); default openai",
    )
    .option(
      "--batch-dir <dir>",
      "wave mode: the batches, their ids and results (default <out>.batches); a rerun resumes them",
    )
    .option(
      "--poll-interval <ms>",
      "wave mode: first wait between batch polls (default 5000 for openai, 1000 for files), growing to 60 s",
      parsePositiveInt("--poll-interval"),
    );
}

/** The wave-mode settings the flags ask for, checked before anything runs; undefined in interactive mode. */
export function waveFlags(
  flags: WaveFlags,
  out: string,
): Omit<WaveModeOptions, "commit"> | undefined {
  const mode = flags.mode ?? "interactive";
  if (mode !== "interactive" && mode !== "wave")
    throw new UsageError(`--mode expects interactive or wave, got "${mode}"`);
  if (mode === "interactive") {
    if (flags.batch !== undefined || flags.batchDir !== undefined)
      throw new UsageError("--batch and --batch-dir need --mode wave");
    return undefined;
  }
  if (flags.cache === false)
    throw new UsageError(
      "--mode wave keeps every answer in the call cache so a rerun never pays twice; drop --no-cache",
    );
  return {
    batch: parseBatchBackend(flags.batch ?? "openai"),
    dir: flags.batchDir ?? `${out}.batches`,
    ...(flags.pollInterval === undefined ? {} : { pollMs: flags.pollInterval }),
    onEvent: (event) => process.stderr.write(formatWaveEvent(event) + "\n"),
  };
}

function formatWaveEvent(event: WaveEvent): string {
  if (event.type === "wave-start")
    return `wave ${event.wave}: ${event.requests} requests in ${event.batches} batch${event.batches === 1 ? "" : "es"}${event.resumed ? ` (${event.resumed} resumed from an earlier run)` : ""}`;
  return `wave ${event.wave} done: ${event.answered} answered, ${event.retried} into the next wave, ${event.failed} failed`;
}
