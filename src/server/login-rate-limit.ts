/**
 * Failed-login throttling, kept in the database so a restart does not clear it. Every attempt
 * is counted before its password is checked, in one transaction with the check of the limits,
 * so a burst of concurrent guesses cannot slip past the count. Two counters:
 *
 * - per account: after `account.maxFailures` failures within `windowMs` the account waits
 *   `baseBlockMs`, doubling with every further failure up to `maxBlockMs`;
 * - per address: the same with a much higher limit, so one office behind a proxy (many
 *   people, one address) is not locked out by a few typos under other names.
 *
 * A correct login clears the account's count and takes its own attempt back off the
 * address's, so someone who logs in correctly is never counted against their colleagues.
 */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
  baseBlockMs: number;
  maxBlockMs: number;
}

export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export interface LoginThrottleSettings {
  account: ThrottleRule;
  address: ThrottleRule;
  now: () => number;
}

const MINUTE = 60_000;

/** Documented in docs/annotation-platform.md ("Login limits"). */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = {
  account: { maxFailures: 5, windowMs: 15 * MINUTE, baseBlockMs: MINUTE, maxBlockMs: 60 * MINUTE },
  address: { maxFailures: 30, windowMs: 15 * MINUTE, baseBlockMs: MINUTE, maxBlockMs: 60 * MINUTE },
  now: Date.now,
};

/** Where the counters live: one transaction reads the rows of `keys` and writes what `decide` returns (null deletes). */
export interface ThrottleStore {
  updateThrottle(
    keys: readonly string[],
    decide: (rows: ReadonlyMap<string, ThrottleState>) => Map<string, ThrottleState | null>,
  ): void;
}

/** One more attempt under `rule`: how long to wait (0: go ahead), and the state it leaves. */
export function admitAttempt(
  state: ThrottleState | undefined,
  rule: ThrottleRule,
  now: number,
): { waitMs: number; next: ThrottleState } {
  if (state && state.blockedUntil > now) return { waitMs: state.blockedUntil - now, next: state };
  const recent = state && now - state.lastFailureAt < rule.windowMs ? state.failures : 0;
  const failures = recent + 1;
  const over = failures - rule.maxFailures;
  const blockedUntil =
    over >= 0 ? now + Math.min(rule.maxBlockMs, rule.baseBlockMs * 2 ** Math.min(over, 30)) : 0;
  return { waitMs: 0, next: { failures, lastFailureAt: now, blockedUntil } };
}

export class LoginRateLimit {
  readonly settings: LoginThrottleSettings;

  constructor(
    private readonly store: ThrottleStore,
    settings: Partial<LoginThrottleSettings> = {},
  ) {
    this.settings = { ...DEFAULT_LOGIN_THROTTLE, ...settings };
  }

  private keys(account: string, address: string): [string, string] {
    return [`account:${account.toLowerCase()}`, `address:${address}`];
  }

  /**
   * Counts an attempt before its password is checked: the milliseconds to wait when either
   * counter is blocked (nothing is counted then), or 0 to go ahead.
   */
  attempt(account: string, address: string): number {
    const keys = this.keys(account, address);
    const rules = [this.settings.account, this.settings.address];
    const now = this.settings.now();
    let waitMs = 0;
    this.store.updateThrottle(keys, (rows) => {
      const admitted = keys.map((key, k) => admitAttempt(rows.get(key), rules[k]!, now));
      waitMs = Math.max(...admitted.map((a) => a.waitMs));
      // Refused: nothing is counted, so waiting out the block is enough.
      if (waitMs > 0) return new Map();
      return new Map(keys.map((key, k) => [key, admitted[k]!.next]));
    });
    return waitMs;
  }

  /** The password was right: the account starts afresh, and this attempt is not held against the address. */
  succeeded(account: string, address: string): void {
    const [accountKey, addressKey] = this.keys(account, address);
    this.store.updateThrottle([accountKey, addressKey], (rows) => {
      const address = rows.get(addressKey);
      const refunded =
        address && address.failures > 1 ? { ...address, failures: address.failures - 1 } : null;
      return new Map([
        [accountKey, null],
        [addressKey, refunded && refunded.blockedUntil === 0 ? refunded : (address ?? null)],
      ]);
    });
  }
}
