import type { Command } from "commander";
import { UsageError } from "../core/errors.js";
import { formatShard, parseShard } from "../core/shard.js";
import type { ModelContext } from "../app/model-context.js";
import type { ChatModel } from "../llm/chat-model.js";
import type { ModelFlags } from "./common-options.js";
import {
  batchOptions,
  judgeWaveFlags,
  type BatchFlags,
  type WaveSettings,
} from "./wave-options.js";

/** The flags `openJudgeContext` reads. */
export interface JudgeContextFlags extends ModelFlags, BatchFlags {
  dialogues: string;
  shard?: string;
  dryRun?: boolean;
  concurrency?: number;
}

/** `--batch`, `--batch-dir`, `--poll-interval` on an LLM-judged evaluation; `dir` names the default folder in the help. */
export function judgeBatchOptions(
  command: Command,
  kind: string,
  dir = `<dialogues>.${kind}[.shard-k-of-n].batches`,
): Command {
  return batchOptions(command, {
    when: "send the judge's calls as batches, in waves (re-asks of unreadable answers go in the next wave; --concurrency is then calls a wave, default 10000)",
    dir,
    backendDefault: "",
  });
}

/** The default batch folder: one per evaluation and shard, since one process keeps a folder. */
export function defaultJudgeBatchDir(flags: { dialogues: string; shard?: string }, kind: string) {
  const shard =
    flags.shard === undefined
      ? ""
      : `.shard-${formatShard(parseShard(flags.shard)).replace("/", "-of-")}`;
  return `${flags.dialogues}.${kind}${shard}.batches`;
}

/** A baseline judge with `--batch`: nothing would go out as batches, so say so instead of ignoring the flag. */
export function refuseBatchForBaseline(flags: BatchFlags, judge: string): void {
  if (flags.batch !== undefined)
    throw new UsageError(
      `--batch sends an LLM judge's calls as batches; the baseline judge (${judge}) makes none: give --judge a model or drop --batch`,
    );
}

/** The model context of an evaluation whose judge calls run interactively or, with `--batch`, in waves. */
export interface OpenedJudgeContext {
  context: ModelContext;
  wave: WaveSettings | undefined;
  /** `--concurrency`, else psysim.yaml's, else the default; in wave mode the calls a wave. */
  concurrency(configured: number | undefined): number | undefined;
  /** Refuses a judge that makes no model calls when the calls were to go out as batches. */
  checkJudge(judge: ChatModel): void;
  /** The GET /models probe before the first paid call; a batch-files runner has nothing to probe. */
  preflight(): Promise<void>;
  /** Waits for the answers already handed out to be committed (see `WaveQueue.settled`), then closes. */
  close(): Promise<void>;
}

/**
 * Opens the config, call cache and (with `--batch`) the wave queue for `eval <kind>`. The
 * batch folder is locked for this process: two runs polling one folder would each submit
 * the requests the other is waiting for.
 */
export async function openJudgeContext(
  flags: JudgeContextFlags,
  kind: string,
): Promise<OpenedJudgeContext> {
  const wave = judgeWaveFlags(flags, defaultJudgeBatchDir(flags, kind));
  const { openModelContext } = await import("../app/model-context.js");
  const { openWaveMode, WAVE_JUDGE_CALLS_DEFAULT } = await import("../app/wave-mode.js");
  // A dry run opens neither the call cache nor the batch folder.
  const live = wave && !flags.dryRun ? wave : undefined;
  const { OutputLock } = await import("../core/output-lock.js");
  const lock = live && OutputLock.acquire(live.dir, `eval ${kind}`);
  let cache: { flush(): void } | undefined;
  let context: ModelContext;
  const waveMode = live && openWaveMode({ ...live, commit: () => cache?.flush() });
  try {
    context = openModelContext({
      config: flags.config,
      cache: flags.dryRun ? false : flags.cache,
      ...(waveMode && { wave: waveMode }),
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  cache = context.cache;
  return {
    context,
    wave,
    concurrency: (configured) =>
      wave ? (flags.concurrency ?? WAVE_JUDGE_CALLS_DEFAULT) : configured,
    checkJudge: (judge) => {
      if (judge.isBaseline) refuseBatchForBaseline(flags, judge.id);
    },
    preflight: () => context.preflight({ probe: flags.preflight && wave?.batch !== "files" }),
    close: async () => {
      await waveMode?.settled();
      context.close();
      lock?.release();
    },
  };
}
