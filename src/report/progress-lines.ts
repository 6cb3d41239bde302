/**
 * Progress as plain periodic lines ("label: 120/1000 (12%), ETA 1m05s"), which work in a
 * terminal, a log file and CI alike. Prints at most every `everyMs` and always at the end.
 */
export function progressLines(label: string, options: { everyMs?: number; write?: (line: string) => void; now?: () => number } = {}): (done: number, total: number) => void {
  const everyMs = options.everyMs ?? 2000;
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const now = options.now ?? Date.now;
  const started = now();
  let last = -Infinity;
  return (done, total) => {
    const t = now();
    if (done < total && t - last < everyMs) return;
    last = t;
    const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
    const elapsed = t - started;
    const eta = done > 0 && done < total ? `, ETA ${duration(((total - done) * elapsed) / done)}` : "";
    write(`${label}: ${done}/${total} (${pct}%)${eta}`);
  };
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
