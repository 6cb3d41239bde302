// Arena throughput as a fraction of the ideal: sessions against the fake OpenAI-compatible
// server with a fixed latency. A turn's calls are sequential (client, then both counselors
// at once, then the supervisor — both orders at once), so a T-turn session needs at least
// (3T − 1) latencies, and S sessions at concurrency C at least ceil(S/C) times that.
import { performance } from "node:perf_hooks";
import { join } from "node:path";
import { parseRoleCard } from "../src/core/index.js";
import { createOpenAICompatibleChatModel } from "../src/llm/providers/openai-compatible.js";
import { adHocCounselor, arenaCounselor, runArena } from "../src/arena/index.js";
import { startFakeOpenAIServer } from "../test/fixtures/fake-openai-server.js";
import { tempDir } from "../test/helpers.js";

const LATENCY_MS = 50;
const TURNS = 4;
const CONCURRENCY = 8;
const SESSIONS_PER_PAIR = 8; // 3 counselors → 3 pairs × 8 = 24 sessions

const server = await startFakeOpenAIServer({
  latencyMs: LATENCY_MS,
  reply: (body) =>
    body.model === "judge"
      ? "- Basis for selection: fixture.\n- Final choice: A"
      : body.model === "client"
        ? "I still feel uneasy."
        : `How does that sit with you (${body.model})?`,
});
const model = (name: string) =>
  createOpenAICompatibleChatModel({
    id: `fake:${name}`,
    model: name,
    baseUrls: [server.url],
    apiKey: "bench",
  });
const cards = Array.from({ length: 4 }, (_, k) =>
  parseRoleCard(
    { id: `card-${k}`, language: "en", chief_complaint: `Problem number ${k}.` },
    "bench",
    k + 1,
  ),
);
const counselors = new Map(
  ["c1", "c2", "c3"].map((name) => [name, arenaCounselor(adHocCounselor(name), model(name))]),
);

async function run(bothOrders: boolean): Promise<void> {
  const dir = tempDir("psysim-bench-");
  const start = performance.now();
  const cpu = process.cpuUsage();
  const requests = server.requests.length;
  const summary = await runArena(
    {
      cards,
      counselors: [...counselors.keys()],
      out: join(dir, "b.jsonl"),
      dialoguesOut: join(dir, "d.jsonl"),
      sessionsPerPair: SESSIONS_PER_PAIR,
      maxTurns: TURNS,
      concurrency: CONCURRENCY,
      bothOrders,
      seed: 1,
    },
    { client: model("client"), judge: model("judge"), counselors },
  );
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const calls = server.requests.length - requests;
  const cpuPerCall = (used.user + used.system) / 1000 / calls;
  const ideal = Math.ceil(summary.scheduled / CONCURRENCY) * (3 * TURNS - 1) * LATENCY_MS;
  console.log(
    `${bothOrders ? "both orders" : "one order  "}: ${summary.completed} sessions, ${summary.battles} battles in ${ms.toFixed(0)} ms; ideal ${ideal} ms → ideal/achieved ${(ideal / ms).toFixed(2)}; ${calls} HTTP calls, ${cpuPerCall.toFixed(1)} ms CPU a call (client and server in one process); max in flight ${server.maxInFlight}`,
  );
}

console.log(`latency ${LATENCY_MS} ms, ${TURNS} turns a session, concurrency ${CONCURRENCY}`);
await run(false);
await run(true);
await server.close();
