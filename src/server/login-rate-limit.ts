/**
 * Failed-login throttle: at most `maxFailures` failures per key (account name and client
 * address, counted separately) within `windowMs`. Pure bookkeeping over an injected clock.
 */
export class LoginRateLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly options: { maxFailures: number; windowMs: number; now: () => number } = {
      maxFailures: 5,
      windowMs: 15 * 60_000,
      now: Date.now,
    },
  ) {}

  /** Milliseconds until the key may try again, or 0 if it may try now. */
  retryAfterMs(keys: readonly string[]): number {
    const now = this.options.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= this.options.maxFailures)
        wait = Math.max(wait, recent[0]! + this.options.windowMs - now);
    }
    return wait;
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.options.now();
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** A successful login clears the account's count, not the address's: one right guess does not reset a spray. */
  recordSuccess(accountKey: string): void {
    this.failures.delete(accountKey);
  }

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => t > now - this.options.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    return kept;
  }
}
