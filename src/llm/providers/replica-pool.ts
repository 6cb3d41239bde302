/** How calls are spread over several replicas of one model. */
export type BalanceStrategy = "round-robin" | "least-in-flight";

export interface ReplicaPoolOptions {
  strategy?: BalanceStrategy;
  /** How long a replica that failed to answer is passed over while others are healthy; default 10 s. */
  cooldownMs?: number;
  now?: () => number;
}

interface Replica<T> {
  value: T;
  inFlight: number;
  downUntil: number;
}

/**
 * Spreads calls over replicas (e.g. a vLLM fleet behind several base URLs). A replica
 * that fails with a replica-level error (connection refused, reset, timeout, 5xx) is
 * passed over for a cool-down and the same call is tried on another replica, so one dead
 * server costs neither the call nor a retry delay.
 */
export class ReplicaPool<T> {
  private readonly replicas: Replica<T>[];
  private readonly strategy: BalanceStrategy;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private cursor = 0;

  constructor(values: readonly T[], options: ReplicaPoolOptions = {}) {
    if (values.length === 0) throw new Error("ReplicaPool needs at least one replica");
    this.replicas = values.map((value) => ({ value, inFlight: 0, downUntil: 0 }));
    this.strategy = options.strategy ?? "least-in-flight";
    this.cooldownMs = options.cooldownMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.replicas.length;
  }

  async run<R>(
    call: (replica: T) => Promise<R>,
    isReplicaFailure: (error: unknown) => boolean,
  ): Promise<R> {
    const tried = new Set<Replica<T>>();
    for (;;) {
      const replica = this.pick(tried);
      tried.add(replica);
      replica.inFlight++;
      try {
        return await call(replica.value);
      } catch (error) {
        if (!isReplicaFailure(error)) throw error;
        replica.downUntil = this.now() + this.cooldownMs;
        if (tried.size === this.replicas.length) throw error;
      } finally {
        replica.inFlight--;
      }
    }
  }

  /** Healthy untried replicas first; if all are cooling down, any untried one. */
  private pick(tried: ReadonlySet<Replica<T>>): Replica<T> {
    const n = this.replicas.length;
    // One server (the usual case): nothing to choose, and this runs on every call.
    if (n === 1) return this.replicas[0]!;
    const now = this.now();
    const order = Array.from({ length: n }, (_, i) => this.replicas[(this.cursor + i) % n]!).filter(
      (r) => !tried.has(r),
    );
    const healthy = order.filter((r) => r.downUntil <= now);
    const candidates = healthy.length > 0 ? healthy : order;
    let best = candidates[0]!;
    if (this.strategy === "least-in-flight") {
      for (const r of candidates) if (r.inFlight < best.inFlight) best = r;
    }
    this.cursor = (this.replicas.indexOf(best) + 1) % n;
    return best;
  }
}
