// Simulation (Algorithm 1) throughput and footprint against the fake OpenAI-compatible
// server (in its own process) at a fixed per-call latency L, through psysim's whole call
// path (provider → retry → rate limit → SQLite cache → usage) and the batch runner.
//  1. Throughput: N sessions at concurrency C. A session's calls are sequential, so
//     ideal calls/s = C / L; reported: achieved / ideal, and psysim's CPU per call (user +
//     system CPU of this process, which holds only psysim: the server runs in another).
//     N is a multiple of C, so every wave of sessions is full and the ideal is reachable.
//  2. Footprint: 10,000 sessions streamed through, peak RSS of the simulating process.
// `npm run bench simulation [-- quick] [-- c64 | c256 | footprint]` (no setting named: all).
import { simulateOnFake, withFakeServer } from "./fake-simulation.js";

const args = process.argv.slice(2);
const quick = args.includes("quick");
const chosen = args.filter((a) => a !== "quick");
const wants = (name: string) => chosen.length === 0 || chosen.includes(name);

const SESSION_TURNS = 4; // 4 counselor + 3 client calls per session
const settings = [
  // A single GPU server or a hosted API; each setting has its own target ratio (issue 10).
  { name: "c64", concurrency: 64, latencyMs: 300, waves: quick ? 4 : 16 },
  // A vLLM fleet: many sessions in flight, slow replies.
  { name: "c256", concurrency: 256, latencyMs: 2000, waves: quick ? 2 : 4 },
];
for (const s of settings.filter((s) => wants(s.name))) {
  const sessions = s.concurrency * s.waves;
  const { value: result } = await withFakeServer(
    { latencyMs: s.latencyMs, sessionTurns: SESSION_TURNS },
    (url) =>
      simulateOnFake(url, {
        sessions,
        concurrency: s.concurrency,
        maxConcurrency: s.concurrency * 2,
        tag: s.name,
      }),
  );
  const ideal = s.concurrency / (s.latencyMs / 1000);
  const achieved = result.calls / result.seconds;
  console.log(
    `${s.name}: concurrency ${s.concurrency}, L = ${s.latencyMs} ms: ${result.summary.completed} sessions, ${result.calls} calls in ${result.seconds.toFixed(1)} s; achieved ${achieved.toFixed(1)} calls/s vs ideal ${ideal.toFixed(1)} → ${(achieved / ideal).toFixed(3)}; psysim CPU ${result.cpuMsPerCall.toFixed(2)} ms a call (${result.systemMsPerCall.toFixed(2)} of it in the kernel)`,
  );
}

if (wants("footprint")) {
  const big = quick ? 2000 : 10000;
  const { value: footprint } = await withFakeServer({ latencyMs: 5, sessionTurns: 2 }, (url) =>
    simulateOnFake(url, { sessions: big, concurrency: 64, maxConcurrency: 128, tag: "m" }),
  );
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `footprint: ${footprint.summary.completed} sessions (${footprint.calls} calls) streamed to disk in ${footprint.seconds.toFixed(1)} s; peak RSS of this process ${peakMb.toFixed(0)} MB (target ≤ 300 MB); CPU ${footprint.cpuMsPerCall.toFixed(2)} ms a call`,
  );
}
