// Wave mode against interactive mode (issue 16): the same sessions through psysim's whole
// call path, once as interactive calls and once as waves of OpenAI Batch API batches, both
// against the fake server (own process; its fake Batch API answers a batch after a few
// status polls). Reported per mode: model calls and HTTP requests per session, waves, wall
// time, and psysim's CPU per model call (user + system CPU of this process, which holds
// only psysim). The fake's turnaround is polls, not the hours a real batch takes: the wall
// times say what psysim costs, not what a provider takes.
// `npm run bench wave [-- quick]`
import { loadavg } from "node:os";
import { join } from "node:path";
import { openWaveMode } from "../src/app/wave-mode.js";
import { simulateOnFake, withFakeServer } from "./fake-simulation.js";

const quick = process.argv.includes("quick");
const SESSIONS = quick ? 256 : 2048;
const SESSION_TURNS = 4; // 4 counselor + 3 client calls per session
const CONCURRENCY = 64; // interactive sessions in flight

async function run(url: string, mode: "interactive" | "wave") {
  let waves = 0;
  const result = await simulateOnFake(url, {
    sessions: SESSIONS,
    concurrency: mode === "wave" ? SESSIONS : CONCURRENCY,
    maxConcurrency: 128,
    tag: mode,
    ...(mode === "wave"
      ? {
          wave: (cache, dir) =>
            openWaveMode({
              batch: "openai",
              dir: join(dir, "batches"),
              pollMs: 5,
              commit: () => cache.flush(),
              onEvent: (e) => {
                if (e.type === "wave-start") waves++;
              },
            }),
        }
      : {}),
  });
  return { ...result, waves };
}

for (const mode of ["interactive", "wave"] as const) {
  const load = loadavg()[0]!.toFixed(1);
  const { value: result, served } = await withFakeServer(
    { latencyMs: 0, sessionTurns: SESSION_TURNS, batchPolls: 2 },
    (url) => run(url, mode),
  );
  const s = result.summary.completed;
  console.log(
    `${mode}: ${s} sessions, ${result.calls} model calls (${(result.calls / s).toFixed(2)} a session), ${served} HTTP requests (${(served / s).toFixed(3)} a session)${mode === "wave" ? `, ${result.waves} waves` : ""}, ${result.seconds.toFixed(1)} s (${(result.calls / result.seconds).toFixed(0)} calls/s); psysim CPU ${result.cpuMsPerCall.toFixed(3)} ms a call; load average ${load} before the run`,
  );
}
