import { setTimeout as sleepFor } from "node:timers/promises";
import { isRetryable } from "../core/errors.js";
import type { ChatModel } from "./chat-model.js";
import { ModelCallError } from "./model-call-error.js";

export interface RetryOptions {
  /** Attempts in all, the first included; default 5. */
  maxAttempts?: number;
  /** Attempts when the endpoint cannot be reached at all, so a wrong URL fails fast; default 3. */
  maxConnectionAttempts?: number;
  /** First backoff ceiling; doubles each attempt; default 500 ms. */
  baseDelayMs?: number;
  /** Backoff ceiling; default 30 000 ms. */
  maxDelayMs?: number;
  /** The longest Retry-After we honour; default 120 000 ms. */
  maxRetryAfterMs?: number;
  /** Injectable for tests: the wait between attempts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests: uniform in [0, 1). */
  random?: () => number;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (event: { attempt: number; delayMs: number; error: ModelCallError }) => void;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  sleepFor(ms, undefined, signal ? { signal } : undefined);

/**
 * The wait before attempt `attempt + 1`: the server's Retry-After when it sent one,
 * else "full jitter" (uniform in [0, min(max, base·2^(attempt−1))]), which spreads
 * retrying clients apart instead of having them return in lock-step.
 */
export function backoffDelay(
  attempt: number,
  error: ModelCallError,
  options: RetryOptions = {},
): number {
  if (error.retryAfterMs !== undefined)
    return Math.min(error.retryAfterMs, options.maxRetryAfterMs ?? 120_000);
  const ceiling = Math.min(
    options.maxDelayMs ?? 30_000,
    (options.baseDelayMs ?? 500) * 2 ** (attempt - 1),
  );
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/** Runs `call` until it succeeds, fails for good, or the attempts run out. */
export async function retrying<T>(
  call: () => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ModelCallError) || !isRetryable(error) || signal?.aborted) throw error;
      const limit =
        error.kind === "connection"
          ? Math.min(options.maxConnectionAttempts ?? 3, options.maxAttempts ?? 5)
          : (options.maxAttempts ?? 5);
      if (attempt >= limit) {
        throw new ModelCallError(
          error.kind,
          `${error.message} (gave up after ${attempt} attempt${attempt === 1 ? "" : "s"})`,
          {
            url: error.url,
            cause: error,
            ...(error.status === undefined ? {} : { status: error.status }),
          },
        );
      }
      const delayMs = backoffDelay(attempt, error, options);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

/** Retries transient failures (429, 5xx, timeouts, resets, malformed bodies); never 400/401/quota. */
export function withRetry(model: ChatModel, options: RetryOptions = {}): ChatModel {
  return {
    id: model.id,
    ...(model.isBaseline ? { isBaseline: true } : {}),
    complete: (request) => retrying(() => model.complete(request), options, request.signal),
  };
}
