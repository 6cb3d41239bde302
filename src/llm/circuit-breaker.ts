import { PsysimError } from "../core/errors.js";
import type { ChatModel } from "./chat-model.js";
import { ModelCallError, type ModelFailureKind } from "./model-call-error.js";

/** Calls in a row that may fail at the endpoint before a run stops; `max_consecutive_failures`. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 8;

/** Failures that say the endpoint (every replica) is down, not that one request was bad. */
const ENDPOINT_DOWN: ReadonlySet<ModelFailureKind> = new Set(["connection", "server", "timeout"]);

/**
 * Counts calls to one endpoint that failed for good (retries spent) in a row, across every
 * session of a run. After `limit` of them it opens: the failing call and every later one
 * throw `CIRCUIT_OPEN`, which the worker pool treats as fatal, so a dead server stops the
 * run with one line instead of failing the remaining sessions one by one. A success in
 * between resets the count; finished sessions stay written, and a rerun resumes.
 */
export class CircuitBreaker {
  private failures = 0;
  private open: PsysimError | undefined;

  constructor(
    private readonly name: string,
    private readonly limit: number = DEFAULT_MAX_CONSECUTIVE_FAILURES,
  ) {
    if (!(Number.isInteger(limit) && limit >= 1))
      throw new PsysimError(
        "CONFIG_INVALID",
        `max_consecutive_failures expects a whole number from 1 up, got ${String(limit)}`,
      );
  }

  /** Throws once the breaker is open. */
  check(): void {
    if (this.open) throw this.open;
  }

  succeeded(): void {
    if (!this.open) this.failures = 0;
  }

  /** Records a failed call; returns the error to throw (CIRCUIT_OPEN once the limit is reached). */
  failed(error: unknown): unknown {
    if (this.open) return this.open;
    if (!(error instanceof ModelCallError) || !ENDPOINT_DOWN.has(error.kind)) {
      // A bad request or a quota error says nothing about whether the endpoint is up.
      return error;
    }
    this.failures++;
    if (this.failures < this.limit) return error;
    this.open = new PsysimError(
      "CIRCUIT_OPEN",
      `circuit breaker: model "${this.name}": ${this.limit} calls in a row failed at the endpoint (last: ${error.message}); finished work is saved: fix the server, then rerun the same command to resume (the limit is max_consecutive_failures)`,
      { cause: error },
    );
    return this.open;
  }
}

/**
 * The breakers of one run, one per endpoint key. Each command run gets its own (see
 * `openModelContext`), so a breaker opened by one run never blocks the next.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();

  breakerFor(key: string, name: string, limit?: number): CircuitBreaker {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(name, limit);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }
}

/** Stops calling a model whose endpoint failed `limit` calls in a row (see `CircuitBreaker`). */
export function withCircuitBreaker(model: ChatModel, breaker: CircuitBreaker): ChatModel {
  return {
    id: model.id,
    ...(model.isBaseline ? { isBaseline: true } : {}),
    complete: async (request) => {
      breaker.check();
      try {
        const response = await model.complete(request);
        breaker.succeeded();
        return response;
      } catch (error) {
        if (request.signal?.aborted) throw error;
        throw breaker.failed(error);
      }
    },
  };
}
