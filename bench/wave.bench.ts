// Wave mode against interactive mode (issue 16): the same sessions through psysim's whole
// call path, once as interactive calls and once as waves of OpenAI Batch API batches, both
// against the fake server (own process; its fake Batch API answers a batch after a few
// status polls). Reported per mode: model calls and HTTP requests per session, waves, wall
// time, and psysim's CPU per model call (user + system CPU of this process, which holds
// only psysim). The fake's turnaround is polls, not the hours a real batch takes: the wall
// times say what psysim costs, not what a provider takes.
// `npm run bench wave [-- quick]`
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CallCache } from "../src/llm/call-cache.js";
import { RateLimiters } from "../src/llm/rate-limit.js";
import { resolveChatModel } from "../src/llm/resolve-model.js";
import { readRoleCards } from "../src/core/read-records.js";
import { simulate } from "../src/simulation/simulate.js";
import { openWaveMode } from "../src/app/wave-mode.js";
import { tempDir } from "../test/helpers.js";
import { card } from "../test/simulation/fixtures.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const quick = process.argv.includes("quick");
const SESSIONS = quick ? 256 : 2048;
const SESSION_TURNS = 4; // 4 counselor + 3 client calls per session
const CONCURRENCY = 64; // interactive sessions in flight

/** HTTP requests the last fake server process answered (it reports them when it exits). */
let lastServed = 0;

/** Runs `body` against a fake server process of its own. */
async function withServer<T>(body: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "test/fixtures/fake-server-process.ts"),
      "0",
      String(SESSION_TURNS),
    ],
    { cwd: root, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, FAKE_BATCH_POLLS: "2" } },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once("line", resolve),
  );
  try {
    return await body(url);
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.on("close", resolve));
    const served = /fake server: (\d+) requests/.exec(stderr);
    if (served) lastServed = Number(served[1]);
  }
}
async function run(url: string, mode: "interactive" | "wave") {
  const dir = tempDir();
  const cardsFile = join(dir, "cards.jsonl");
  let text = "";
  for (let i = 0; i < SESSIONS; i++)
    text += JSON.stringify(card(`${mode}-${i}`, i % 2 ? "en" : "zh")) + "\n";
  writeFileSync(cardsFile, text);
  const cards = await readRoleCards(cardsFile);
  const cache = CallCache.open(join(dir, "cache.sqlite"));
  const config = {
    models: {
      fake: {
        provider: "openai-compatible" as const,
        model: "fake",
        base_url: url,
        max_concurrency: 128,
      },
    },
  };
  let waves = 0;
  const wave =
    mode === "wave"
      ? openWaveMode({
          batch: "openai",
          dir: join(dir, "batches"),
          pollMs: 5,
          commit: () => cache.flush(),
          onEvent: (e) => {
            if (e.type === "wave-start") waves++;
          },
        })
      : undefined;
  const model = await resolveChatModel("fake", {
    config,
    cache,
    limiters: new RateLimiters(),
    ...(wave ? { wave } : {}),
  });
  let calls = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const summary = await simulate(
    {
      cards,
      out: join(dir, "out.jsonl"),
      concurrency: mode === "wave" ? SESSIONS : CONCURRENCY,
      seed: 1,
    },
    { client: model, counselor: model },
    (e) => {
      if (e.type === "usage") calls += e.usage.calls;
    },
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  cache.close();
  return { summary, calls, seconds, waves, cpuMsPerCall: (used.user + used.system) / 1000 / calls };
}

for (const mode of ["interactive", "wave"] as const) {
  const load = loadavg()[0]!.toFixed(1);
  const result = await withServer((url) => run(url, mode));
  const s = result.summary.completed;
  console.log(
    `${mode}: ${s} sessions, ${result.calls} model calls (${(result.calls / s).toFixed(2)} a session), ${lastServed} HTTP requests (${(lastServed / s).toFixed(3)} a session)${mode === "wave" ? `, ${result.waves} waves` : ""}, ${result.seconds.toFixed(1)} s (${(result.calls / result.seconds).toFixed(0)} calls/s); psysim CPU ${result.cpuMsPerCall.toFixed(3)} ms a call; load average ${load} before the run`,
  );
}
