import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { parseBatchBackend, type WaveModeOptions } from "../app/wave-mode.js";
import type { WaveEvent } from "../llm/batch/wave-queue.js";
import { parsePositiveInt } from "./run-action.js";

/** What `batchOptions` adds to a command's flags. */
export interface BatchFlags {
  batch?: string;
  batchDir?: string;
  pollInterval?: number;
  cache: string | boolean;
}

/** What `waveOptions` adds to a command's flags. */
export interface WaveFlags extends BatchFlags {
  mode?: string;
}

/** The wave-mode settings a command's flags ask for (the caller adds the cache commit). */
export type WaveSettings = Omit<WaveModeOptions, "commit">;

/**
 * `--batch`, `--batch-dir`, `--poll-interval`, declared once: `when` says what turns wave
 * mode on (`--mode wave` for simulate and arena; `--batch` itself for eval, whose `--mode`
 * already names WAI's rating mode), `dir` the default batch folder.
 */
export function batchOptions(
  command: Command,
  { when, dir, backendDefault }: { when: string; dir: string; backendDefault: string },
): Command {
  return command
    .option(
      "--batch <backend>",
      `${when}: openai (Batch API: upload, create, poll, download) | files (write <batch-dir>/wave-*.input.jsonl, wait for the matching .output.jsonl from vLLM run-batch or another runner)${backendDefault}`,
    )
    .option(
      "--batch-dir <dir>",
      `wave mode: the batches, their ids and results (default ${dir}); a rerun resumes them`,
    )
    .option(
      "--poll-interval <ms>",
      "wave mode: first wait between batch polls (default 5000 for openai, 1000 for files), growing to 60 s",
      parsePositiveInt("--poll-interval"),
    );
}

/** `--mode` and the batch flags, for simulate and arena. */
export function waveOptions(command: Command): Command {
  return batchOptions(
    command.option(
      "--mode <mode>",
      "interactive (calls as sessions need them) | wave (every live session advances one step a wave; each wave goes out as batches; --concurrency is then sessions per wave, default 10000)",
    ),
    { when: "wave mode", dir: "<out>.batches", backendDefault: "; default openai" },
  );
}

/** The wave-mode settings the flags ask for, checked before anything runs; undefined in interactive mode. */
export function waveFlags(flags: WaveFlags, out: string): WaveSettings | undefined {
  const mode = flags.mode ?? "interactive";
  if (mode !== "interactive" && mode !== "wave")
    throw new UsageError(`--mode expects interactive or wave, got "${mode}"`);
  if (mode === "interactive") {
    if (flags.batch !== undefined || flags.batchDir !== undefined)
      throw new UsageError("--batch and --batch-dir need --mode wave");
    return undefined;
  }
  return batchSettings(flags, `${out}.batches`, "--mode wave");
}

/** Eval's form: `--batch` alone means wave mode; undefined without it. */
export function judgeWaveFlags(flags: BatchFlags, dir: string): WaveSettings | undefined {
  if (flags.batch === undefined) {
    if (flags.batchDir !== undefined || flags.pollInterval !== undefined)
      throw new UsageError("--batch-dir and --poll-interval need --batch openai|files");
    return undefined;
  }
  return batchSettings(flags, dir, `--batch ${flags.batch}`);
}

function batchSettings(flags: BatchFlags, dir: string, flag: string): WaveSettings {
  if (flags.cache === false)
    throw new UsageError(
      `${flag} keeps every answer in the call cache so a rerun never pays twice; drop --no-cache`,
    );
  return {
    batch: parseBatchBackend(flags.batch ?? "openai"),
    dir: flags.batchDir ?? dir,
    ...(flags.pollInterval === undefined ? {} : { pollMs: flags.pollInterval }),
    onEvent: (event) => process.stderr.write(formatWaveEvent(event) + "\n"),
  };
}

function formatWaveEvent(event: WaveEvent): string {
  if (event.type === "wave-start")
    return `wave ${event.wave}: ${event.requests} requests in ${event.batches} batch${event.batches === 1 ? "" : "es"}${event.resumed ? ` (${event.resumed} resumed from an earlier run)` : ""}`;
  return `wave ${event.wave} done: ${event.answered} answered, ${event.retried} into the next wave, ${event.failed} failed`;
}
