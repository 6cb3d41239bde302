// Model layer: how close the whole call path (provider → retry → rate limit → cache →
// usage) gets to the ideal throughput against the fake OpenAI-compatible server at a fixed
// latency, with one server and with two replicas; and how much a cache replay saves.
// Ideal = ceil(calls / concurrency) × latency. Reported as ratios from one run, with the
// CPU time a call costs (the machine is shared, so wall-clock ratios move with its load).
// `npm run bench model-layer`. Loopback HTTP only; says nothing about a real server's speed.
import { join } from "node:path";
import { CallCache } from "../src/llm/call-cache.js";
import { RateLimiters } from "../src/llm/rate-limit.js";
import { resolveChatModel } from "../src/llm/resolve-model.js";
import {
  startFakeOpenAIServer,
  type FakeOpenAIServer,
} from "../test/fixtures/fake-openai-server.js";
import { tempDir } from "../test/helpers.js";

const LATENCY_MS = 50;
const CALLS = 240;
const CONCURRENCY = 16;

async function run(
  servers: FakeOpenAIServer[],
  cache: CallCache | null,
  tag: string,
): Promise<{ ms: number; cpuMsPerCall: number; requests: number }> {
  const before = servers.reduce((n, s) => n + s.requests.length, 0);
  const config = {
    models: {
      m: {
        provider: "openai-compatible" as const,
        model: "m",
        base_url: servers.map((s) => s.url),
        max_concurrency: CONCURRENCY,
      },
    },
  };
  const model = await resolveChatModel("m", { config, cache, limiters: new RateLimiters() });
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CALLS }, (_, i) =>
      model.complete({
        messages: [{ role: "user", content: `question ${i}` }],
        sampleKey: `${tag}/${i}`,
      }),
    ),
  );
  const used = process.cpuUsage(cpu);
  return {
    ms: performance.now() - start,
    cpuMsPerCall: (used.user + used.system) / 1000 / CALLS,
    requests: servers.reduce((n, s) => n + s.requests.length, 0) - before,
  };
}

const ideal = Math.ceil(CALLS / CONCURRENCY) * LATENCY_MS;
const one = await startFakeOpenAIServer({ latencyMs: LATENCY_MS });
const pair = [
  await startFakeOpenAIServer({ latencyMs: LATENCY_MS }),
  await startFakeOpenAIServer({ latencyMs: LATENCY_MS }),
];
const cache = CallCache.open(join(tempDir(), "cache.sqlite"));
try {
  const single = await run([one], null, "single");
  const replicas = await run(pair, null, "replicas");
  const fresh = await run([one], cache, "cached");
  const replay = await run([one], cache, "cached");
  console.log(
    `calls ${CALLS}, latency ${LATENCY_MS} ms, max_concurrency ${CONCURRENCY}: ideal ${ideal} ms`,
  );
  console.log(
    `one server:         ideal/achieved = ${(ideal / single.ms).toFixed(2)}  (max in flight ${one.maxInFlight}; CPU ${single.cpuMsPerCall.toFixed(2)} ms a call, client and server together)`,
  );
  console.log(
    `two replicas:       ideal/achieved = ${(ideal / replicas.ms).toFixed(2)}  (split ${pair.map((s) => s.requests.length).join("/")})`,
  );
  console.log(
    `through the cache:  ideal/achieved = ${(ideal / fresh.ms).toFixed(2)}  (CPU ${fresh.cpuMsPerCall.toFixed(2)} ms a call)`,
  );
  console.log(
    `cache replay:       first run / replay = ${(fresh.ms / replay.ms).toFixed(1)}×, HTTP requests on replay ${replay.requests}, CPU ${replay.cpuMsPerCall.toFixed(2)} ms a replayed call`,
  );
} finally {
  cache.close();
  await Promise.all([one.close(), ...pair.map((s) => s.close())]);
}
