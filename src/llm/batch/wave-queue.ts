import { canonicalJson, sha256 } from "../../core/hash.js";
import { PsysimError } from "../../core/errors.js";
import type { ChatModel, ChatResponse, SamplingParams } from "../chat-model.js";
import { requestBody, type ChatCompletionBody } from "../providers/openai-compatible.js";
import { batchInputLine, type BatchResult } from "./batch-lines.js";
import type { BatchRunner } from "./batch-runner.js";
import type { BatchRecord, WaveStore } from "./wave-store.js";

/** The requests of one model at one endpoint: they share a batch (a batch holds one model). */
export interface WaveGroup {
  /** The model's identity and endpoint. */
  key: string;
  /** Part of the batch's file names. */
  slug: string;
  runner: BatchRunner;
}

export type WaveEvent =
  | { type: "wave-start"; wave: number; requests: number; batches: number; resumed: number }
  | { type: "wave-end"; wave: number; answered: number; retried: number; failed: number };

export interface WaveQueueOptions {
  store: WaveStore;
  /** Called once a wave's answers are handed out, before its batches are marked applied: commit the call cache here. */
  commit?: () => void;
  /** Waves one request may come back without an answer in before its session fails; default 3. */
  maxWaveAttempts?: number;
  onEvent?: (event: WaveEvent) => void;
}

interface Waiter {
  resolve: (response: ChatResponse) => void;
  reject: (error: unknown) => void;
}

interface Pending {
  customId: string;
  hash: string;
  body: ChatCompletionBody;
  waiters: Waiter[];
}

/**
 * Wave mode (`simulate --mode wave`): a ChatModel that, instead of calling, queues the
 * request and answers when the wave's batch comes back. The session code is the one of
 * interactive mode, unchanged: every live session runs until it waits on a call, so when
 * the process has nothing left to do, the queue holds exactly one step of every live
 * session (a counselor reply, a client reply, or σ's next attempt), and that is the wave.
 * Answers saved on disk but maybe not yet in the cache, and batches still running when a
 * run was killed, are found again by custom_id and request hash.
 */
export class WaveQueue {
  private readonly options: WaveQueueOptions;
  private readonly store: WaveStore;
  private readonly groups = new Map<string, WaveGroup>();
  /** Requests for the next wave, by group, by custom_id. */
  private queued = new Map<string, Map<string, Pending>>();
  /** Requests attached to batches a killed run left running, by batch name. */
  private readonly attached = new Map<string, Map<string, Pending>>();
  /** The group whose model asked for an attached batch's requests (today's name for it). */
  private readonly attachedGroup = new Map<string, string>();
  /** custom_id → batch a killed run submitted it in. */
  private readonly resumable = new Map<string, { record: BatchRecord; hash: string }>();
  /** custom_id → a finished answer whose batch was not yet marked applied. */
  private readonly saved = new Map<string, { hash: string; result: BatchResult }>();
  private readonly failures = new Map<string, number>();
  private enqueued = 0;
  private scheduled = false;
  private flushing = false;
  /** Set while a wave's answers are handed out and not yet committed and marked applied. */
  private handing: { done: Promise<void>; resolve: () => void } | undefined;

  constructor(options: WaveQueueOptions) {
    this.options = options;
    this.store = options.store;
    for (const record of this.store.all()) {
      if (record.status === "applied") continue;
      if (record.status === "done") {
        for (const [id, result] of this.store.results(record))
          if (record.requests[id] !== undefined)
            this.saved.set(id, { hash: record.requests[id]!, result });
      } else
        for (const [id, hash] of Object.entries(record.requests))
          this.resumable.set(id, { record, hash });
    }
  }

  /**
   * Resolves once the answers already handed out are in the cache and their batches marked
   * applied; at once when no wave is being handed out. A command awaits it before it closes
   * the cache: the last wave's answers reach the sessions a few ticks before that bookkeeping.
   */
  settled(): Promise<void> {
    return this.handing?.done ?? Promise.resolve();
  }

  /** A chat model whose calls go into waves of `group`'s batches. */
  model(options: {
    id: string;
    model: string;
    sampling: SamplingParams;
    group: WaveGroup;
  }): ChatModel {
    this.groups.set(options.group.key, options.group);
    return {
      id: options.id,
      complete: (request) =>
        this.enqueue(
          options.group.key,
          request.sampleKey,
          requestBody(options.model, { ...options.sampling, ...request.params }, request),
        ),
    };
  }

  private enqueue(
    group: string,
    customId: string,
    body: ChatCompletionBody,
  ): Promise<ChatResponse> {
    const hash = sha256(canonicalJson(body));
    const saved = this.saved.get(customId);
    if (saved?.hash === hash && "response" in saved.result)
      return Promise.resolve(saved.result.response);
    return new Promise<ChatResponse>((resolve, reject) => {
      const waiter = { resolve, reject };
      const resumable = this.resumable.get(customId);
      if (resumable?.hash === hash) this.attachedGroup.set(resumable.record.name, group);
      const into =
        resumable?.hash === hash
          ? mapOf(this.attached, resumable.record.name)
          : mapOf(this.queued, group);
      const same = into.get(customId);
      if (same && same.hash === hash) same.waiters.push(waiter);
      else if (same)
        reject(
          new PsysimError(
            "MODEL_CALL_FAILED",
            `two different requests share the sample key ${customId} in one wave`,
          ),
        );
      else into.set(customId, { customId, hash, body, waiters: [waiter] });
      this.enqueued++;
      this.schedule();
    });
  }

  /**
   * Flushes once the process is idle: two event-loop turns in a row with no new request
   * mean every session that could move has moved and now waits on this queue.
   */
  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    let seen = -1;
    const tick = (): void => {
      if (this.enqueued !== seen) {
        seen = this.enqueued;
        setImmediate(tick);
        return;
      }
      this.scheduled = false;
      void this.flush();
    };
    setImmediate(tick);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    const work: { record: BatchRecord; group: WaveGroup; pending: Map<string, Pending> }[] = [];
    try {
      const wave = this.store.nextWave();
      for (const [name, pending] of this.attached) {
        const { record } = this.resumable.get(pending.keys().next().value!)!;
        work.push({ record, group: this.groups.get(this.attachedGroup.get(name)!)!, pending });
        this.attached.delete(name);
      }
      const resumed = work.length;
      const queued = this.queued;
      this.queued = new Map();
      for (const [key, pending] of queued) {
        const group = this.groups.get(key)!;
        const list = [...pending.values()];
        const record = this.store.prepare(
          wave,
          key,
          group.slug,
          list.map((p) => batchInputLine(p.customId, p.body)),
          list.map((p) => p.hash),
        );
        work.push({ record, group, pending });
      }
      const requests = work.reduce((n, w) => n + w.pending.size, 0);
      this.options.onEvent?.({ type: "wave-start", wave, requests, batches: work.length, resumed });
      const tally = { answered: 0, retried: 0, failed: 0 };
      const ran = await Promise.all(
        work.map(async ({ record, group, pending }) => {
          try {
            await group.runner.run(record, this.store);
            return true;
          } catch (error) {
            for (const p of pending.values()) p.waiters.forEach((w) => w.reject(error));
            tally.failed += pending.size;
            pending.clear();
            return false;
          }
        }),
      );
      // Answers go out once every batch of the wave is back (no session could move sooner: the
      // next wave waits for this one), so `settled()` never waits on a batch still running.
      let resolve!: () => void;
      this.handing = { done: new Promise<void>((r) => (resolve = r)), resolve };
      work.forEach(({ record, pending }, i) => {
        if (ran[i]) this.apply(record, pending, tally);
      });
      // The sessions take their answers (and the cache stores them) before the batches are marked applied.
      await new Promise((resolve) => setImmediate(resolve));
      this.options.commit?.();
      for (const { record } of work)
        if (record.status === "done") {
          record.status = "applied";
          this.store.save(record);
        }
      this.options.onEvent?.({ type: "wave-end", wave, ...tally });
    } catch (error) {
      for (const { pending } of work)
        for (const p of pending.values()) p.waiters.forEach((w) => w.reject(error));
    } finally {
      for (const { record } of work)
        for (const id of Object.keys(record.requests)) this.resumable.delete(id);
      this.flushing = false;
      this.handing?.resolve();
      this.handing = undefined;
      if (this.queued.size > 0 || this.attached.size > 0) this.schedule();
    }
  }

  /** Hands out the answers; a line without one goes into the next wave, up to the attempt limit. */
  private apply(
    record: BatchRecord,
    pending: Map<string, Pending>,
    tally: { answered: number; retried: number; failed: number },
  ): void {
    const results = this.store.results(record);
    const limit = this.options.maxWaveAttempts ?? 3;
    // A resumed batch may hold answers no session has asked for yet: keep them, they are paid.
    for (const [id, result] of results)
      if (!pending.has(id) && record.requests[id] !== undefined)
        this.saved.set(id, { hash: record.requests[id]!, result });
    for (const p of pending.values()) {
      const result: BatchResult = results.get(p.customId) ?? {
        error: `no line in the batch's output (batch ${record.batch_status ?? record.status})`,
      };
      if ("response" in result) {
        tally.answered++;
        p.waiters.forEach((w) => w.resolve(result.response));
        continue;
      }
      const key = `${p.customId}:${p.hash}`;
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      if (failures >= limit) {
        tally.failed++;
        const error = new PsysimError(
          "MODEL_CALL_FAILED",
          `${p.customId}: no answer in ${failures} waves (last: ${result.error}, batch ${record.name})`,
        );
        p.waiters.forEach((w) => w.reject(error));
        continue;
      }
      tally.retried++;
      mapOf(this.queued, record.group).set(p.customId, p);
    }
  }
}

function mapOf<V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = maps.get(key);
  if (!map) maps.set(key, (map = new Map()));
  return map;
}
