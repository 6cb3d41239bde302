import PQueue from "p-queue";
import { PsysimError } from "../core/errors.js";
import type { ChatModel } from "./chat-model.js";

export interface RateLimits {
  /** Calls in flight at once; default unlimited. */
  maxConcurrency?: number;
  /** Calls started in any rolling minute; default unlimited. */
  requestsPerMinute?: number;
}

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new PsysimError(
      "CONFIG_INVALID",
      `${name} expects a whole number from 1 up, got ${String(value)}`,
    );
  }
}

/** What a model's calls wait in: a slot limit, and for `requests_per_minute` a rolling window. */
export interface CallQueue {
  add<T>(call: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
}

/**
 * At most `limit` calls at once, first come first served. Used when only
 * `max_concurrency` is set (the usual case): p-queue's interval bookkeeping and events
 * cost more per call than the rest of the limit.
 */
class ConcurrencyLimit implements CallQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async add<T>(call: () => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    if (this.active >= this.limit) await this.slot(options.signal);
    else this.active++;
    try {
      return await call();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next caller, so a newcomer cannot jump the queue.
      if (next) next();
      else this.active--;
    }
  }

  private slot(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(take);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      const take = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.waiting.push(take);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/**
 * The queues of one process, one per model, so every agent, judge and command that uses
 * the same model shares its limits (a client and a counselor on one vLLM server together
 * stay under its max_concurrency).
 */
export class RateLimiters {
  private readonly queues = new Map<string, CallQueue>();

  /** The queue for `key`; the limits given the first time a key is seen hold for the process. */
  queueFor(key: string, limits: RateLimits): CallQueue {
    let queue = this.queues.get(key);
    if (!queue) {
      checkLimit("max_concurrency", limits.maxConcurrency);
      checkLimit("requests_per_minute", limits.requestsPerMinute);
      queue =
        limits.requestsPerMinute === undefined
          ? new ConcurrencyLimit(limits.maxConcurrency ?? Number.POSITIVE_INFINITY)
          : new PQueue({
              concurrency: limits.maxConcurrency ?? Number.POSITIVE_INFINITY,
              intervalCap: limits.requestsPerMinute,
              interval: 60_000,
              strict: true,
            });
      this.queues.set(key, queue);
    }
    return queue;
  }
}

/** Shared by every model resolved in this process unless a caller brings its own. */
export const processRateLimiters = new RateLimiters();

/** Holds a slot of the model's queue for the whole call, retries included. */
export function withRateLimit(
  model: ChatModel,
  limits: RateLimits,
  options: { key?: string; limiters?: RateLimiters } = {},
): ChatModel {
  if (limits.maxConcurrency === undefined && limits.requestsPerMinute === undefined) return model;
  const queue = (options.limiters ?? processRateLimiters).queueFor(options.key ?? model.id, limits);
  return {
    id: model.id,
    ...(model.isBaseline ? { isBaseline: true } : {}),
    complete: (request) =>
      queue.add(() => model.complete(request), request.signal ? { signal: request.signal } : {}),
  };
}
