// What the simulation benchmarks share: the fake OpenAI-compatible server in a process of
// its own (so this process holds only psysim's work and its CPU time is psysim's), and one
// measured `simulate` run through psysim's whole call path against it. Not a benchmark
// itself (bench/run.ts runs only *.bench.ts).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { readRoleCards } from "../src/core/read-records.js";
import { CallCache } from "../src/llm/call-cache.js";
import { RateLimiters } from "../src/llm/rate-limit.js";
import { resolveChatModel, type ResolveModelOptions } from "../src/llm/resolve-model.js";
import { simulate, type SimulateSummary } from "../src/simulation/simulate.js";
import { tempDir } from "../test/helpers.js";
import { card } from "../test/simulation/fixtures.js";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface FakeServerSettings {
  latencyMs: number;
  /** Counselor turns before the fake client says goodbye. */
  sessionTurns: number;
  /** Status polls a fake batch spends in each state (the fake Batch API). */
  batchPolls?: number;
}

/**
 * Runs `body` against `test/fixtures/fake-server-process.ts`, stopping the server after it.
 * Returns the body's value and the HTTP requests the server answered (it reports them on
 * exit; its stderr is passed through).
 */
export async function withFakeServer<T>(
  settings: FakeServerSettings,
  body: (url: string) => Promise<T>,
): Promise<{ value: T; served: number }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "test/fixtures/fake-server-process.ts"),
      String(settings.latencyMs),
      String(settings.sessionTurns),
    ],
    {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, FAKE_BATCH_POLLS: String(settings.batchPolls ?? 1) },
    },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  const url = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once("line", resolve),
  );
  let value: T;
  try {
    value = await body(url);
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.on("close", resolve));
  }
  return { value, served: Number(/fake server: (\d+) requests/.exec(stderr)?.[1] ?? 0) };
}

export interface SimulationRun {
  summary: SimulateSummary;
  calls: number;
  seconds: number;
  /** psysim's user + system CPU per model call, in ms. */
  cpuMsPerCall: number;
  systemMsPerCall: number;
}

/**
 * `sessions` cards (zh and en in turn) simulated at `concurrency` against the fake server
 * at `url`, with a fresh call cache; `wave` turns the calls into batches (wave mode).
 */
export async function simulateOnFake(
  url: string,
  options: {
    sessions: number;
    concurrency: number;
    /** The model's `max_concurrency`. */
    maxConcurrency: number;
    tag: string;
    wave?: (cache: CallCache, dir: string) => NonNullable<ResolveModelOptions["wave"]>;
  },
): Promise<SimulationRun> {
  const dir = tempDir();
  const cardsFile = join(dir, "cards.jsonl");
  let text = "";
  for (let i = 0; i < options.sessions; i++)
    text += JSON.stringify(card(`${options.tag}-${i}`, i % 2 ? "en" : "zh")) + "\n";
  writeFileSync(cardsFile, text);
  const cards = await readRoleCards(cardsFile);
  const cache = CallCache.open(join(dir, "cache.sqlite"));
  const config = {
    models: {
      fake: {
        provider: "openai-compatible" as const,
        model: "fake",
        base_url: url,
        max_concurrency: options.maxConcurrency,
      },
    },
  };
  const wave = options.wave?.(cache, dir);
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
    { cards, out: join(dir, "out.jsonl"), concurrency: options.concurrency, seed: 1 },
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
