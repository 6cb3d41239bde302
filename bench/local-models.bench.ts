// Local models: generation throughput (tokens/s) at 1 and 2 llama.cpp threads, and whole
// sessions per minute, with 1, 2 and 4 callers sharing one loaded tiny random-weight
// model. Reported as ratios to the 1-caller figure of the same run, to show that sharing
// one context works (throughput does not collapse under concurrency).
// `npm run bench local-models`. The tiny model says nothing about a 7B model's speed.
import { rmSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { readRoleCards, type RoleCard } from "../src/core/index.js";
import type { ChatModel } from "../src/llm/chat-model.js";
import { createLlamaCppChatModel, disposeLlamaCppModels } from "../src/llm/providers/llama-cpp.js";
import { simulate } from "../src/simulation/simulate.js";
import { tinyModelPath } from "../test/fixtures/tiny-model.js";
import { tempDir } from "../test/helpers.js";

const ROUNDS = 3; // configurations are interleaved and the median kept: the machine is shared
// Generation is measured for a time budget rather than a fixed amount of work: with more
// threads than free cores llama.cpp's spinning threads can be 100x slower, and fixed work
// would then take hours.
const BUDGET_MS = 4000;
const MAX_TOKENS = 32;
const SESSIONS = 4;
const TURNS = 3;
const CONCURRENCY = [1, 2, 4];
const THREADS = [1, 2];
// Client and counselor each keep their prompt in a sequence of their own, so 4 sessions need
// 8 sequences for every turn to reuse its evaluated prefix (see docs/local-models.md).
const PARALLEL = 2 * Math.max(...CONCURRENCY);

const modelPath = tinyModelPath();
const messages = [
  { role: "system" as const, content: "You are a counselor." },
  { role: "user" as const, content: "Hello, I have trouble sleeping before exams. 我最近睡不着。" },
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function chatModel(threads: number, temperature: number): ChatModel {
  return createLlamaCppChatModel({
    modelPath,
    threads,
    parallel: PARALLEL,
    contextSize: 4096,
    sampling: { max_tokens: MAX_TOKENS, temperature },
  });
}

/** Completion tokens per second with `callers` generating at once, for about BUDGET_MS. */
async function tokensPerSecond(threads: number, callers: number, round: number): Promise<number> {
  const model = chatModel(threads, 1);
  let next = 0;
  let tokens = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() - start < BUDGET_MS) {
        const i = next++;
        const reply = await model.complete({
          messages,
          sampleKey: `t${threads}/k${callers}/r${round}/g${i}`,
        });
        tokens += reply.usage.completion_tokens; // not `tokens += await …`, which reads `tokens` before the await and loses updates
      }
    }),
  );
  return tokens / ((performance.now() - start) / 1000);
}

/** Whole simulated sessions per minute, client and counselor on the tiny model (seeded apart per configuration, so no run replays another's cached prompts). */
async function sessionsPerMinute(
  concurrency: number,
  round: number,
  cards: RoleCard[],
): Promise<number> {
  const dir = tempDir("psysim-bench-");
  try {
    const start = performance.now();
    const summary = await simulate(
      {
        cards,
        out: join(dir, "d.jsonl"),
        maxTurns: TURNS,
        maxAttempts: 5,
        concurrency,
        seed: round * 100 + concurrency,
      },
      { client: chatModel(1, 1), counselor: chatModel(1, 0.7) },
    );
    if (summary.completed !== cards.length)
      throw new Error(
        `bench: ${summary.failed.length} sessions failed: ${summary.failed[0]?.error}`,
      );
    return summary.completed / ((performance.now() - start) / 60_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cards = (await readRoleCards("examples/cards.en.jsonl")).slice(0, SESSIONS);
// Warm up: load llama.cpp, the model and both contexts before timing anything.
for (const threads of THREADS)
  await chatModel(threads, 1).complete({
    messages,
    sampleKey: "warm-up",
    params: { max_tokens: 1 },
  });

const tps = new Map<string, number[]>();
const spm = new Map<number, number[]>();
const push = <K>(map: Map<K, number[]>, key: K, value: number) =>
  map.set(key, [...(map.get(key) ?? []), value]);
const load = [loadavg()[0]!];
for (let round = 0; round < ROUNDS; round++) {
  for (const k of CONCURRENCY) {
    for (const threads of THREADS)
      push(tps, `${threads}/${k}`, await tokensPerSecond(threads, k, round));
    push(spm, k, await sessionsPerMinute(k, round, cards));
    load.push(loadavg()[0]!);
    process.stderr.write(`round ${round + 1}/${ROUNDS}, ${k} caller(s) done\n`);
  }
}
await disposeLlamaCppModels();

console.log(
  `machine: ${availableParallelism()} logical CPUs, 1-minute load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} during the run`,
);
console.log(
  `tiny model (64-wide, 2 layers, 530 tokens, F32); parallel=${PARALLEL} sequences; median of ${ROUNDS} interleaved rounds`,
);
console.log(
  `tokens/s: replies of up to ${MAX_TOKENS} tokens for ${BUDGET_MS / 1000} s; sessions: ${SESSIONS} en cards, ${TURNS} turns, client+counselor on the model, 1 thread\n`,
);
console.log(
  "| callers | tokens/s, 1 thread | ratio to 1 caller | tokens/s, 2 threads | ratio to 1 caller | sessions/min, 1 thread | ratio to 1 session |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|");
const base1 = median(tps.get("1/1")!);
const base2 = median(tps.get("2/1")!);
const baseS = median(spm.get(1)!);
for (const k of CONCURRENCY) {
  const t1 = median(tps.get(`1/${k}`)!);
  const t2 = median(tps.get(`2/${k}`)!);
  const s = median(spm.get(k)!);
  console.log(
    `| ${k} | ${t1.toFixed(0)} | ${(t1 / base1).toFixed(2)} | ${t2.toFixed(1)} | ${(t2 / base2).toFixed(2)} | ${s.toFixed(1)} | ${(s / baseS).toFixed(2)} |`,
  );
}
console.log(`\n2 threads ÷ 1 thread, 1 caller: ${(base2 / base1).toFixed(3)} (tokens/s)`);
