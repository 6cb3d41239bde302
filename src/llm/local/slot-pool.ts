interface Waiter<T> {
  resolve(slot: T): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A fixed set of reusable slots (here: llama.cpp context sequences) handed out one
 * caller at a time. At most `size` callers hold a slot; the others wait in arrival order.
 * A caller may say which free slot it prefers (the one already holding its prompt prefix).
 */
export class SlotPool<T> {
  private readonly free: T[];
  private readonly waiters: Waiter<T>[] = [];
  readonly size: number;

  constructor(slots: readonly T[]) {
    if (slots.length === 0) throw new Error("SlotPool needs at least one slot");
    this.free = [...slots];
    this.size = slots.length;
  }

  get inUse(): number {
    return this.size - this.free.length;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a free slot (the highest `preference`, earliest on ties) or waits for one. */
  acquire(preference?: (slot: T) => number, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.free.length > 0) {
      let best = 0;
      if (preference) {
        let bestScore = -Infinity;
        this.free.forEach((slot, i) => {
          const score = preference(slot);
          if (score > bestScore) [best, bestScore] = [i, score];
        });
      }
      return Promise.resolve(this.free.splice(best, 1)[0]!);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns a slot: the longest-waiting caller gets it, or it goes back to the free set. */
  release(slot: T): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.free.push(slot);
      return;
    }
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(slot);
  }

  /** Runs `task` holding a slot, and always gives the slot back. */
  async use<R>(
    task: (slot: T) => Promise<R>,
    preference?: (slot: T) => number,
    signal?: AbortSignal,
  ): Promise<R> {
    const slot = await this.acquire(preference, signal);
    try {
      return await task(slot);
    } finally {
      this.release(slot);
    }
  }
}
