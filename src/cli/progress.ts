import { PsysimError } from "../core/errors.js";
import cliProgress from "cli-progress";
import { addUsageByRole, type Usage, type UsageByRole } from "../core/usage.js";

export function formatTokens(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** `client 12 calls 3.4k tok $0.01 · counselor …` — usage by role on one line. */
export function formatUsage(usage: UsageByRole): string {
  return Object.entries(usage)
    .map(
      ([role, u]) =>
        `${role} ${u.calls} calls${u.cached_calls ? ` (${u.cached_calls} cached)` : ""} ${formatTokens(u.prompt_tokens + u.completion_tokens)} tok ${formatCost(u)}`,
    )
    .join(" · ");
}

/** `$0.0123`, or "cost unknown" when some fresh calls went to a model without a `price`. */
export function formatCost(usage: Usage): string {
  if (!usage.unpriced_calls) return `$${usage.cost_usd.toFixed(4)}`;
  return usage.cost_usd > 0 ? `$${usage.cost_usd.toFixed(4)} + cost unknown` : "cost unknown";
}

/**
 * A progress bar on stderr with items done, ETA and usage by role. Without a TTY
 * (CI logs, nohup) it prints the same line periodically instead of redrawing.
 */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private readonly usage: UsageByRole = {};
  private started = false;

  constructor(unit: string, options: { intervalMs?: number; stream?: NodeJS.WriteStream } = {}) {
    this.bar = new cliProgress.SingleBar(
      {
        format: `{bar} {value}/{total} ${unit} | ETA {eta_formatted} | {usage}`,
        stream: options.stream ?? process.stderr,
        noTTYOutput: true,
        notTTYSchedule: options.intervalMs ?? 5000,
        etaBuffer: 50,
        hideCursor: false,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number): void {
    this.started = true;
    this.bar.start(total, 0, { usage: "" });
  }

  spend(role: string, usage: Usage): void {
    addUsageByRole(this.usage, role, usage);
    if (this.started) this.bar.update({ usage: formatUsage(this.usage) });
  }

  tick(): void {
    if (this.started) this.bar.increment(1, { usage: formatUsage(this.usage) });
  }

  /**
   * Follows a resumable run's events (simulate, arena): `run-start` sets the total, `usage`
   * adds spend, and every other event finishes one item.
   */
  readonly follow = (
    event:
      | { type: "run-start"; total: number }
      | { type: "usage"; role: string; usage: Usage }
      | { type: "session-end" | "session-failed" },
  ): void => {
    if (event.type === "run-start") this.start(event.total);
    else if (event.type === "usage") this.spend(event.role, event.usage);
    else this.tick();
  };

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

/**
 * How a run with failed sessions ends: one line naming the first failure, after the
 * finished sessions are on disk, saying that a rerun retries only the failed ones.
 */
export function failedSessionsError(
  failed: readonly { dialogueId: string; error: string }[],
  attempted: number,
): PsysimError {
  const first = failed[0]!;
  return new PsysimError(
    "MODEL_CALL_FAILED",
    `${failed.length} of ${attempted} sessions failed (first: ${first.dialogueId}: ${first.error}); rerun the same command to retry them — finished calls replay from the cache`,
  );
}
