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

/**
 * The queues of one process, one per model, so every agent, judge and command that uses
 * the same model shares its limits (a client and a counselor on one vLLM server together
 * stay under its max_concurrency).
 */
export class RateLimiters {
  private readonly queues = new Map<string, PQueue>();

  /** The queue for `key`; the limits given the first time a key is seen hold for the process. */
  queueFor(key: string, limits: RateLimits): PQueue {
    let queue = this.queues.get(key);
    if (!queue) {
      checkLimit("max_concurrency", limits.maxConcurrency);
      checkLimit("requests_per_minute", limits.requestsPerMinute);
      queue = new PQueue({
        concurrency: limits.maxConcurrency ?? Number.POSITIVE_INFINITY,
        ...(limits.requestsPerMinute === undefined
          ? {}
          : { intervalCap: limits.requestsPerMinute, interval: 60_000, strict: true }),
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
