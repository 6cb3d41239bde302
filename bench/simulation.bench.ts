// Simulation (Algorithm 1) throughput and footprint against the fake OpenAI-compatible
// server (in its own process) at a fixed per-call latency L, through psysim's whole call
// path (provider → retry → rate limit → SQLite cache → usage) and the batch runner.
//  1. Throughput: N sessions at concurrency C. A session's calls are sequential, so
//     ideal calls/s = C / L; reported: achieved / ideal, and psysim's CPU per call (user +
//     system CPU of this process, which holds only psysim: the server runs in another).
//     N is a multiple of C, so every wave of sessions is full and the ideal is reachable.
//  2. Footprint: 10,000 sessions streamed through, peak RSS of the simulating process.
// `npm run bench simulation [-- quick] [-- c64 | c256 | footprint]` (no setting named: all).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CallCache } from "../src/llm/call-cache.js";
import { RateLimiters } from "../src/llm/rate-limit.js";
import { resolveChatModel } from "../src/llm/resolve-model.js";
import { readRoleCards } from "../src/core/read-records.js";
import { simulate } from "../src/simulation/simulate.js";
import { tempDir } from "../test/helpers.js";
import { card } from "../test/simulation/fixtures.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("quick");
const chosen = args.filter((a) => a !== "quick");
const wants = (name: string) => chosen.length === 0 || chosen.includes(name);

async function withServer<T>(
  latencyMs: number,
  sessionTurns: number,
  body: (url: string) => Promise<T>,
): Promise<T> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "test/fixtures/fake-server-process.ts"),
      String(latencyMs),
      String(sessionTurns),
    ],
    { cwd: root, stdio: ["pipe", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once("line", resolve),
  );
  try {
    return await body(url);
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.on("close", resolve));
  }
}

async function run(url: string, sessions: number, concurrency: number, tag: string) {
  const dir = tempDir();
  const cardsFile = join(dir, "cards.jsonl");
  let text = "";
  for (let i = 0; i < sessions; i++)
    text += JSON.stringify(card(`${tag}-${i}`, i % 2 ? "en" : "zh")) + "\n";
  writeFileSync(cardsFile, text);
  const cards = await readRoleCards(cardsFile);
  const cache = CallCache.open(join(dir, "cache.sqlite"));
  const config = {
    models: {
      fake: {
        provider: "openai-compatible" as const,
        model: "fake",
        base_url: url,
        max_concurrency: concurrency * 2,
      },
    },
  };
  const model = await resolveChatModel("fake", { config, cache, limiters: new RateLimiters() });
  let calls = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const summary = await simulate(
    { cards, out: join(dir, "out.jsonl"), concurrency, seed: 1 },
    { client: model, counselor: model },
    (e) => {
      if (e.type === "usage") calls += e.usage.calls;
    },
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  cache.close();
  return {
    summary,
    calls,
    seconds,
    cpuMsPerCall: (used.user + used.system) / 1000 / calls,
    systemMsPerCall: used.system / 1000 / calls,
  };
}

const SESSION_TURNS = 4; // 4 counselor + 3 client calls per session
const settings = [
  // A single GPU server or a hosted API; each setting has its own target ratio (issue 10).
  { name: "c64", concurrency: 64, latencyMs: 300, waves: quick ? 4 : 16 },
  // A vLLM fleet: many sessions in flight, slow replies.
  { name: "c256", concurrency: 256, latencyMs: 2000, waves: quick ? 2 : 4 },
];
for (const s of settings.filter((s) => wants(s.name))) {
  const sessions = s.concurrency * s.waves;
  const result = await withServer(s.latencyMs, SESSION_TURNS, (url) =>
    run(url, sessions, s.concurrency, `${s.name}`),
  );
  const ideal = s.concurrency / (s.latencyMs / 1000);
  const achieved = result.calls / result.seconds;
  console.log(
    `${s.name}: concurrency ${s.concurrency}, L = ${s.latencyMs} ms: ${result.summary.completed} sessions, ${result.calls} calls in ${result.seconds.toFixed(1)} s; achieved ${achieved.toFixed(1)} calls/s vs ideal ${ideal.toFixed(1)} → ${(achieved / ideal).toFixed(3)}; psysim CPU ${result.cpuMsPerCall.toFixed(2)} ms a call (${result.systemMsPerCall.toFixed(2)} of it in the kernel)`,
  );
}

if (wants("footprint")) {
  const big = quick ? 2000 : 10000;
  const footprint = await withServer(5, 2, (url) => run(url, big, 64, "m"));
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `footprint: ${footprint.summary.completed} sessions (${footprint.calls} calls) streamed to disk in ${footprint.seconds.toFixed(1)} s; peak RSS of this process ${peakMb.toFixed(0)} MB (target ≤ 300 MB); CPU ${footprint.cpuMsPerCall.toFixed(2)} ms a call`,
  );
}
